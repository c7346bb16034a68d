"""Compile a resolved target set into at most two phases: backwards, then forwards.

Pure: it takes the graph, the applied overlay and a ``Resolution`` and returns
keys in the order Django's executor runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import BranchGraph
from .state import AppliedState
from .targets import Resolution
from .types import Key


@dataclass(frozen=True)
class Plan:
    """Keys to unapply (dependants first), then keys to apply (dependencies first)."""

    backwards: tuple[Key, ...] = ()
    forwards: tuple[Key, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.backwards or self.forwards)

    def __len__(self) -> int:
        return len(self.backwards) + len(self.forwards)

    def steps(self) -> list[tuple[Key, bool]]:
        """Every step as ``(key, backwards)``, in the order they run."""
        return [(key, True) for key in self.backwards] + [(key, False) for key in self.forwards]


def make_plan(graph: BranchGraph, state: AppliedState, resolution: Resolution) -> Plan:
    """Unapply what is applied among ``backwards``; apply what is not among ``forwards``.

    Both sets arrive closed (under dependants and dependencies), so each phase
    is closed too once restricted to what the database has or lacks.
    """
    applied = state.applied
    return Plan(
        backwards=tuple(
            key for key in reversed(graph.nodes) if key in resolution.backwards and key in applied
        ),
        forwards=tuple(
            key for key in graph.nodes if key in resolution.forwards and key not in applied
        ),
    )
