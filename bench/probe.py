"""Measurements taken inside one fresh process of a generated project.

``python -m bench.probe KIND`` runs in the project's directory (``bench.run``
starts it there) and prints one JSON object. Each process measures Django's
work first, because ours reads what Django built, then ours, in the same
process: the two numbers share the interpreter, the imports and the caches.

Kinds:

``disk``
    Django's ``MigrationLoader(None)`` build, then ``BranchGraph.from_loader``
    on it, then the queries the commands make: heads and conflicts, target
    resolution, planning, and the conflict policy that ``migrate`` runs.
``current``
    Django's connected ``MigrationLoader`` (it reads the recorder), then the
    graph, the applied overlay and the ``branchcurrent`` report; then the admin
    graph page's data for that graph and overlay: ``page_data()`` (the layout)
    and its two serializations, what the page's cache stores.
``memory``
    The same work as ``disk`` and ``current`` under ``tracemalloc``: the peak
    of the Python heap during each phase.
``record``
    Set-up, not measured: record every migration of the generated apps as
    applied, as ``migrate --fake`` would, in one transaction.
``profile``
    ``cProfile`` of the graph build and the queries, the top entries as text.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")


def _targets(meta: dict[str, Any]) -> list[str]:
    """A representative target set: every form that reads the graph, not the database."""
    apps = meta["apps"]
    app = apps[len(apps) // 2]
    spanning = meta["spanning_labels"] or sorted(meta["labels"])
    targets = ["heads", "%s@heads" % app, "%s.%s" % (app, meta["trunk_node"][app][:4])]
    if spanning:
        targets += ["%s@head" % spanning[0], "%s@base" % spanning[0]]
    return targets


def _meta() -> dict[str, Any]:
    with open("bench_meta.json") as handle:
        return json.load(handle)


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def disk_queries(graph: Any, meta: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """The queries ``branchheads`` and ``branchmigrate`` make on a graph, by name."""
    from django_branchmig.planner import make_plan
    from django_branchmig.state import AppliedState
    from django_branchmig.targets import resolve

    targets = _targets(meta)
    empty = AppliedState("default")

    def heads() -> Any:
        return [(head, graph.labels(head)) for head in graph.heads()], graph.conflicts()

    def resolution() -> Any:
        return [resolve([target], graph) for target in targets]

    def planning() -> Any:
        return [
            make_plan(graph, empty, resolve([target], graph))
            for target in targets
            if "@base" not in target
        ]

    return {"heads": heads, "targets": resolution, "plan": planning}


def probe_disk() -> dict[str, Any]:
    import django

    django.setup()
    from django.db.migrations.loader import MigrationLoader

    from django_branchmig import policy
    from django_branchmig.graph import BranchGraph

    meta = _meta()
    loader, django_seconds = _timed(lambda: MigrationLoader(None, ignore_no_migrations=True))
    graph, graph_seconds = _timed(lambda: BranchGraph.from_loader(loader))
    result = {"django": django_seconds, "graph": graph_seconds, "nodes": len(graph)}
    for name, query in disk_queries(graph, meta).items():
        result[name] = _timed(query)[1]
    _, result["policy"] = _timed(lambda: policy.detect_conflicts(loader))
    _, result["django_detect_conflicts"] = _timed(lambda: policy._django_detect_conflicts(loader))
    return result


def probe_current() -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from django_branchmig.graph import BranchGraph
    from django_branchmig.management.commands.branchcurrent import current_report
    from django_branchmig.state import applied_state

    connection = connections["default"]
    loader, django_seconds = _timed(lambda: MigrationLoader(connection))

    def ours() -> Any:
        graph = BranchGraph.from_loader(loader)
        state = applied_state(loader, graph, "default")
        return current_report(graph, state)

    report, seconds = _timed(ours)
    graph = BranchGraph.from_loader(loader)
    state = applied_state(loader, graph, "default")
    _, admin_seconds = _timed(lambda: admin_page(graph, state))
    return {
        "django": django_seconds,
        "current": seconds,
        "admin": admin_seconds,
        "at_heads": report["at_heads"],
    }


def admin_page(graph: Any, state: Any) -> tuple[str, str]:
    """What the admin graph page computes from a graph and its overlay (``with_graph``)."""
    from django.utils.html import json_script

    from django_branchmig.render.layout import page_data

    data = page_data(graph, state)
    return json.dumps(data, separators=(",", ":")), json_script(data, "django-branchmig-data")


def probe_memory() -> dict[str, Any]:
    """Peak traced heap (MB) of each phase; ``tracemalloc`` slows everything, so no times.

    Each phase is traced on its own: what Django's loader holds is not counted
    in ours. A query's peak includes the graph it runs on.
    """
    import django

    django.setup()
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from django_branchmig import policy
    from django_branchmig.graph import BranchGraph
    from django_branchmig.management.commands.branchcurrent import current_report
    from django_branchmig.state import applied_state

    meta = _meta()
    peaks: dict[str, float] = {}

    def peak() -> float:
        return tracemalloc.get_traced_memory()[1] / 2**20

    tracemalloc.start()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    peaks["django"] = peak()
    tracemalloc.stop()
    tracemalloc.start()
    graph = BranchGraph.from_loader(loader)
    peaks["graph"] = peak()
    for name, query in disk_queries(graph, meta).items():
        tracemalloc.reset_peak()
        query()
        peaks[name] = max(peaks["graph"], peak())
    tracemalloc.stop()
    tracemalloc.start()
    policy.detect_conflicts(loader)
    peaks["policy"] = peak()
    tracemalloc.stop()
    del graph
    tracemalloc.start()
    connected = MigrationLoader(connections["default"])
    peaks["django_connected"] = peak()
    tracemalloc.stop()
    tracemalloc.start()
    graph = BranchGraph.from_loader(connected)
    state = applied_state(connected, graph, "default")
    current_report(graph, state)
    peaks["current"] = peak()
    tracemalloc.stop()
    tracemalloc.start()
    admin_page(graph, state)
    peaks["admin"] = peak()
    tracemalloc.stop()
    return peaks


def probe_record() -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections, transaction
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections["default"]
    loader = MigrationLoader(None, ignore_no_migrations=True)
    apps = set(settings.BENCH_APPS)
    keys = {key for key in loader.disk_migrations if key[0] in apps}
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    with transaction.atomic(using=connection.alias):
        recorder.migration_qs.bulk_create(
            [recorder.Migration(app=app, name=name) for app, name in sorted(keys)],
            batch_size=500,
        )
    return {"recorded": len(keys)}


def probe_profile() -> dict[str, Any]:
    import django

    django.setup()
    from django.db.migrations.loader import MigrationLoader

    from django_branchmig.graph import BranchGraph

    meta = _meta()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    profiles = {}
    profiler = cProfile.Profile()
    graph = profiler.runcall(BranchGraph.from_loader, loader)
    profiles["graph"] = _top(profiler)
    for name, query in disk_queries(graph, meta).items():
        profiler = cProfile.Profile()
        profiler.runcall(query)
        profiles[name] = _top(profiler)
    return profiles


def _top(profiler: cProfile.Profile, entries: int = 12) -> str:
    """The top entries by cumulative time, then by own time."""
    parts = []
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(entries)
        text = out.getvalue()
        parts.append("sorted by %s\n%s" % (key, text[text.find("   ncalls") :]))
    return "\n".join(parts)


PROBES = {
    "disk": probe_disk,
    "current": probe_current,
    "memory": probe_memory,
    "record": probe_record,
    "profile": probe_profile,
}


def main(argv: list[str]) -> int:
    sys.path.insert(0, os.getcwd())
    (kind,) = argv
    json.dump(PROBES[kind](), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
