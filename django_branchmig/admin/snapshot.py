"""The graph page's data for one database, built once per process and rebuilt when stale.

Building Django's ``MigrationLoader`` is the expensive part of the page: on
large projects it costs far more than the layout. A snapshot is therefore
kept per database alias and reused as long as two cheap fingerprints are
unchanged:

- the migration files: name, modification time and size of every ``.py``
  file in each app's migrations package (one ``stat`` per file, no import),
  plus the ``BRANCH_LABELS`` setting;
- the recorder's rows of that database (one query), so that the page shows a
  ``branchmigrate`` run by someone else at the next request.

When a file changed, its module is dropped from ``sys.modules`` before the
loader runs again: Django's loader imports each migration module once per
process, so an edited file would otherwise be read from the old import.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.html import json_script

from ..conf import branchmig_setting
from ..graph import GRAPH_ERRORS, BranchGraph
from ..render.layout import page_data
from ..state import AppliedState, load_graph
from ..types import Key


@dataclass
class Snapshot:
    """The loaded graph of one database alias, and the page's JSON for it."""

    alias: str
    files: dict[str, tuple[int, int]]
    rows: dict[Key, datetime | None]
    loader: MigrationLoader | None = None
    graph: BranchGraph | None = None
    state: AppliedState | None = None
    #: ``page_data(graph, state)`` serialized once, for the JSON endpoint.
    payload: str = "null"
    #: The same, through ``json_script``: the page embeds it as is.
    script: str = ""
    #: The message ``branchgraph`` would stop with when the graph cannot be loaded.
    error: str | None = None


_cache: dict[str, Snapshot] = {}
_lock = threading.Lock()


def migration_files() -> dict[str, tuple[int, int]]:
    """Map each migration file's module to ``(mtime_ns, size)``, for every installed app."""
    found: dict[str, tuple[int, int]] = {}
    for config in apps.get_app_configs():
        module_name, _ = MigrationLoader.migrations_module(config.label)
        if module_name is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for directory in getattr(module, "__path__", ()):
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue
            for entry in entries:
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    found["%s.%s" % (module_name, entry.name[:-3])] = (
                        stat.st_mtime_ns,
                        stat.st_size,
                    )
    found["BRANCH_LABELS"] = (hash(repr(branchmig_setting("BRANCH_LABELS"))), 0)
    return found


def recorded_rows(alias: str) -> dict[Key, datetime | None]:
    """Return the recorder's rows of ``alias``: ``{key: applied}`` (empty without a table)."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    return {key: row.applied for key, row in recorder.applied_migrations().items()}


def get_snapshot(alias: str) -> Snapshot:
    """Return the snapshot of ``alias``, rebuilt if a migration file or a recorded row changed."""
    files = migration_files()
    rows = recorded_rows(alias)
    with _lock:
        cached = _cache.get(alias)
        if cached is not None and cached.files == files and cached.rows == rows:
            return cached
        _forget_changed_modules(cached.files if cached else None, files)
        snapshot = build(alias, files, rows)
        _cache[alias] = snapshot
        return snapshot


def clear() -> None:
    """Drop every snapshot (tests, and settings that change the migration modules)."""
    with _lock:
        _cache.clear()


def build(alias: str, files: dict[str, tuple[int, int]], rows: dict[Key, Any]) -> Snapshot:
    """Load the graph the way ``branchmigrate`` does and lay it out."""
    snapshot = Snapshot(alias, files, rows)
    importlib.invalidate_caches()
    try:
        loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        graph, state = load_graph(alias, loader=loader)
    except GRAPH_ERRORS as exc:
        snapshot.error = "The migration graph cannot be loaded: %s" % exc
        return snapshot
    assert state is not None
    return with_graph(snapshot, graph, state, loader)


def with_graph(
    snapshot: Snapshot,
    graph: BranchGraph,
    state: AppliedState,
    loader: MigrationLoader | None = None,
) -> Snapshot:
    """Fill ``snapshot`` with a graph, its state and the page's data for them."""
    data = page_data(graph, state)
    snapshot.loader, snapshot.graph, snapshot.state = loader, graph, state
    snapshot.payload = json.dumps(data, separators=(",", ":"))
    snapshot.script = json_script(data, "django-branchmig-data")
    return snapshot


def _forget_changed_modules(
    before: dict[str, tuple[int, int]] | None, after: dict[str, tuple[int, int]]
) -> None:
    """Drop modules whose file changed, so that the loader imports them afresh.

    A deleted file needs nothing: the loader lists the directory, not ``sys.modules``.
    """
    if before is None:
        return
    for module_name, stamp in after.items():
        if module_name in before and before[module_name] != stamp:
            sys.modules.pop(module_name, None)
