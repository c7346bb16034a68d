"""Run plans through Django's ``MigrationExecutor`` with a loader built beforehand.

``branchmigrate`` validates targets against the graph on disk before it
touches the database, then connects that same loader instead of loading the
migrations a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


class LoadedExecutor(MigrationExecutor):
    """A ``MigrationExecutor`` that takes an already built loader."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        loader: MigrationLoader,
        progress_callback: Callable[..., Any] | None = None,
    ) -> None:
        self.connection = connection
        self.loader = loader
        self.recorder = MigrationRecorder(connection)
        self.progress_callback = progress_callback


def connect_loader(loader: MigrationLoader, connection: BaseDatabaseWrapper) -> None:
    """Give a disk-only loader the applied state of ``connection``, as Django would.

    Without squashed migrations the graph does not depend on what is applied,
    so reading the recorder is enough; with them, Django's replacement rules
    need the applied set, so the graph is built again.
    """
    loader.connection = connection
    if loader.replacements:
        loader.build_graph()
    else:
        loader.applied_migrations = MigrationRecorder(connection).applied_migrations()  # type: ignore[assignment]


class Progress:
    """What ran, from the executor's progress callback: the basis of the failure report."""

    def __init__(self) -> None:
        self.done: list[tuple[str, str, bool]] = []  # (app, name, backwards)
        self.running: tuple[str, str, bool] | None = None

    def __call__(self, action: str, migration: Any = None, fake: bool = False) -> None:
        if action in ("apply_start", "unapply_start"):
            self.running = (migration.app_label, migration.name, action == "unapply_start")
        elif action in ("apply_success", "unapply_success") and self.running is not None:
            self.done.append(self.running)
            self.running = None


def run_phases(
    executor: MigrationExecutor,
    backwards: list[Any],
    forwards: list[Any],
    state: Any,
    fake: bool,
) -> Any:
    """Run the backwards phase, rebuild the loader, then run the forwards phase.

    Each phase goes through ``MigrationExecutor.migrate(plan=...)`` so atomicity,
    recording and ``--fake`` are Django's. Return the final project state.
    """
    if backwards:
        executor.migrate([], plan=[(m, True) for m in backwards], fake=fake)
        # The loader's applied set is stale after a run.
        executor.loader.build_graph()
        state = None
        forwards = [executor.loader.graph.nodes[(m.app_label, m.name)] for m in forwards]
    if forwards or state is None:
        plan = [(m, False) for m in forwards]
        state = executor.migrate([], plan=plan, state=state and state.clone(), fake=fake)
    return state
