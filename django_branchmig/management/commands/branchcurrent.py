"""``branchcurrent``: where a database stands against the heads of the graph."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from ...graph import BranchGraph
from ...state import AppliedState
from ...types import Key, dotted
from ..base import BranchCommand


class Command(BranchCommand):
    help = (
        "Show what a database has applied: the applied heads of each app, whether each app "
        "is at its heads, ghost migrations and inconsistent history."
    )
    # Like showmigrations: a graph with errors is what these commands help to look at.
    reads_database = True
    offers_json = True
    database_default = DEFAULT_DB_ALIAS

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--check-heads",
            action="store_true",
            help="Exit with status 1 unless the database is at every head.",
        )

    def handle(
        self,
        *args: str,
        database: str,
        check_heads: bool,
        json: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        graph, state = self.load(database)
        assert state is not None
        report = current_report(graph, state)
        if json:
            self.write_json({"databases": [report]})
        elif verbosity:
            self.show(graph, state, report, verbosity, summary=not check_heads)
        if check_heads and not report["at_heads"]:
            raise CommandError(behind_message(graph, state), returncode=1)

    def show(
        self,
        graph: BranchGraph,
        state: AppliedState,
        report: dict[str, Any],
        verbosity: int,
        summary: bool,
    ) -> None:
        alias = state.alias
        self.stdout.write(self.style.MIGRATE_HEADING("Applied heads on database '%s':" % alias))
        for app in report["apps"]:
            app_label = app["app"]
            if app["at_heads"]:
                status = self.style.SUCCESS("at its heads")
            else:
                status = self.style.WARNING("not at its heads")
            self.stdout.write("  %s: %s" % (self.style.MIGRATE_LABEL(app_label), status))
            heads = set(graph.heads(app_label))
            applied_heads = set(state.applied_heads(graph, graph.app_nodes(app_label)))
            for key in graph.sorted(heads | applied_heads):
                self.stdout.write("    " + self._line(graph, state, key, key in heads, verbosity))
        if state.ghosts:
            self.stdout.write(self.style.MIGRATE_HEADING("Ghosts on database '%s':" % alias))
            for ghost in state.ghosts:
                self.stdout.write(
                    "  %s is recorded as applied, but no such migration exists." % dotted(ghost),
                    self.style.WARNING,
                )
        if state.inconsistent:
            self.stdout.write(
                self.style.MIGRATE_HEADING("Inconsistent history on database '%s':" % alias)
            )
            for migration, dependency in state.inconsistent:
                self.stdout.write(
                    "  %s is applied before its dependency %s."
                    % (dotted(migration), dotted(dependency)),
                    self.style.ERROR,
                )
        if report["at_heads"]:
            self.stdout.write("Database '%s' is at every head." % alias, self.style.SUCCESS)
        elif summary:
            self.stdout.write("Database '%s' is not at every head." % alias, self.style.WARNING)

    def _line(
        self, graph: BranchGraph, state: AppliedState, key: Key, head: bool, verbosity: int
    ) -> str:
        line = "[X] %s" % key[1] if key in state else "[ ] %s" % key[1]
        if graph.labels(key):
            line += " [%s]" % ", ".join(sorted(graph.labels(key)))
        line += " (head)" if head else " (applied head)"
        applied_at = state.applied.get(key)
        if verbosity >= 2 and applied_at is not None:
            line += " (applied at %s)" % applied_at.strftime("%Y-%m-%d %H:%M:%S")
        return line


def current_report(graph: BranchGraph, state: AppliedState) -> dict[str, Any]:
    """The stable JSON of one database (``branchcurrent --json``)."""
    apps = []
    for app_label in graph.apps:
        heads = graph.heads(app_label)
        applied_heads = state.applied_heads(graph, graph.app_nodes(app_label))
        apps.append(
            {
                "app": app_label,
                "heads": [name for _, name in heads],
                "applied_heads": [name for _, name in applied_heads],
                "at_heads": set(heads) == set(applied_heads),
            }
        )
    return {
        "alias": state.alias,
        "apps": apps,
        "ghosts": [{"app": app, "name": name} for app, name in state.ghosts],
        "inconsistent": [
            {"migration": dotted(migration), "dependency": dotted(dependency)}
            for migration, dependency in state.inconsistent
        ],
        "at_heads": all(app["at_heads"] for app in apps),
    }


def behind_message(graph: BranchGraph, state: AppliedState) -> str:
    """Say which apps are not at their heads, and how to get there."""
    parts = []
    for app_label in graph.apps:
        heads = graph.heads(app_label)
        applied_heads = state.applied_heads(graph, graph.app_nodes(app_label))
        if set(heads) == set(applied_heads):
            continue
        names = ", ".join(name for _, name in heads)
        if applied_heads:
            parts.append(
                "%s is at %s (heads: %s)"
                % (app_label, ", ".join(name for _, name in applied_heads), names)
            )
        else:
            parts.append("%s has nothing applied (heads: %s)" % (app_label, names))
    option = "" if state.alias == DEFAULT_DB_ALIAS else " --database %s" % state.alias
    return (
        "Database '%s' is not at every head: %s. Run 'python manage.py branchmigrate heads%s' "
        "to migrate it." % (state.alias, "; ".join(parts), option)
    )
