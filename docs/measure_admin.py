"""Time the graph page's server-side payload against Django's ``MigrationLoader``, in one process.

Run it in a project written by ``bench.generate``, with this repository importable::

    python -m bench.generate /tmp/p10k --size 10000
    cd /tmp/p10k && PYTHONPATH=/path/to/django-branchmig python /path/to/docs/measure_admin.py

It prints one JSON object: the cold ``MigrationLoader(None, ignore_no_migrations=True)``
build (the first in the process, which imports every migration module), a warm rebuild,
and ``page_data(graph, state)`` plus its serialization (``json.dumps`` and ``json_script``,
what the page's cache stores), median of five, with half of the graph applied.
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.utils.html import json_script  # noqa: E402

from django_branchmig.graph import BranchGraph  # noqa: E402
from django_branchmig.render.layout import page_data  # noqa: E402
from django_branchmig.state import AppliedState  # noqa: E402


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def payload(graph, state):
    data = page_data(graph, state)
    return json.dumps(data, separators=(",", ":")), json_script(data, "django-branchmig-data")


loader, cold = timed(lambda: MigrationLoader(None, ignore_no_migrations=True))
_, warm = timed(lambda: MigrationLoader(None, ignore_no_migrations=True))
graph = BranchGraph.from_loader(loader)
state = AppliedState("default", dict.fromkeys(graph.nodes[: len(graph.nodes) // 2]))
runs = [timed(lambda: payload(graph, state))[1] for _ in range(5)]
data = page_data(graph, state)
print(
    json.dumps(
        {
            "nodes": len(graph),
            "units": len(data["units"]),
            "loader_cold_s": round(cold, 3),
            "loader_warm_s": round(warm, 3),
            "page_data_and_json_s": round(statistics.median(runs), 3),
            "ratio_to_cold_loader": round(statistics.median(runs) / cold, 3),
            "ratio_to_warm_loader": round(statistics.median(runs) / warm, 3),
            "json_bytes": len(payload(graph, state)[0]),
        }
    )
)
