"""Mixins that add branchmig behaviour to Django's own commands.

They are mixins, not commands, so a project that also overrides ``migrate``,
``makemigrations`` or ``squashmigrations`` (django-linear-migrations,
django-syzygy) can combine them with that app's command class; see
docs/compatibility.rst. Put the mixin first in the bases::

    class Command(BranchMakemigrationsMixin, OtherAppMakemigrationsCommand):
        pass

Django's commands create their ``MigrationWriter`` inside ``handle``; the
mixins swap the name ``MigrationWriter`` in that command's module for
``BranchMigrationWriter`` while the command runs, the way django-syzygy swaps
the autodetector, so that the files they write keep ``branch_labels``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import django
from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands import makemigrations, squashmigrations
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.exceptions import AmbiguityError
from django.db.migrations.loader import MigrationLoader

from ..autodetect import (
    Placement,
    PlacementError,
    check_label,
    describe,
    place,
    resolve_base,
)
from ..graph import BranchGraph
from ..labels import declared_labels, migration_source
from ..policy import CONFLICT_HINT
from ..types import Key, dotted
from ..writer import BranchMigrationWriter
from .base import USAGE, graph_errors, target_errors

CONFLICT_PREFIX = "Conflicting migrations detected"


class ConflictHintMixin:
    """Append how to fix a conflict to Django's "Conflicting migrations" error."""

    def handle(self, *args: Any, **options: Any) -> Any:
        try:
            return super().handle(*args, **options)  # type: ignore[misc]
        except CommandError as exc:
            if not str(exc).startswith(CONFLICT_PREFIX):
                raise
            raise CommandError("%s\n%s" % (exc, CONFLICT_HINT), returncode=exc.returncode) from exc


@contextmanager
def writer_in(module: ModuleType, writer: type) -> Iterator[None]:
    """Make ``module`` create its migration writers from ``writer`` for a while."""
    original = module.MigrationWriter
    module.MigrationWriter = writer  # type: ignore[attr-defined]
    try:
        yield
    finally:
        module.MigrationWriter = original  # type: ignore[attr-defined]


class BranchMakemigrationsMixin(ConflictHintMixin):
    """``makemigrations --head TARGET [--branch-label LABEL]``, for apps with several heads.

    Django builds a new migration on the app's first head in name order. This mixin builds it
    on the node ``--head`` names, refuses to guess when the app has several heads, adds the
    dependencies the new operations need from other branches, and writes ``branch_labels``.
    """

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)  # type: ignore[misc]
        parser.add_argument(
            "--head",
            metavar="TARGET",
            help=(
                "Build the new migration on this migration: a target that names one, such "
                "as billing@head or shop.0004. Needed when the app has several heads."
            ),
        )
        parser.add_argument(
            "--branch-label",
            metavar="LABEL",
            help="Start a new branch labelled LABEL on --head, which may then be any migration.",
        )

    def handle(
        self,
        *app_labels: str,
        head: str | None = None,
        branch_label: str | None = None,
        **options: Any,
    ) -> Any:
        self.branch_placement: Placement | None = None
        self.branch_check = bool(options.get("check_changes"))
        if branch_label is not None and head is None:
            raise CommandError(
                "--branch-label needs --head: name the migration the new branch starts from, "
                "e.g. --head shop.0002.",
                returncode=USAGE,
            )
        if head is not None and options.get("merge"):
            raise CommandError(
                "--merge merges heads that conflict; it cannot be combined with --head. To "
                "merge chosen heads, run 'python manage.py branchmerge'.",
                returncode=USAGE,
            )
        if head is not None and options.get("update"):
            raise CommandError(
                "--update rewrites the latest migration of an app; it cannot be combined with "
                "--head. Leave out --update to write a new migration on that head.",
                returncode=USAGE,
            )
        if head is not None:
            placement = self.branch_placement = self.load_branch_placement()
            installed = [config.label for config in apps.get_app_configs()]
            known = [label for label in dict.fromkeys(app_labels) if label in installed]
            with target_errors():
                placement.base = resolve_base(head, placement.graph, known, branch_label)
                if branch_label is not None:
                    check_label(branch_label, placement.graph, placement.base[0], installed)
            placement.label = branch_label
        return super().handle(*app_labels, **options)

    def load_branch_placement(self) -> Placement:
        """Load the graph as Django's makemigrations does: from disk, squashes unresolved."""
        with graph_errors():
            loader = MigrationLoader(None, ignore_no_migrations=True)
            graph = BranchGraph.from_loader(loader)
        return Placement(loader, graph, lenient=getattr(self, "branch_check", False))

    def write_migration_files(
        self, changes: dict[str, list[Any]], *args: Any, **kwargs: Any
    ) -> Any:
        placement = getattr(self, "branch_placement", None) or self.load_branch_placement()
        notes: list[str] = []
        if not (args or kwargs.get("update_previous_migration_paths")):  # not --update
            try:
                notes = place(changes, placement)
            except PlacementError as exc:
                raise CommandError(str(exc), returncode=exc.returncode) from exc
        with writer_in(makemigrations, BranchMigrationWriter):
            result = super().write_migration_files(changes, *args, **kwargs)  # type: ignore[misc]
        if self.verbosity >= 1:  # type: ignore[attr-defined]
            for note in notes:
                self.log(note)  # type: ignore[attr-defined]
        return result

    def write_to_last_migration_files(self, changes: dict[str, list[Any]]) -> Any:
        placement = getattr(self, "branch_placement", None) or self.load_branch_placement()
        for app_label in sorted(changes):
            leaves = placement.loader.graph.leaf_nodes(app_label)
            if len(leaves) > 1:
                raise CommandError(
                    "--update cannot tell which of the %d heads of app %r to update (%s). "
                    "Write a new migration with --head instead."
                    % (len(leaves), app_label, ", ".join(dotted(k) for k in leaves)),
                    returncode=USAGE,
                )
        return super().write_to_last_migration_files(changes)  # type: ignore[misc]


