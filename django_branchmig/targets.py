"""The target language of SPEC section 4: parse, then resolve to node sets.

A target resolves to two sets: *forwards*, nodes that must end up applied
(closed under dependencies), and *backwards*, nodes that must end up
unapplied (closed under dependants). Several targets are the union of their
sets; a node in both is a contradiction. Nothing here touches a database:
forms relative to what is applied now (``billing@-1``) read a plain
``AppliedState``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .graph import BranchGraph
from .state import AppliedState
from .types import Key, dotted

KEYWORDS = ("head", "heads", "base", "zero")
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_NODE_RE = re.compile(
    r"(?P<first>%s)(?:\.(?P<name>[A-Za-z0-9_]+))?(?P<rel>[+-][0-9]{1,9})?\Z" % _IDENT
)
_REL_RE = re.compile(r"[+-][0-9]{1,9}\Z")
_HEAD_RE = re.compile(r"head(?P<rel>[+-][0-9]{1,9})?\Z")


class TargetError(ValueError):
    """A target that does not parse or resolve; the message lists the choices."""


class _PastEnd(Exception):
    """A walk ran out of migrations after ``taken`` steps."""

    def __init__(self, taken: int) -> None:
        self.taken = taken


@dataclass(frozen=True)
class Target:
    """One parsed target expression."""

    text: str
    #: ``"heads"``, ``"base"``, ``"head"``, ``"zero"``, ``"node"`` or ``"current"``.
    kind: str
    #: The app or branch label before ``@``, if any.
    scope: str | None = None
    #: ``(app_label or None, name prefix or label)`` for ``kind == "node"``.
    node: tuple[str | None, str] | None = None
    #: Signed steps of a relative move (``+2``, ``-1``).
    steps: int = 0


@dataclass(frozen=True)
class Resolution:
    """Nodes to have applied and nodes to have unapplied."""

    forwards: frozenset[Key] = frozenset()
    backwards: frozenset[Key] = frozenset()

    def __or__(self, other: Resolution) -> Resolution:
        return Resolution(self.forwards | other.forwards, self.backwards | other.backwards)


def parse(text: str) -> Target:
    """Parse one target; raise ``TargetError`` if it is not in the grammar."""
    raw = text
    text = text.strip()
    if not text:
        raise TargetError("Empty target. Use 'heads', 'base', APP, APP.MIGRATION or LABEL@head.")
    if text in ("heads", "base"):
        return Target(raw, text)
    if text in ("head", "zero", "current"):
        raise TargetError(
            "%r needs a scope: use 'heads' or 'base' for every app, or APP@%s / LABEL@%s."
            % (text, text, text)
        )
    scope, at, body = text.partition("@")
    if not at:
        return _parse_node(raw, text, scope=None)
    if not re.fullmatch(_IDENT, scope):
        raise TargetError(
            "Invalid target %r: %r before '@' is not an app label or branch label." % (raw, scope)
        )
    if "@" in body:
        raise TargetError("Invalid target %r: only one '@' is allowed." % raw)
    if body in ("heads", "base", "zero"):
        return Target(raw, body, scope=scope)
    head = _HEAD_RE.match(body)
    if head:
        return Target(raw, "head", scope=scope, steps=int(head.group("rel") or 0))
    if _REL_RE.match(body):
        return Target(raw, "current", scope=scope, steps=int(body))
    return _parse_node(raw, body, scope=scope)


def _parse_node(raw: str, body: str, scope: str | None) -> Target:
    match = _NODE_RE.match(body)
    if not match:
        raise TargetError(
            "Invalid target %r. Expected 'heads', 'base', APP, APP.MIGRATION, LABEL, "
            "SCOPE@head, SCOPE@heads, SCOPE@base, SCOPE@+N, SCOPE@-N or SCOPE@APP.MIGRATION, "
            "optionally followed by +N or -N." % raw
        )
    name = match.group("name")
    node = (match.group("first"), name) if name is not None else (None, match.group("first"))
    if node[0] is None and node[1] in KEYWORDS and match.group("rel"):
        raise TargetError(
            "Invalid target %r: a relative move needs a scope or a migration, e.g. "
            "APP@head%s, LABEL@%s or APP.MIGRATION%s."
            % (raw, match.group("rel"), match.group("rel"), match.group("rel"))
        )
    return Target(raw, "node", scope=scope, node=node, steps=int(match.group("rel") or 0))


def resolve(
    texts: Sequence[str], graph: BranchGraph, state: AppliedState | None = None
) -> Resolution:
    """Resolve several targets against ``graph`` (and the applied overlay).

    Without ``state``, forms relative to what is applied now are checked for
    their scope only and contribute nothing: that validates every target
    before anything is read from a database.
    """
    targets = [parse(text) for text in texts]
    resolver = _Resolver(graph, state)
    result = Resolution()
    for target in targets:
        result |= resolver.resolve(target)
    both = result.forwards & result.backwards
    if both:
        raise TargetError(
            "The targets contradict each other: %s would be both applied and unapplied. "
            "Run them separately." % ", ".join(dotted(k) for k in graph.sorted(both)[:5])
        )
    return result


def resolve_node(text: str, graph: BranchGraph, state: AppliedState | None = None) -> Key:
    """Resolve a target that must name exactly one migration (``branchshow``, ranges)."""
    target = parse(text)
    resolver = _Resolver(graph, state)
    if (
        target.kind == "node"
        and target.node == (None, text.strip())
        and text.strip() in graph.apps
    ):
        target = Target(target.text, "head", scope=text.strip())
    if target.kind == "node" and target.scope is None:
        return resolver.single_node(target)
    if target.kind == "head":
        heads = resolver.scope_heads(target, single=True)
        if len(heads) == 1:
            return resolver.walk(heads[0], target.steps, target.text)
        raise TargetError(
            "%r names %d migrations (%s); name one migration."
            % (target.text, len(heads), ", ".join(dotted(h) for h in heads))
        )
    if target.kind == "node":
        return resolver.single_node(target)
    raise TargetError("%r does not name one migration; use APP.MIGRATION or SCOPE@head." % text)


class _Resolver:
    def __init__(self, graph: BranchGraph, state: AppliedState | None) -> None:
        self.graph = graph
        self.state = state

    def resolve(self, target: Target) -> Resolution:
        graph = self.graph
        if target.kind == "heads" and target.scope is None:
            return Resolution(forwards=frozenset(graph.nodes))
        if target.kind == "base" and target.scope is None:
            return Resolution(backwards=frozenset(graph.nodes))
        if target.kind == "node" and target.scope is None:
            return self._node_target(target)
        scope_nodes = self.scope_nodes(target.scope or "", target.text)
        if target.kind == "heads":
            return self._forwards(h for h in graph.heads() if h in scope_nodes)
        if target.kind in ("base", "zero"):
            return Resolution(backwards=frozenset(graph.descendants(scope_nodes)))
        if target.kind == "head":
            heads = self.scope_heads(target, single=True)
            if not target.steps:
                return self._forwards(heads)
            result = Resolution()
            for head in heads:
                key = self.walk(head, target.steps, target.text)
                result |= self._rollback_after(key, scope_nodes & set(graph.app_nodes(key[0])))
            return result
        if target.kind == "current":
            return self._current(target, scope_nodes)
        key = self.single_node(target)
        app_nodes = set(graph.app_nodes(key[0]))
        if key not in scope_nodes and not (graph.app_descendants(key) & scope_nodes):
            raise TargetError(
                "%s is not on branch %r or below it; %r names a migration the branch "
                "continues from." % (dotted(key), target.scope, target.text)
            )
        return self._rollback_after(key, scope_nodes & app_nodes)

    # Nodes --------------------------------------------------------------------

    def _node_target(self, target: Target) -> Resolution:
        assert target.node is not None
        app_label, name = target.node
        if app_label is None and name in self.graph.apps:
            if target.steps:
                raise TargetError(
                    "%r: a relative move needs a migration; use %s@%+d to move from where "
                    "%s is applied now." % (target.text, name, target.steps, name)
                )
            return self._forwards(self.graph.heads(name))
        keys = self.nodes_for(target)
        if target.steps and len(keys) > 1:
            raise TargetError(
                "%r is ambiguous: label %r is declared by %s; name one migration."
                % (target.text, name, ", ".join(dotted(k) for k in keys))
            )
        result = Resolution()
        for key in keys:
            key = self.walk(key, target.steps, target.text)
            result |= self._rollback_after(key, set(self.graph.app_nodes(key[0])))
        return result

    def _rollback_after(self, key: Key, scope_nodes: set[Key]) -> Resolution:
        """Django's semantics for ``migrate APP NAME``, limited to ``scope_nodes``."""
        after = (self.graph.app_descendants(key) - {key}) & scope_nodes
        return Resolution(
            forwards=frozenset(self.graph.ancestors([key])),
            backwards=frozenset(self.graph.descendants(after)),
        )

    def _forwards(self, keys: Iterable[Key]) -> Resolution:
        return Resolution(forwards=frozenset(self.graph.ancestors(keys)))

    def single_node(self, target: Target) -> Key:
        keys = self.nodes_for(target)
        if len(keys) > 1:
            raise TargetError(
                "%r is ambiguous: label %r is declared by %s; name one migration."
                % (target.text, target.node and target.node[1], ", ".join(dotted(k) for k in keys))
            )
        return self.walk(keys[0], target.steps, target.text)

    def nodes_for(self, target: Target) -> list[Key]:
        """The migration(s) a node reference names: an app-qualified prefix or a label."""
        assert target.node is not None
        app_label, name = target.node
        graph = self.graph
        if app_label is None:
            declared = [key for keys in graph.declarations(name).values() for key in keys]
            if not declared:
                raise TargetError(self._unknown_name(name, target.text))
            return graph.sorted(declared)
        if app_label not in graph.apps:
            raise TargetError(self._unknown_app(app_label, target.text))
        names = [key for key in graph.app_nodes(app_label)]
        exact = [key for key in names if key[1] == name]
        if exact:
            return exact
        matches = [key for key in names if key[1].startswith(name)]
        if not matches:
            raise TargetError(
                "Unknown migration %r in app %r. Its migrations are: %s."
                % (name, app_label, _listing(k[1] for k in names))
            )
        if len(matches) > 1:
            raise TargetError(
                "Ambiguous migration %r: it is a prefix of %s. Use a longer prefix."
                % ("%s.%s" % (app_label, name), ", ".join(dotted(k) for k in matches))
            )
        return matches

    def _unknown_app(self, app_label: str, text: str) -> str:
        return "Unknown app %r in target %r. Apps with migrations: %s." % (
            app_label,
            text,
            _listing(self.graph.apps),
        )

    def _unknown_name(self, name: str, text: str) -> str:
        return "Unknown app or branch label %r in target %r. Apps: %s. Branch labels: %s." % (
            name,
            text,
            _listing(self.graph.apps),
            _listing(self.graph.all_labels()) if self.graph.all_labels() else "none",
        )

    # Scopes -------------------------------------------------------------------

    def scope_nodes(self, scope: str, text: str) -> set[Key]:
        if scope in self.graph.apps:
            return set(self.graph.app_nodes(scope))
        labelled = self.graph.labelled(scope)
        if not labelled:
            raise TargetError(self._unknown_name(scope, text))
        return labelled

    def scope_heads(self, target: Target, single: bool) -> list[Key]:
        """Heads of the scope, one per app when ``single`` (``SCOPE@head``)."""
        scope = target.scope or ""
        nodes = self.scope_nodes(scope, target.text)
        heads = [head for head in self.graph.heads() if head in nodes]
        if single:
            per_app: dict[str, list[Key]] = {}
            for head in heads:
                per_app.setdefault(head[0], []).append(head)
            for app_label, app_heads in per_app.items():
                if len(app_heads) > 1:
                    where = (
                        "app %r" % app_label
                        if scope == app_label
                        else "%s, in app %r,"
                        % (
                            scope,
                            app_label,
                        )
                    )
                    raise TargetError(
                        "%r is ambiguous: %s has %d heads: %s. Use LABEL@head for one branch "
                        "or %s@heads for all of them."
                        % (
                            target.text,
                            where,
                            len(app_heads),
                            ", ".join(self._describe(h) for h in app_heads),
                            scope,
                        )
                    )
        return heads

    def _current(self, target: Target, scope_nodes: set[Key]) -> Resolution:
        """``SCOPE@+N`` / ``SCOPE@-N``: move from where the scope is applied now."""
        if self.state is None or target.steps == 0:
            return Resolution()
        scope = target.scope
        applied_heads = self.state.applied_heads(self.graph, scope_nodes)
        if len(applied_heads) > 1:
            raise TargetError(
                "%r is ambiguous: %s is applied at several heads on database %r: %s. Name the "
                "migration to move from, e.g. %s%+d."
                % (
                    target.text,
                    scope,
                    self.state.alias,
                    ", ".join(dotted(h) for h in applied_heads),
                    dotted(applied_heads[0]),
                    target.steps,
                )
            )
        if target.steps > 0:
            if applied_heads:
                start = self.walk(applied_heads[0], target.steps, target.text, scope_nodes)
            else:
                bases = [k for k in scope_nodes if not set(self.graph.parents(k)) & scope_nodes]
                if len(bases) > 1:
                    raise TargetError(
                        "%r is ambiguous: nothing of %s is applied and it has several bases: "
                        "%s. Name the migration to apply."
                        % (
                            target.text,
                            scope,
                            ", ".join(dotted(b) for b in self.graph.sorted(bases)),
                        )
                    )
                start = self.walk(bases[0], target.steps - 1, target.text, scope_nodes)
            return self._forwards([start])
        if not applied_heads:
            raise TargetError(
                "%r: nothing of %s is applied on database %r, so there is nothing to roll back."
                % (target.text, scope, self.state.alias)
            )
        try:
            lowest = self._walk(applied_heads[0], target.steps + 1, target.text, scope_nodes)
        except _PastEnd as end:
            raise TargetError(
                "%r walks past the base: %s has only %d applied migration%s up to %s on "
                "database %r."
                % (
                    target.text,
                    scope,
                    end.taken + 1,
                    "" if end.taken == 0 else "s",
                    dotted(applied_heads[0]),
                    self.state.alias,
                )
            ) from None
        undone = self.graph.app_descendants(lowest) & scope_nodes
        return Resolution(backwards=frozenset(self.graph.descendants(undone)))

    # Walking ------------------------------------------------------------------

    def walk(self, key: Key, steps: int, text: str, within: set[Key] | None = None) -> Key:
        """Move ``steps`` along parent edges (up if positive), refusing forks."""
        try:
            return self._walk(key, steps, text, within)
        except _PastEnd as end:
            raise TargetError(
                "%r walks past a %s: only %d migration%s %s %s."
                % (
                    text,
                    "head" if steps > 0 else "base",
                    end.taken,
                    "" if end.taken == 1 else "s",
                    "above" if steps > 0 else "below",
                    dotted(key),
                )
            ) from None

    def _walk(self, key: Key, steps: int, text: str, within: set[Key] | None) -> Key:
        graph = self.graph
        up = steps > 0
        for taken in range(abs(steps)):
            options = graph.children(key) if up else graph.parents(key)
            if within is not None:
                options = tuple(o for o in options if o in within)
            if not options:
                raise _PastEnd(taken)
            if len(options) > 1:
                raise TargetError(
                    "%r is an ambiguous walk: %s is a %s, so the walk could take %s. "
                    "Name the migration instead."
                    % (
                        text,
                        dotted(key),
                        "branch point" if up else "merge point",
                        " or ".join(self._describe(o) for o in options),
                    )
                )
            key = options[0]
        return key

    def _describe(self, key: Key) -> str:
        labels = sorted(self.graph.labels(key))
        return dotted(key) + (" [%s]" % ", ".join(labels) if labels else "")


def _listing(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (", … (%d more)" % (len(names) - limit) if len(names) > limit else "")
