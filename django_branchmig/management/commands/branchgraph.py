"""``branchgraph --format {dot,mermaid,json}``: export the graph for other tools."""

from __future__ import annotations

from typing import Any

from ...render.data import graph_data
from ...render.dot import to_dot
from ...render.mermaid import to_mermaid
from ..base import BranchCommand


class Command(BranchCommand):
    help = (
        "Export the migration graph as Graphviz DOT, Mermaid or JSON; with --database, "
        "with the applied state of each migration."
    )
    # Like showmigrations: a graph with errors is what these commands help to look at.
    reads_database = True

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            choices=("dot", "mermaid", "json"),
            default="dot",
            help="The output format (default: dot).",
        )

    def handle(self, *args: str, database: str | None, format: str, **options: Any) -> None:
        graph, state = self.load(database)
        if format == "json":
            self.write_json(graph_data(graph, state))
        elif format == "mermaid":
            self.stdout.write(to_mermaid(graph, state), ending="")
        else:
            self.stdout.write(to_dot(graph, state), ending="")
