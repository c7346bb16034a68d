"""What every branchmig command shares: options, graph loading, target errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from ..graph import GRAPH_ERRORS, BranchGraph
from ..state import AppliedState, load_graph
from ..targets import TargetError

#: Exit code for an invalid target or usage, as argparse uses for usage errors.
USAGE = 2


class BranchCommand(BaseCommand):
    """Base for the read-only commands: ``--database`` and ``--json`` where they apply."""

    # Like showmigrations: these commands must run on the very conflicts and label
    # errors that the system checks report, to show them.
    requires_system_checks: list[str] = []

    #: Whether ``--database`` is offered (commands that read the applied state).
    reads_database = False
    #: Whether ``--json`` is offered.
    offers_json = False
    #: Whether ``--database`` is required to be read (``branchcurrent``) or optional.
    database_default: str | None = None

    def add_arguments(self, parser: Any) -> None:
        if self.reads_database:
            parser.add_argument(
                "--database",
                default=self.database_default,
                choices=tuple(connections),
                help="Read the applied state of this database alias.",
            )
        if self.offers_json:
            parser.add_argument(
                "--json", action="store_true", help="Print stable JSON (see the docs)."
            )

    def load(self, database: str | None) -> tuple[BranchGraph, AppliedState | None]:
        """Load the graph once for this command, with the overlay of ``database``."""
        with graph_errors():
            return load_graph(database)

    def write_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2, sort_keys=False))


@contextmanager
def graph_errors() -> Iterator[None]:
    """Turn a graph that cannot be loaded into a ``CommandError`` (exit 1)."""
    try:
        yield
    except GRAPH_ERRORS as exc:
        raise CommandError("The migration graph cannot be loaded: %s" % exc) from exc


@contextmanager
def target_errors() -> Iterator[None]:
    """Turn a ``TargetError`` into a ``CommandError`` with exit code 2."""
    try:
        yield
    except TargetError as exc:
        raise CommandError(str(exc), returncode=USAGE) from exc


def disk_loader() -> MigrationLoader:
    """Django's loader without a database, as ``makemigrations`` builds it."""
    return MigrationLoader(None, ignore_no_migrations=True)


__all__ = ["USAGE", "BranchCommand", "DEFAULT_DB_ALIAS", "graph_errors", "target_errors"]
