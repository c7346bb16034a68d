"""``branchhistory [-r RANGE] [APP ...]``: the graph in the terminal, newest first."""

from __future__ import annotations

from typing import Any

from ...graph import BranchGraph
from ...render.history import draw_history
from ...state import AppliedState
from ...targets import TargetError, resolve_node
from ...types import Key, dotted
from ..base import BranchCommand, target_errors
from .branchheads import selected_apps


class Command(BranchCommand):
    help = (
        "Draw the migration graph newest first, like 'git log --graph': branch labels, heads, "
        "bases, branch points and merge points; applied marks with --database."
    )
    # Like showmigrations: a graph with errors is what these commands help to look at.
    reads_database = True

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*", metavar="APP", help="Only these apps.")
        parser.add_argument(
            "-r",
            "--range",
            dest="node_range",
            metavar="RANGE",
            help=(
                "Only the migrations from A to B: A:B, :B (from the bases) or A: (to the heads), "
                "where A and B name one migration each (shop.0002, billing@head)."
            ),
        )
        super().add_arguments(parser)

    def handle(
        self,
        *app_labels: str,
        database: str | None,
        node_range: str | None,
        verbosity: int,
        **options: Any,
    ) -> None:
        graph, state = self.load(database)
        selected = selected_apps(graph, app_labels)
        nodes = set(graph.nodes)
        if node_range is not None:
            with target_errors():
                nodes = range_nodes(node_range, graph, state)
        lines = draw_history(graph, nodes, state, self.style, apps=selected)
        for line in lines:
            self.stdout.write(line)
        if not lines and verbosity:
            self.stdout.write("No migrations in the range %r for these apps." % node_range)


def range_nodes(text: str, graph: BranchGraph, state: AppliedState | None = None) -> set[Key]:
    """Return the nodes of ``A:B``: descendants of A (or everything) that B depends on."""
    start, _, end = (part.strip() for part in text.partition(":"))
    if text.count(":") != 1 or not (start or end):
        raise TargetError(
            "Invalid range %r. Use A:B, :B or A:, where A and B name one migration each "
            "(shop.0002, billing@head)." % text
        )
    nodes = set(graph.nodes)
    first = resolve_node(start, graph, state) if start else None
    last = resolve_node(end, graph, state) if end else None
    if first is not None:
        nodes &= graph.descendants([first])
    if last is not None:
        nodes &= graph.ancestors([last])
    if first is not None and last is not None and not nodes:
        hint = (
            " Write it newest last: %s:%s." % (end, start)
            if first in graph.descendants([last])
            else ""
        )
        raise TargetError(
            "The range %r is empty: %s does not depend on %s.%s"
            % (text, dotted(last), dotted(first), hint)
        )
    return nodes
