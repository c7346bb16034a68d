"""``branchshow TARGET``: everything about one migration, and its SQL with ``--sql``."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from ...graph import BranchGraph
from ...render.history import MARKERS
from ...state import AppliedState
from ...targets import resolve_node
from ...types import Key, dotted
from ..base import BranchCommand, target_errors
from .branchheads import relative_path


class Command(BranchCommand):
    help = (
        "Describe one migration: its file, branch labels, parents, dependencies, children, "
        "dependants and operations; when it was applied with --database; its SQL with --sql."
    )
    # Like showmigrations: a graph with errors is what these commands help to look at.
    reads_database = True

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "target", metavar="TARGET", help="A target naming one migration (shop.0003)."
        )
        super().add_arguments(parser)
        parser.add_argument(
            "--sql",
            action="store_true",
            help=(
                "Print the SQL of the migration, as sqlmigrate does, for --database (default: "
                "the default database)."
            ),
        )

    def handle(
        self, *args: str, target: str, database: str | None, sql: bool, **options: Any
    ) -> None:
        graph, state = self.load(database)
        with target_errors():
            key = resolve_node(target, graph, state)
        self.describe(graph, key, state)
        if sql:
            self.stdout.write(self.style.MIGRATE_HEADING("SQL:"))
            self.stdout.write(self.sql(key, database or DEFAULT_DB_ALIAS))

    def describe(self, graph: BranchGraph, key: Key, state: AppliedState | None) -> None:
        markers = ["(%s)" % name for name, test in MARKERS if test(graph, key)]
        self.stdout.write(self.style.MIGRATE_HEADING(" ".join([dotted(key)] + markers)))
        migration = graph.migration(key)
        fields = [
            ("File", relative_path(graph.source(key))),
            ("Labels", _names(sorted(graph.labels(key)))),
            ("Declared labels", _names(sorted(graph.declared_labels(key)))),
            ("Parents", _keys(graph.parents(key))),
            ("Dependencies", _keys(graph.dependencies(key))),
            ("Children", _keys(graph.children(key))),
            ("Dependants", _keys(graph.dependants(key))),
        ]
        replaces = [tuple(r) for r in getattr(migration, "replaces", ())]
        if replaces:
            fields.append(("Replaces", _keys(replaces)))
        if state is not None:
            fields.append(("Applied on '%s'" % state.alias, _applied(state, key)))
        for name, value in fields:
            self.stdout.write(self.style.MIGRATE_LABEL("  %s: " % name) + value)
        self.stdout.write(self.style.MIGRATE_HEADING("Operations:"))
        operations = getattr(migration, "operations", [])
        for operation in operations:
            self.stdout.write("  - %s" % operation.describe())
        if not operations:
            self.stdout.write("  (none)")

    def sql(self, key: Key, alias: str) -> str:
        """Return the migration's SQL as ``sqlmigrate`` prints it; nothing is executed."""
        connection = connections[alias]
        # Every migration on disk, squashed or replaced, as sqlmigrate loads them.
        loader = MigrationLoader(connection, replace_migrations=False)
        migration = loader.graph.nodes[key]
        statements = loader.collect_sql([(migration, False)])
        if not statements:
            return "-- No operations found."
        output = "\n".join(statements)
        if migration.atomic and connection.features.can_rollback_ddl:
            output = "%s\n%s\n%s" % (
                self.style.SQL_KEYWORD(connection.ops.start_transaction_sql()),
                output,
                self.style.SQL_KEYWORD(connection.ops.end_transaction_sql()),
            )
        return output


def _names(names: Any) -> str:
    return ", ".join(names) or "none"


def _keys(keys: Any) -> str:
    return ", ".join(dotted(key) for key in keys) or "none"


def _applied(state: AppliedState, key: Key) -> str:
    if key not in state:
        return "no"
    applied_at = state.applied[key]
    return "yes" if applied_at is None else applied_at.strftime("%Y-%m-%d %H:%M:%S")
