"""``branchcheck``: the CI gate for branches, reported like Django's system checks.

It reports what ``manage.py check`` reports for the branch graph (``E001`` to
``E004``), then analyses every pair of heads of an app (``E005`` when their
branches conflict, ``W001`` when they touch the same model, ``W002`` when an
operation cannot be analysed); with ``--database``, the database's ghosts
(``E006``), inconsistent history (``E007``) and apps not at their heads
(``E008``). Errors fail the command (exit status 1); warnings do not.
``SILENCED_SYSTEM_CHECKS`` silences any of them, as it does system checks.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from ...analysis import CONFLICTING, OPAQUE, analyse_heads, head_pairs
from ...checks import check_branch_graph, labelled, parallel_branches_warning
from ...graph import BranchGraph
from ...state import AppliedState
from ...types import dotted
from ..base import BranchCommand, disk_loader, graph_errors

HINTS = {
    "E005": (
        "Run 'python manage.py branchmerge %s %s --dry-run' to see both branches and what "
        "they both touch, then change one branch so that either order gives the same result."
    ),
    "W002": (
        "Check by hand that these operations give the same result whichever branch runs "
        "first; 'python manage.py branchmerge %s %s --dry-run' shows both branches."
    ),
    "E006": (
        "Restore the migration file, or delete the record with "
        "'python manage.py branchmigrate --prune%s'."
    ),
    "E007": (
        "If the dependency's changes are in the database, record it as applied; otherwise "
        "unapply the migration. 'python manage.py branchcurrent%s' shows the whole history."
    ),
    "E008": "Run 'python manage.py branchmigrate %s@heads%s'.",
}


class Command(BranchCommand):
    help = (
        "Check the branches for CI: conflicting heads, label errors and parallel branches "
        "that conflict; with --database also ghosts, inconsistent history and apps not at "
        "their heads. Exit with status 1 on any error."
    )
    reads_database = True
    offers_json = True

    def handle(
        self, *args: str, database: str | None, json: bool, verbosity: int, **options: Any
    ) -> None:
        messages = list(check_branch_graph())
        if not any(message.id == "branchmig.E004" for message in messages):
            messages += branch_messages()
            if database is not None:
                graph, state = self.load(database)
                assert state is not None
                messages += database_messages(graph, state)
        shown = [message for message in messages if not message.is_silenced()]
        errors = [message for message in shown if message.is_serious()]
        warnings = [message for message in shown if not message.is_serious()]
        if json:
            self.write_json(
                {
                    "database": database,
                    "errors": [as_json(message) for message in errors],
                    "warnings": [as_json(message) for message in warnings],
                }
            )
        elif verbosity >= 1:
            self.report(errors, warnings, len(messages) - len(shown))
        if errors:
            raise CommandError(
                "Branch check failed: %d error%s." % (len(errors), "" if len(errors) == 1 else "s")
            )

    def report(
        self, errors: list[CheckMessage], warnings: list[CheckMessage], silenced: int
    ) -> None:
        """Print the messages the way ``manage.py check`` does."""
        body = ""
        for group, messages, style in (
            ("ERRORS", errors, self.style.ERROR),
            ("WARNINGS", warnings, self.style.WARNING),
        ):
            if messages:
                body += "\n%s:\n%s\n" % (group, "\n".join(style(str(m)) for m in messages))
        count = len(errors) + len(warnings)
        footer = "Branch check identified %s (%d silenced)." % (
            "no issues" if not count else "1 issue" if count == 1 else "%d issues" % count,
            silenced,
        )
        if count:
            self.stdout.write("Branch check identified some issues:\n" + body + "\n" + footer)
        else:
            self.stdout.write(footer)


def branch_messages() -> list[CheckMessage]:
    """E005, W001 and W002 for every pair of heads of an app."""
    loader = disk_loader()
    with graph_errors():
        graph = BranchGraph.from_loader(loader)
    messages: list[CheckMessage] = []
    for a, b in head_pairs(graph):
        found = analyse_heads(graph, loader, a, b)
        if found.verdict == CONFLICTING:
            touched = ", ".join(found.model_names)
            messages.append(
                Error(
                    "Parallel branches of app %r conflict: %s and %s%s. %s%s"
                    % (
                        a[0],
                        labelled(graph, a),
                        labelled(graph, b),
                        " both touch %s" % touched if touched else "",
                        found.error,
                        "" if (found.error or "").endswith(".") else ".",
                    ),
                    hint=HINTS["E005"] % (dotted(a), dotted(b)),
                    id="branchmig.E005",
                )
            )
            continue
        if found.overlaps:
            messages.append(
                parallel_branches_warning(
                    graph, a, b, found.model_names, commuting=found.verdict != OPAQUE
                )
            )
        if found.opaque:
            messages.append(
                Warning(
                    "Parallel branches of app %r hold operations that cannot be analysed, so "
                    "whether %s and %s commute is unknown: %s."
                    % (
                        a[0],
                        labelled(graph, a),
                        labelled(graph, b),
                        "; ".join(str(ref) for _, ref in found.opaque),
                    ),
                    hint=HINTS["W002"] % (dotted(a), dotted(b)),
                    id="branchmig.W002",
                )
            )
    return messages


def database_messages(graph: BranchGraph, state: AppliedState) -> list[CheckMessage]:
    """E006, E007 and E008 for one database."""
    alias = state.alias
    option = "" if alias == DEFAULT_DB_ALIAS else " --database %s" % alias
    messages: list[CheckMessage] = [
        Error(
            "Database %r records %s as applied, but no such migration exists."
            % (alias, dotted(ghost)),
            hint=HINTS["E006"] % option,
            id="branchmig.E006",
        )
        for ghost in state.ghosts
    ]
    messages += [
        Error(
            "Database %r has %s applied before its dependency %s."
            % (alias, dotted(migration), dotted(dependency)),
            hint=HINTS["E007"] % option,
            id="branchmig.E007",
        )
        for migration, dependency in state.inconsistent
    ]
    for app_label in graph.apps:
        if not state.missing_heads(graph, app_label):
            continue
        applied = state.applied_heads(graph, graph.app_nodes(app_label))
        messages.append(
            Error(
                "Database %r is not at the heads of app %r: %s; the heads are %s."
                % (
                    alias,
                    app_label,
                    "it is at %s" % ", ".join(name for _, name in applied)
                    if applied
                    else "nothing is applied",
                    ", ".join(name for _, name in graph.heads(app_label)),
                ),
                hint=HINTS["E008"] % (app_label, option),
                id="branchmig.E008",
            )
        )
    return messages


def as_json(message: CheckMessage) -> dict[str, Any]:
    return {"id": message.id, "message": message.msg, "hint": message.hint}
