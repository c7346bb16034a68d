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
