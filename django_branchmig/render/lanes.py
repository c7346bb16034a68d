"""Lay a graph out in lanes, newest first, the way ``git log --graph`` draws history.

The input is an order (children before parents) and each node's parents. A
*lane* is a column waiting for a node; the output is one row per node (``*``
on its lane, ``|`` on the others) plus connector rows that move lanes:

- a node's lane goes on to wait for its first parent; each further parent
  opens a lane to its right (``|\\``, and ``*-.`` with ``|\\ \\`` for three);
- lanes waiting for the same node collapse into the leftmost one (``|/``,
  or ``|_|/`` across the lanes in between);
- a lane whose node has no parent ends, and the lanes to its right close up
  (`` /``);
- a node that no lane waits for opens a lane in the first free column, but
  never right under a lane that ended on the row above, so that two unrelated
  histories never look joined.

Columns are two characters wide: lanes on even positions, diagonals between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias

from ..types import Key

#: ``(node, graph)`` for a node row, ``(None, graph)`` for a connector row.
Row: TypeAlias = tuple[Key | None, str]


class LayoutError(ValueError):
    """The order is not newest first: a parent came before one of its children."""


class _Conflict(Exception):
    """Two lane moves need the same character position."""


def draw_lanes(order: Iterable[Key], parents: Callable[[Key], Sequence[Key]]) -> list[Row]:
    """Return the rows drawing ``order``; ``parents(key)`` must be drawn after ``key``.

    A node row's graph is padded to the column where its text starts; a
    connector row has no trailing spaces.
    """
    layout = _Layout()
    for key in order:
        layout.draw(key, tuple(parents(key)))
    if any(lane is not None for lane in layout.lanes):
        waiting = sorted({lane for lane in layout.lanes if lane is not None})
        raise LayoutError("Lanes still wait for %s: it was not drawn." % (waiting,))
    return layout.rows


class _Layout:
    def __init__(self) -> None:
        self.lanes: list[Key | None] = []
        self.rows: list[Row] = []
        #: The column of a lane that ended on the row just drawn.
        self.ended: int | None = None
        self.drawn: set[Key] = set()

    def draw(self, key: Key, parents: tuple[Key, ...]) -> None:
        lanes = self.lanes
        if key in self.drawn:
            raise LayoutError("%s is drawn twice." % (key,))
        self.drawn.add(key)
        early = [parent for parent in parents if parent in self.drawn]
        if early:
            raise LayoutError("%s is drawn before its child %s." % (early[0], key))
        opened = key not in lanes
        column = self._open(key) if opened else lanes.index(key)
        for _ in range(len(parents) - 2):  # Make room for an octopus merge.
            self._shift_right(column, opened)
        # A second parent awaited by the lane right next to this one is joined, not opened.
        joins = len(parents) == 2 and lanes[column + 1 : column + 2] == [parents[1]]
        opens = len(parents) > 1 and not joins
        self._node_row(key, column, len(parents), len(lanes) + opens)
        if not parents:
            self._end(column)
        elif len(parents) == 1:
            lanes[column] = parents[0]
        elif joins:
            self._join(column, parents[0])
        else:
            self._branch_out(column, parents)
        self._collapse()
        self._trim()

    # Rows ---------------------------------------------------------------------

    def _node_row(self, key: Key, column: int, parent_count: int, width_after: int) -> None:
        cells = self._cells()
        cells[2 * column] = "*"
        if parent_count > 2:
            dot = 2 * column + 2 * (parent_count - 2)
            for position in range(2 * column + 1, dot):
                cells[position] = "-"
            cells[dot] = "."
        graph = "".join(cells).rstrip()
        self.rows.append((key, graph.ljust(max(len(graph) + 1, 2 * width_after))))
        self.ended = None

    def _connector(self, cells: dict[int, str]) -> None:
        width = max(cells) + 1 if cells else 0
        line = "".join(cells.get(position, " ") for position in range(width)).rstrip()
        self.rows.append((None, line))
        self.ended = None

    def _cells(self) -> list[str]:
        cells = [" "] * (2 * len(self.lanes))
        for column, lane in enumerate(self.lanes):
            if lane is not None:
                cells[2 * column] = "|"
        return cells

    # Lane moves ---------------------------------------------------------------

    def _open(self, key: Key) -> int:
        """Give ``key`` a lane: the first free column not right under an ended lane."""
        lanes = self.lanes
        for column, lane in enumerate(lanes):
            if lane is None and column != self.ended:
                lanes[column] = key
                return column
        if len(lanes) == self.ended:
            lanes.append(None)
        lanes.append(key)
        return len(lanes) - 1

    def _shift_right(self, column: int, opened: bool) -> None:
        """Move the lanes right of ``column`` one column further right."""
        cells: dict[int, str] = {}
        for index, lane in enumerate(self.lanes):
            if lane is None or (index == column and opened):
                continue
            if index <= column:
                cells[2 * index] = "|"
            else:
                cells[2 * index + 1] = "\\"
        self.lanes.insert(column + 1, None)
        if any(char == "\\" for char in cells.values()):
            self._connector(cells)

    def _end(self, column: int) -> None:
        """End the lane of a node without parents; close up the lanes to its right."""
        lanes = self.lanes
        moves = [
            (index, index if index < column else index - 1)
            for index, lane in enumerate(lanes)
            if lane is not None and index != column
        ]
        del lanes[column]
        self._trim()
        if any(source != target for source, target in moves):
            self._connector(_render(moves))
        else:
            self.ended = column

    def _branch_out(self, column: int, parents: tuple[Key, ...]) -> None:
        """Continue with the first parent and open a lane for each further parent.

        An octopus merge found ``len(parents) - 2`` free columns made for it.
        """
        lanes = self.lanes
        count = len(parents)
        cells = {}
        last_free = column + count - 2
        for index, lane in enumerate(lanes):
            if lane is None:
                continue
            if index <= column:
                cells[2 * index] = "|"
            elif index > last_free:
                cells[2 * index + 1] = "\\"
        cells[2 * column + 1] = "\\"
        for offset in range(1, count - 1):
            cells[2 * (column + offset) + 1] = "\\"
        lanes[column : last_free + 1] = list(parents[:-1])
        lanes.insert(last_free + 1, parents[-1])
        self._connector(cells)

    def _join(self, column: int, first_parent: Key) -> None:
        """Draw the edge to the second parent into the lane right of ``column`` (``|\\|``)."""
        cells = {2 * index: "|" for index, lane in enumerate(self.lanes) if lane is not None}
        cells[2 * column + 1] = "\\"
        self.lanes[column] = first_parent
        self._connector(cells)

    def _collapse(self) -> None:
        """Merge the lanes that wait for the same node into the leftmost of them."""
        while True:
            keeper: dict[Key, int] = {}
            removed = []
            for index, lane in enumerate(self.lanes):
                if lane is None:
                    continue
                if lane in keeper:
                    removed.append(index)
                else:
                    keeper[lane] = index
            if not removed:
                return
            try:
                cells = _render(self._collapse_moves(removed, keeper))
            except _Conflict:
                removed = removed[:1]  # One at a time never conflicts.
                cells = _render(self._collapse_moves(removed, keeper))
            for index in reversed(removed):
                del self.lanes[index]
            self._connector(cells)

    def _collapse_moves(self, removed: list[int], keeper: dict[Key, int]) -> list[tuple[int, int]]:
        def new_index(index: int) -> int:
            return index - sum(1 for r in removed if r < index)

        moves = []
        for index, lane in enumerate(self.lanes):
            if lane is None:
                continue
            target = keeper[lane] if index in removed else index
            moves.append((index, new_index(target)))
        return moves

    def _trim(self) -> None:
        while self.lanes and self.lanes[-1] is None:
            self.lanes.pop()


def _render(moves: Iterable[tuple[int, int]]) -> dict[int, str]:
    """Draw lane moves ``(from column, to column)`` on one connector row."""
    cells: dict[int, str] = {}

    def put(position: int, char: str) -> None:
        if cells.setdefault(position, char) != char:
            raise _Conflict(position)

    for source, target in moves:
        if target == source:
            put(2 * source, "|")
        elif target == source + 1:
            put(2 * source + 1, "\\")
        elif target < source:
            put(2 * source - 1, "/")
            for position in range(2 * target + 1, 2 * source - 1, 2):
                put(position, "_")
        else:
            raise ValueError("A lane cannot move from %d to %d in one row." % (source, target))
    return cells
