"""The graph page's JSON endpoints: a node's details, its SQL, a target's plan, exports.

Each answer is computed with the functions the commands use (``resolve``,
``make_plan``, ``plan_sql``, the renderers), on the snapshot of the selected
database, so that the page says what ``branchmigrate``, ``branchshow`` and
``branchgraph`` would say. Nothing here writes: the views only read the
migration files and the recorder.
"""

from __future__ import annotations

import copy
import re

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.db.migrations.exceptions import IrreversibleError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from ..management.commands.branchmigrate import checked_plan
from ..planner import Plan
from ..render.data import graph_data, node_data
from ..render.dot import to_dot
from ..render.mermaid import to_mermaid
from ..sqlscript import plan_sql
from ..targets import TargetError, resolve
from ..types import Key, dotted
from .snapshot import Snapshot, get_snapshot

EXPORTS = {
    "dot": ("text/vnd.graphviz; charset=utf-8", "migrations.dot"),
    "mermaid": ("text/plain; charset=utf-8", "migrations.mmd"),
    "json": ("application/json", "migrations.json"),
}


def selected_alias(request: HttpRequest) -> str:
    """The ``database`` query parameter, one of ``settings.DATABASES`` (default: ``default``)."""
    alias = request.GET.get("database", "default")
    if alias not in connections:
        raise Http404("Unknown database alias.")
    return alias


def loaded(request: HttpRequest) -> Snapshot:
    snapshot = get_snapshot(selected_alias(request))
    if snapshot.error is not None:
        raise Http404(snapshot.error)
    return snapshot


def _node_key(snapshot: Snapshot, request: HttpRequest) -> Key:
    app_label, _, name = request.GET.get("id", "").partition(".")
    key = (app_label, name)
    assert snapshot.graph is not None and snapshot.state is not None
    if key not in snapshot.graph and key not in snapshot.state.ghosts:
        raise Http404("No migration %s." % dotted(key))
    return key


def data_view(request: HttpRequest) -> HttpResponse:
    """The page's data, exactly as the page embeds it."""
    return HttpResponse(loaded(request).payload, content_type="application/json")


def node_view(request: HttpRequest) -> JsonResponse:
    """One node as ``branchshow`` describes it: structure, labels, state and operations."""
    snapshot = loaded(request)
    graph, state = snapshot.graph, snapshot.state
    assert graph is not None and state is not None
    key = _node_key(snapshot, request)
    if key not in graph:
        when = snapshot.rows.get(key)
        return JsonResponse(
            {
                "id": dotted(key),
                "app": key[0],
                "name": key[1],
                "ghost": True,
                "applied_at": when.isoformat() if when is not None else None,
            }
        )
    migration = graph.migration(key)
    data = node_data(graph, key, state)
    data.update(
        ghost=False,
        parents=[dotted(k) for k in graph.parents(key)],
        dependencies=[dotted(k) for k in graph.dependencies(key)],
        children=[dotted(k) for k in graph.children(key)],
        dependants=[dotted(k) for k in graph.dependants(key)],
        operations=[op.describe() for op in getattr(migration, "operations", ())],
    )
    return JsonResponse(data)


def sql_view(request: HttpRequest) -> JsonResponse:
    """The SQL of applying the node, or of unapplying it when it is applied.

    It is ``branchmigrate --sql`` for a plan of that one step. An unapplied
    node is written as if its dependencies were applied, as ``sqlmigrate``
    writes it; an applied one from the schema the database has.
    """
    snapshot = loaded(request)
    graph, state, loader = snapshot.graph, snapshot.state, snapshot.loader
    assert graph is not None and state is not None and loader is not None
    key = _node_key(snapshot, request)
    if key not in graph:
        return JsonResponse(
            {"id": dotted(key), "error": "%s is not on disk: it has no SQL." % dotted(key)}
        )
    backwards = key in state.applied
    view = copy.copy(loader)
    if backwards:
        plan = Plan(backwards=(key,))
    else:
        plan = Plan(forwards=(key,))
        view.applied_migrations = dict(loader.applied_migrations)
        for ancestor in graph.ancestors([key]) - {key}:
            view.applied_migrations.setdefault(ancestor, graph.migration(ancestor))
    try:
        sql = plan_sql(view, connections[snapshot.alias], graph, plan)
    except IrreversibleError as exc:
        return JsonResponse(
            {"id": dotted(key), "error": "The plan cannot be written as SQL: %s" % exc}
        )
    except DatabaseError as exc:
        return JsonResponse({"id": dotted(key), "error": str(exc)})
    return JsonResponse({"id": dotted(key), "backwards": backwards, "sql": sql})


def plan_view(request: HttpRequest) -> JsonResponse:
    """What ``branchmigrate TARGET ...`` would do, or the error it would stop with.

    The checks run in the command's order, with the command's messages.
    """
    snapshot = loaded(request)
    texts = [t for t in re.split(r"[\s,]+", request.GET.get("target", "")) if t] or ["heads"]
    try:
        plan = _plan(snapshot, texts)
    except (TargetError, CommandError) as exc:
        return JsonResponse({"targets": texts, "error": str(exc)}, status=400)
    return JsonResponse(
        {
            "targets": texts,
            "backwards": [dotted(key) for key in plan.backwards],
            "forwards": [dotted(key) for key in plan.forwards],
        }
    )


def _plan(snapshot: Snapshot, texts: list[str]) -> Plan:
    graph, loader = snapshot.graph, snapshot.loader
    assert graph is not None and loader is not None
    resolve(texts, graph)  # As the command does, before it reads the database.
    return checked_plan(texts, loader, graph, snapshot.alias)[1]


def export_view(request: HttpRequest, format: str) -> HttpResponse:
    """``branchgraph --format FORMAT --database ALIAS``, as a download."""
    if format not in EXPORTS:
        raise Http404("Unknown export format.")
    snapshot = loaded(request)
    graph, state = snapshot.graph, snapshot.state
    assert graph is not None
    content_type, filename = EXPORTS[format]
    if format == "json":
        response: HttpResponse = JsonResponse(
            graph_data(graph, state), json_dumps_params={"indent": 2}
        )
    else:
        body = to_dot(graph, state) if format == "dot" else to_mermaid(graph, state)
        response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = 'attachment; filename="%s"' % filename
    return response