# Squashing ----------------------------------------------------------------------------------


def squash_range(
    loader: MigrationLoader, app_label: str, start: str | None, end: str
) -> list[Key] | None:
    """The migrations ``squashmigrations`` replaces, found as Django finds them.

    Return None when Django will refuse the names itself, with its own message.
    """
    try:
        end_key = loader.get_migration_by_prefix(app_label, end).name
        keys = [k for k in loader.graph.forwards_plan((app_label, end_key)) if k[0] == app_label]
        if start is not None:
            start_key = (app_label, loader.get_migration_by_prefix(app_label, start).name)
            keys = keys[keys.index(start_key) :]
    except (AmbiguityError, KeyError, ValueError):
        return None
    return keys


def squash_problems(graph: BranchGraph, squashed: Sequence[Key]) -> list[str]:
    """Why squashing ``squashed`` would move or cut off a branch, one message per problem.

    ``squashed`` is the range in apply order, ending at the migration named. Once a squash
    replaces a migration, Django makes whatever depended on it depend on the squash. For the
    last migration of the range that changes nothing; for one in the middle it puts the
    branch that forks there after the whole range. A same-app dependency on a migration
    outside the range, other than the first one's, would be dropped.
    """
    inside = set(squashed)
    span = "%s to %s" % (dotted(squashed[0]), dotted(squashed[-1]))
    problems = []
    for key in squashed[:-1]:
        for child in graph.children(key):
            if child in inside:
                continue
            after = [k for k in squashed if k not in graph.ancestors([key])]
            problems.append(
                "Cannot squash %s: %s branches off %s, inside the range. Once the squash "
                "replaces %s, Django makes %s depend on the whole squash, which also applies "
                "%s, so that branch would silently start after this one. Squash up to %s (where "
                "the branches fork), or merge the branches and squash up to the merge."
                % (
                    span,
                    describe(graph, child),
                    dotted(key),
                    dotted(key),
                    dotted(child),
                    ", ".join(describe(graph, k) for k in after),
                    dotted(key),
                )
            )
    first_parents = set(graph.parents(squashed[0]))
    for key in squashed[1:]:
        for parent in graph.parents(key):
            if parent not in inside and parent not in first_parents:
                problems.append(
                    "Cannot squash %s: %s also depends on %s, which is outside the range, and "
                    "the squash would drop that dependency. Start the range at or before %s, "
                    "or end it before %s."
                    % (span, dotted(key), describe(graph, parent), dotted(parent), dotted(key))
                )
    return problems


def squash_labels(loader: MigrationLoader, squashed: Sequence[Key]) -> tuple[str, ...]:
    """The union of the labels the replaced migrations declare, in the order they declare them."""
    installed = [config.label for config in apps.get_app_configs()]
    labels: dict[str, None] = {}
    for key in squashed:
        migration = loader.disk_migrations.get(key) or loader.graph.nodes[key]
        raw = getattr(migration, "branch_labels", ())
        valid, _ = declared_labels(key, raw, migration_source(migration), installed)
        labels.update(dict.fromkeys(valid))
    return tuple(labels)


class BranchSquashmigrationsMixin:
    """``squashmigrations`` that keeps branch labels and never moves a branch silently.

    The squash declares the union of the labels of the migrations it replaces. A range with a
    branch forking from inside it is refused (exit 1): after the squash, Django would make that
    branch start after the whole range. Branches that fork from the last migration are fine.
    """

    def handle(self, *args: Any, **options: Any) -> Any:
        app_label = options["app_label"]
        # The loader Django's command builds: Django 6.0 stopped resolving squashes from the
        # database there (and allowed squashing squashes).
        connection = connections[DEFAULT_DB_ALIAS] if django.VERSION < (6, 0) else None
        loader = MigrationLoader(connection)
        squashed = squash_range(
            loader, app_label, options.get("start_migration_name"), options["migration_name"]
        )
        if not squashed or app_label not in loader.migrated_apps:
            return super().handle(*args, **options)  # type: ignore[misc]
        with graph_errors():
            graph = BranchGraph.from_loader(loader)
        problems = squash_problems(graph, squashed)
        if problems:
            raise CommandError("\n".join(problems))
        labels = squash_labels(loader, squashed)
        written: list[Any] = []

        class SquashWriter(BranchMigrationWriter):
            def __init__(self, migration: Any, *args: Any, **kwargs: Any) -> None:
                if labels and migration.replaces:
                    migration.branch_labels = labels
                    written.append(migration)
                super().__init__(migration, *args, **kwargs)

        with writer_in(squashmigrations, SquashWriter):
            result = super().handle(*args, **options)  # type: ignore[misc]
        if written and options["verbosity"] >= 1:
            self.stdout.write(  # type: ignore[attr-defined]
                "  It keeps the branch labels of the migrations it replaces: %s."
                % ", ".join(labels)
            )
        return result
