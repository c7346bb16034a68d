"""The branch graph: Django's migration graph seen as Alembic sees revisions.

Django's ``MigrationGraph`` knows one kind of edge. Branching needs two: a
*parent edge* is a dependency on a migration of the same app (Alembic's
``down_revision``); a *dependency edge* is a dependency on another app, or one
that ``run_before`` created (Alembic's ``depends_on``). Heads, bases, branch
points, merge points and label propagation are all defined on parent edges.

The graph is built once per command from a ``MigrationLoader`` (or, in tests,
from plain data), in time linear in nodes plus edges. This is the only module
that imports networkx.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import networkx as nx
from django.db.migrations.exceptions import (
    BadMigrationError,
    CircularDependencyError,
    NodeNotFoundError,
)

from .labels import LabelProblem, declared_labels, migration_source, settings_labels
from .types import Key, dotted

PARENT = "parent"
DEPENDENCY = "dependency"


class GraphError(ValueError):
    """The graph cannot be built: a missing parent or a cycle."""


#: What loading the migrations and building the graph raise when the files do not form a graph.
GRAPH_ERRORS = (GraphError, NodeNotFoundError, CircularDependencyError, BadMigrationError)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the graph is built.

    Building allocates tens of thousands of small tuples and no reference
    cycles; with a loader's migrations in memory, each collection triggered
    by those allocations scans the whole heap, which more than doubles the
    cost of the build on large projects.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _key(value: Key | str) -> Key:
    if isinstance(value, str):
        app_label, _, name = value.partition(".")
        return (app_label, name)
    return value


class BranchGraph:
    """Migrations as nodes, with parent and dependency edges and branch labels.

    Edges point from a dependency to the migration that depends on it, the
    direction in which migrations are applied.
    """

    def __init__(
        self,
        edges: Iterable[tuple[Key, Key, str]],
        nodes: Iterable[Key],
        declared: Mapping[Key, tuple[str, ...]] | None = None,
        *,
        migrations: Mapping[Key, Any] | None = None,
        label_problems: Iterable[LabelProblem] = (),
        validated: bool = False,
    ) -> None:
        nodes = list(nodes)
        known = set(nodes)
        # Plain adjacency lists, sorted once, serve every query; networkx builds
        # its view of the graph only when asked (as_networkx), because building
        # it costs as much as everything else together on large projects.
        self._pred: dict[Key, list[Key]] = {key: [] for key in nodes}
        self._succ: dict[Key, list[Key]] = {key: [] for key in nodes}
        self._parents: dict[Key, list[Key]] = {}
        self._children: dict[Key, list[Key]] = {}
        edges = list(edges)
        # A graph from Django's loader comes validated: it refuses missing nodes and cycles.
        if not validated:
            for source, target, _ in edges:
                if source not in known:
                    raise GraphError(
                        "Migration %s dependencies reference nonexistent parent node %s."
                        % (dotted(target), dotted(source))
                    )
                if target not in known:
                    raise GraphError(
                        "Migration %s dependencies reference nonexistent child node %s."
                        % (dotted(source), dotted(target))
                    )
        pred, succ, parents, children = self._pred, self._succ, self._parents, self._children
        for source, target, kind in edges:
            pred[target].append(source)
            succ[source].append(target)
            if kind == PARENT:
                parents.setdefault(target, []).append(source)
                children.setdefault(source, []).append(target)
        self._networkx: nx.DiGraph | None = None
        # is_directed_acyclic_graph is linear; find_cycle is far slower on large
        # graphs, so it only runs to name a cycle that is known to exist.
        if not validated and not nx.is_directed_acyclic_graph(self.as_networkx()):
            cycle = nx.find_cycle(self.as_networkx())
            path = [edge[0] for edge in cycle] + [cycle[-1][1]]
            raise GraphError(
                "The migration graph has a cycle: %s." % " -> ".join(dotted(k) for k in path)
            )
        self._migrations: Mapping[Key, Any] = migrations or {}
        for adjacency in (self._pred, self._succ, self._parents, self._children):
            for value in adjacency.values():
                if len(value) > 1:
                    value.sort()
        self.nodes: tuple[Key, ...] = self._django_order()
        self._index = {key: position for position, key in enumerate(self.nodes)}
        self._by_app: dict[str, list[Key]] = {}
        for key in self.nodes:
            self._by_app.setdefault(key[0], []).append(key)
        self.apps: tuple[str, ...] = tuple(sorted(self._by_app))
        self._declared = {key: tuple(v) for key, v in (declared or {}).items() if v}
        self.label_problems: list[LabelProblem] = list(label_problems)
        self._declarations = self._index_declarations()
        self._labels = self._propagate_labels()

    def _django_order(self) -> tuple[Key, ...]:
        """Return the order in which ``migrate`` applies every node.

        Django's executor runs forwards in the order of its full plan: for each
        leaf node, sorted, a depth-first post-order over dependencies, children
        before siblings in reverse key order (``MigrationGraph.iterative_dfs``).
        Using the same order here makes printed plans match what runs.
        """
        pred = self._pred
        order: list[Key] = []
        done: set[Key] = set()
        succ = self._succ
        # Django's leaf nodes: no same-app successor, run_before edges included.
        leaves = [
            key
            for key, successors in succ.items()
            if not successors or all(s[0] != key[0] for s in successors)
        ]
        for leaf in sorted(leaves):
            stack: list[tuple[Key, bool]] = [(leaf, False)]
            pop, push = stack.pop, stack.append
            while stack:
                key, processed = pop()
                if key in done:
                    continue
                if processed:
                    done.add(key)
                    order.append(key)
                else:
                    push((key, True))
                    for parent in pred[key]:
                        push((parent, False))
        return tuple(order)

    # Construction -----------------------------------------------------------

    @classmethod
    def from_dependencies(
        cls,
        dependencies: Mapping[Key | str, Iterable[Key | str]],
        labels: Mapping[Key | str, Iterable[str]] | None = None,
        *,
        run_before: Iterable[tuple[Key | str, Key | str]] = (),
    ) -> BranchGraph:
        """Build a graph from plain data, the way tests draw one.

        ``dependencies`` maps each migration (``"app.name"`` or a key) to what it
        depends on, as ``Migration.dependencies`` would; ``run_before`` lists
        ``(migration, runs_before)`` pairs.
        """
        nodes = [_key(node) for node in dependencies]
        app_labels = {app for app, _ in nodes}
        before = {(_key(a), _key(b)) for a, b in run_before}
        # One edge per pair, as in Django's graph; a run_before edge is a dependency edge.
        kinds = {
            (_key(parent), _key(node)): PARENT if _key(parent)[0] == _key(node)[0] else DEPENDENCY
            for node, parents in dependencies.items()
            for parent in parents
        }
        kinds.update(dict.fromkeys(before, DEPENDENCY))
        edges = [(source, target, kind) for (source, target), kind in kinds.items()]
        declared: dict[Key, tuple[str, ...]] = {}
        problems: list[LabelProblem] = []
        for node, raw in (labels or {}).items():
            key = _key(node)
            raw = tuple(raw) if isinstance(raw, (list, tuple)) else raw
            valid, found = declared_labels(key, raw, dotted(key), app_labels)
            declared[key] = valid
            problems += found
        return cls(edges, nodes, declared, label_problems=problems)

    @classmethod
    def from_loader(
        cls,
        loader: Any,
        *,
        app_labels: Iterable[str] | None = None,
        setting: Mapping[str, object] | None = None,
    ) -> BranchGraph:
        """Build the graph Django's ``MigrationLoader`` resolved, squashes included.

        ``app_labels`` are the installed apps (labels may not collide with
        them); ``setting`` is ``BRANCHMIG['BRANCH_LABELS']``.
        """
        with collector_paused():
            return cls._from_loader(loader, app_labels, setting)

    @classmethod
    def _from_loader(
        cls,
        loader: Any,
        app_labels: Iterable[str] | None,
        setting: Mapping[str, object] | None,
    ) -> BranchGraph:
        if app_labels is None:
            from django.apps import apps

            app_labels = [config.label for config in apps.get_app_configs()]
        app_labels = frozenset(app_labels)
        if setting is None:
            from .conf import branchmig_setting

            setting = branchmig_setting("BRANCH_LABELS")
        django_graph = loader.graph
        migrations = django_graph.nodes
        run_before = {
            (key, (child[0], child[1]))
            for key, migration in migrations.items()
            for child in getattr(migration, "run_before", ())
        }
        edges = [
            (
                parent.key,
                key,
                PARENT
                if parent.key[0] == key[0] and (parent.key, key) not in run_before
                else DEPENDENCY,
            )
            for key, node in django_graph.node_map.items()
            for parent in node.parents
        ]
        declared: dict[Key, tuple[str, ...]] = {}
        problems: list[LabelProblem] = []
        disk = getattr(loader, "disk_migrations", None) or migrations
        for key, migration in migrations.items():
            raw = getattr(migration, "branch_labels", ())
            # A squash carries the labels of the migrations it replaces.
            replaced = migration.replaces and [disk[r] for r in migration.replaces if r in disk]
            if replaced:
                raw = _union_raw([raw] + [getattr(m, "branch_labels", ()) for m in replaced])
            if raw in (None, ()):
                continue
            valid, found = declared_labels(key, raw, migration_source(migration), app_labels)
            declared[key] = valid
            problems += found
        from_settings, found = settings_labels(setting, migrations, app_labels)
        problems += found
        for key, labels in from_settings.items():
            declared[key] = tuple(dict.fromkeys(declared.get(key, ()) + labels))
        problems.sort(key=lambda problem: problem.key or ("", ""))
        # Django's loader has already refused missing nodes and cycles on these edges.
        return cls(
            edges,
            migrations,
            declared,
            migrations=migrations,
            label_problems=problems,
            validated=True,
        )

    # Structure ---------------------------------------------------------------

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __len__(self) -> int:
        return len(self.nodes)

    def position(self, key: Key) -> int:
        """Return the node's index in the topological order (Django's apply order)."""
        return self._index[key]

    def sorted(self, keys: Iterable[Key]) -> list[Key]:
        """Return ``keys`` in topological order."""
        return sorted(keys, key=self._index.__getitem__)

    def app_nodes(self, app_label: str) -> list[Key]:
        return list(self._by_app.get(app_label, ()))

    def parents(self, key: Key) -> tuple[Key, ...]:
        """Same-app migrations that ``key`` depends on."""
        return tuple(self._parents.get(key, ()))

    def children(self, key: Key) -> tuple[Key, ...]:
        """Same-app migrations that depend on ``key``."""
        return tuple(self._children.get(key, ()))

    def dependencies(self, key: Key) -> tuple[Key, ...]:
        """Other-app (and ``run_before``) migrations that ``key`` depends on."""
        parents = self._parents.get(key, ())
        return tuple(p for p in self._pred[key] if p not in parents)

    def dependants(self, key: Key) -> tuple[Key, ...]:
        """Other-app (and ``run_before``) migrations that depend on ``key``."""
        children = self._children.get(key, ())
        return tuple(s for s in self._succ[key] if s not in children)

    def edges(self) -> list[tuple[Key, Key, str]]:
        """Every edge as ``(dependency, dependant, kind)``, in a stable order."""
        return sorted(
            (source, target, PARENT if source in self._parents.get(target, ()) else DEPENDENCY)
            for target, sources in self._pred.items()
            for source in sources
        )

    def as_networkx(self) -> nx.DiGraph:
        """The graph as a networkx ``DiGraph`` with a ``kind`` on each edge, built once."""
        if self._networkx is None:
            graph = nx.DiGraph()
            graph.add_nodes_from(self._pred)
            graph.add_edges_from((s, t, {"kind": k}) for s, t, k in self.edges())
            self._networkx = graph
        return self._networkx

    def is_head(self, key: Key) -> bool:
        return not self._children.get(key)

    def is_base(self, key: Key) -> bool:
        return not self._parents.get(key)

    def is_branch_point(self, key: Key) -> bool:
        return len(self._children.get(key, ())) > 1

    def is_merge_point(self, key: Key) -> bool:
        return len(self._parents.get(key, ())) > 1

    def heads(self, app_label: str | None = None) -> list[Key]:
        """Nodes with no same-app child: Django's leaf nodes."""
        nodes = self.nodes if app_label is None else self._by_app.get(app_label, ())
        return [key for key in nodes if not self._children.get(key)]

    def bases(self, app_label: str | None = None) -> list[Key]:
        """Nodes with no same-app parent: Django's root nodes."""
        nodes = self.nodes if app_label is None else self._by_app.get(app_label, ())
        return [key for key in nodes if not self._parents.get(key)]

    def ancestors(self, keys: Iterable[Key]) -> set[Key]:
        """``keys`` and everything they depend on, through both kinds of edge."""
        return self._closure(keys, self._pred)

    def descendants(self, keys: Iterable[Key]) -> set[Key]:
        """``keys`` and everything that depends on them, through both kinds of edge."""
        return self._closure(keys, self._succ)

    def app_descendants(self, key: Key) -> set[Key]:
        """``key`` and its same-app descendants, along parent edges only."""
        return self._closure([key], self._children)

    def app_ancestors(self, key: Key) -> set[Key]:
        """``key`` and its same-app ancestors, along parent edges only."""
        return self._closure([key], self._parents)

    @staticmethod
    def _closure(keys: Iterable[Key], adjacency: Mapping[Key, Iterable[Key]]) -> set[Key]:
        seen = set(keys)
        queue = deque(seen)
        while queue:
            for neighbour in adjacency.get(queue.popleft(), ()):
                if neighbour not in seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
        return seen

    # Migrations --------------------------------------------------------------

    def migration(self, key: Key) -> Any:
        """Return Django's ``Migration`` for ``key``, or None for plain-data graphs."""
        return self._migrations.get(key)

    def source(self, key: Key) -> str:
        """Return the file that defines ``key`` (its dotted name without one)."""
        migration = self.migration(key)
        return migration_source(migration) if migration is not None else dotted(key)

    # Labels ------------------------------------------------------------------

    def declared_labels(self, key: Key) -> tuple[str, ...]:
        """Labels the migration itself declares (or the settings give it)."""
        return self._declared.get(key, ())

    def labels(self, key: Key) -> frozenset[str]:
        """Labels that apply to ``key`` after propagation (SPEC section 3)."""
        return self._labels.get(key, frozenset())

    def all_labels(self) -> list[str]:
        return sorted(self._declarations)

    def declarations(self, label: str) -> dict[str, list[Key]]:
        """Where ``label`` is declared: ``{app_label: [keys]}`` (two keys is E002)."""
        return self._declarations.get(label, {})

    def labelled(self, label: str) -> set[Key]:
        """Every node the label applies to, in every app."""
        return {key for key, labels in self._labels.items() if label in labels}

    def conflicts(self) -> dict[str, list[list[Key]]]:
        """Heads of one app that carry exactly the same labels: Django's conflicts.

        Return ``{app_label: [[head, head, ...], ...]}``, one list per group of
        indistinguishable heads.
        """
        by_app: dict[str, dict[frozenset[str], list[Key]]] = {}
        succ = self._succ
        # Only Django's leaf nodes can conflict: a same-app run_before child makes a
        # head a non-leaf to Django, and the policy never adds conflicts Django lacks.
        leaves = (h for h in self.heads() if not any(s[0] == h[0] for s in succ[h]))
        for head in leaves:
            by_app.setdefault(head[0], {}).setdefault(self.labels(head), []).append(head)
        found: dict[str, list[list[Key]]] = {}
        for app_label, groups in sorted(by_app.items()):
            clashes = [sorted(heads) for heads in groups.values() if len(heads) > 1]
            if clashes:
                found[app_label] = clashes
        return found

    def _propagate_labels(self) -> dict[Key, frozenset[str]]:
        """Apply SPEC section 3 in one topological pass plus short upward walks.

        A label reaches the declaring node, every same-app descendant (through
        merge points), and its same-app ancestors up to, but excluding, the
        nearest branch point or merge point.
        """
        labels: dict[Key, frozenset[str]] = {}
        for key in self.nodes:
            inherited = set(self._declared.get(key, ()))
            for parent in self._parents.get(key, ()):
                inherited |= labels.get(parent, frozenset())
            if inherited:
                labels[key] = frozenset(inherited)
        for key, declared in self._declared.items():
            node = key
            while len(self._parents.get(node, ())) == 1:
                (parent,) = self._parents[node]
                if self.is_branch_point(parent) or self.is_merge_point(parent):
                    break
                labels[parent] = labels.get(parent, frozenset()) | set(declared)
                node = parent
        return labels

    def _index_declarations(self) -> dict[str, dict[str, list[Key]]]:
        """Map each label to where it is declared, and report E002 on the way."""
        found: dict[str, dict[str, list[Key]]] = {}
        for key in self.sorted(self._declared):
            for label in self._declared[key]:
                found.setdefault(label, {}).setdefault(key[0], []).append(key)
        for label, per_app in sorted(found.items()):
            for app_label, keys in per_app.items():
                if len(keys) > 1:
                    self.label_problems.append(
                        LabelProblem(
                            keys[1],
                            label,
                            "branch label %r is declared twice in app %r: by %s"
                            % (label, app_label, " and ".join(dotted(k) for k in keys)),
                            self.source(keys[1]),
                            code="E002",
                        )
                    )
        return found


def _union_raw(values: list[object]) -> object:
    """Union several raw ``branch_labels`` values, keeping a malformed one as is."""
    merged: list[object] = []
    for value in values:
        if value in (None, ()):
            continue
        if not isinstance(value, (tuple, list)):
            return value
        merged.extend(v for v in value if v not in merged)
    return tuple(merged)
