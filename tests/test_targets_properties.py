"""Properties of the branch graph and the target language on random migration graphs.

A random graph is drawn the way migrations are written: migrations come one after another in a
global order, and each may depend on earlier migrations of its own app (parent edges) and of
other apps (dependency edges), so the graph is acyclic; ``run_before`` pairs also point
forward; a few migrations declare labels. Example-based tests with drawn graphs live in
``test_graph.py`` and ``test_targets.py``; these check what must hold for every graph.
"""

import contextlib
from collections import Counter

from django.db.migrations.graph import MigrationGraph
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django_branchmig.graph import BranchGraph
from django_branchmig.state import AppliedState
from django_branchmig.targets import Target, TargetError, parse, resolve, resolve_node
from django_branchmig.types import dotted

APPS = ("inventory", "payments", "shop")
LABELS = ("audit", "billing", "stock")

PROPERTIES = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _key(name):
    return tuple(name.split(".", 1))


@st.composite
def migration_graphs(draw, max_size=10):
    """Return ``(graph, dependencies, run_before)`` for a random acyclic migration graph."""
    size = draw(st.integers(1, max_size))
    order: list[str] = []
    counters: Counter[str] = Counter()
    dependencies: dict[str, list[str]] = {}
    for _ in range(size):
        app = draw(st.sampled_from(APPS))
        counters[app] += 1
        name = "%s.%04d" % (app, counters[app])
        same = [n for n in order if n.startswith(app + ".")]
        other = [n for n in order if not n.startswith(app + ".")]
        parents = draw(st.lists(st.sampled_from(same), max_size=2, unique=True)) if same else []
        cross = draw(st.lists(st.sampled_from(other), max_size=2, unique=True)) if other else []
        dependencies[name] = parents + cross
        order.append(name)
    run_before = []
    if len(order) > 1:
        pairs = draw(
            st.lists(
                st.tuples(st.integers(0, len(order) - 1), st.integers(0, len(order) - 1)),
                max_size=2,
            )
        )
        run_before = [(order[i], order[j]) for i, j in pairs if i < j]
    labels = draw(
        st.dictionaries(
            st.sampled_from(order),
            st.lists(st.sampled_from(LABELS), min_size=1, max_size=2, unique=True),
            max_size=3,
        )
    )
    graph = BranchGraph.from_dependencies(dependencies, labels, run_before=run_before)
    return graph, dependencies, run_before


@st.composite
def graphs_with_state(draw):
    """A random graph and a consistent applied state: applied nodes' dependencies are applied."""
    graph, _, _ = draw(migration_graphs())
    chosen = draw(st.sets(st.sampled_from(graph.nodes)))
    return graph, AppliedState("default", dict.fromkeys(graph.ancestors(chosen)))


def targets_for(graph):
    """Every form of SPEC section 4 that the graph gives a meaning to."""
    texts = ["heads", "base"]
    for app in graph.apps:
        texts += [app, app + "@heads", app + "@head", app + "@base", app + "@zero"]
        texts += [app + "@+1", app + "@-1", app + "@-2", app + "@head-1"]
    for label in graph.all_labels():
        texts += [label, label + "@head", label + "@heads", label + "@base", label + "+1"]
        texts += [label + "@+1", label + "@-1", label + "@head-1", label + "@head-2"]
    for key in graph.nodes:
        name = dotted(key)
        texts += [name, name + "+1", name + "-1", name + "+2", key[0] + "@" + name]
        texts += [label + "@" + name for label in graph.all_labels()]
    return texts


def resolutions(graph, state=None):
    """``{target: Resolution}`` for every target of the graph that resolves."""
    found = {}
    for text in targets_for(graph):
        with contextlib.suppress(TargetError):
            found[text] = resolve([text], graph, state)
    return found


def django_apply_order(dependencies, run_before):
    django_graph = MigrationGraph()
    for node in dependencies:
        django_graph.add_node(_key(node), None)
    for node, parents in dependencies.items():
        for parent in parents:
            django_graph.add_dependency(None, _key(node), _key(parent))
    for first, then in run_before:
        django_graph.add_dependency(None, _key(then), _key(first))
    plan: list = []
    for leaf in django_graph.leaf_nodes():
        plan += [key for key in django_graph.forwards_plan(leaf) if key not in plan]
    return plan


# The graph -----------------------------------------------------------------------------


def drawn_graph(dependencies, run_before=()):
    """An example written by hand, in the shape ``migration_graphs()`` draws."""
    graph = BranchGraph.from_dependencies(dependencies, run_before=run_before)
    return graph, dependencies, list(run_before)


@PROPERTIES
@given(migration_graphs())
# A run_before inside one app: Django's leaf nodes (and so its apply order) count it as a child.
@example(
    drawn_graph(
        {"inventory.0001": [], "inventory.0002": [], "inventory.0003": []},
        [("inventory.0001", "inventory.0003")],
    )
)
def test_structure(drawn):
    graph, dependencies, run_before = drawn
    nodes = set(graph.nodes)
    assert len(graph.nodes) == len(nodes) == len(dependencies)
    assert list(graph.nodes) == django_apply_order(dependencies, run_before)
    for source, target, _ in graph.edges():
        assert graph.position(source) < graph.position(target)
    for key in graph.nodes:
        for parent in graph.parents(key):
            assert parent[0] == key[0]
            assert key in graph.children(parent)
        for child in graph.children(key):
            assert child[0] == key[0]
            assert key in graph.parents(child)
        assert graph.is_head(key) == (key in graph.heads()) == (not graph.children(key))
        assert graph.is_base(key) == (key in graph.bases()) == (not graph.parents(key))
        assert graph.is_branch_point(key) == (len(graph.children(key)) > 1)
        assert graph.is_merge_point(key) == (len(graph.parents(key)) > 1)
        assert graph.ancestors(graph.ancestors([key])) == graph.ancestors([key])
        assert graph.descendants(graph.descendants([key])) == graph.descendants([key])
        assert graph.app_descendants(key) <= graph.descendants([key])
        assert graph.app_ancestors(key) <= graph.ancestors([key])
    # Every node is below some head and above some base of its app.
    assert graph.ancestors(graph.heads()) == nodes
    for app in graph.apps:
        assert graph.heads(app), app
        below = set().union(*(graph.app_descendants(base) for base in graph.bases(app)))
        assert below == set(graph.app_nodes(app))


def expected_labels(graph, key):
    """SPEC section 3, read declaratively."""
    found = set()
    for label in graph.all_labels():
        for declaring in graph.declarations(label).get(key[0], []):
            if key in graph.app_descendants(declaring):
                found.add(label)
            elif key in graph.app_ancestors(declaring) and len(graph.parents(declaring)) == 1:
                # Up to, but excluding, the nearest branch point or merge point.
                between = graph.app_descendants(key) & graph.app_ancestors(declaring)
                if all(
                    len(graph.children(node)) == 1 and len(graph.parents(node)) <= 1
                    for node in between - {declaring}
                ):
                    found.add(label)
    return found


@PROPERTIES
@given(migration_graphs())
def test_label_propagation(drawn):
    graph, _, _ = drawn
    for key in graph.nodes:
        same_app = {label for label in graph.all_labels() if key[0] in graph.declarations(label)}
        # Labels never cross apps.
        assert graph.labels(key) <= same_app
        assert set(graph.declared_labels(key)) <= graph.labels(key)
        assert graph.labels(key) == expected_labels(graph, key), key
    for label in graph.all_labels():
        assert graph.labelled(label) == {k for k in graph.nodes if label in graph.labels(k)}
        for app, declaring in graph.declarations(label).items():
            for key in declaring:
                assert key[0] == app
                assert graph.app_descendants(key) <= graph.labelled(label)
        # Declared twice in one app is E002.
        twice = {app for app, keys in graph.declarations(label).items() if len(keys) > 1}
        reported = {
            p.key[0] for p in graph.label_problems if p.code == "E002" and p.label == label
        }
        assert reported == twice


@PROPERTIES
@given(migration_graphs())
def test_conflicts(drawn):
    graph, _, _ = drawn
    conflicts = graph.conflicts()
    succ = {source: set() for source in graph.nodes}
    for source, target, _ in graph.edges():
        succ[source].add(target)
    for app in graph.apps:
        groups: dict = {}
        # Django's leaf nodes: a same-app run_before child also makes a head a non-leaf.
        leaves = [h for h in graph.heads(app) if not any(s[0] == app for s in succ[h])]
        for head in leaves:
            groups.setdefault(graph.labels(head), set()).add(head)
        expected = sorted(sorted(heads) for heads in groups.values() if len(heads) > 1)
        assert sorted(conflicts.get(app, [])) == expected


# Resolution ----------------------------------------------------------------------------


def check_closed(graph, result):
    assert graph.ancestors(result.forwards) == result.forwards
    assert graph.descendants(result.backwards) == result.backwards
    assert not result.forwards & result.backwards


@PROPERTIES
@given(migration_graphs())
def test_every_resolution_is_closed_and_consistent(drawn):
    graph, _, _ = drawn
    found = resolutions(graph)
    for result in found.values():
        check_closed(graph, result)
    assert found["heads"].forwards == set(graph.nodes)
    assert found["base"].backwards == set(graph.nodes)
    for app in graph.apps:
        app_nodes = set(graph.app_nodes(app))
        assert found[app] == found[app + "@heads"]
        assert found[app].forwards == graph.ancestors(graph.heads(app))
        assert found[app + "@base"] == found[app + "@zero"]
        assert found[app + "@base"].backwards == graph.descendants(app_nodes)
        if app + "@head" in found:
            assert found[app + "@head"] == found[app + "@heads"]
        else:
            assert len(graph.heads(app)) > 1
        # Without a state, relative moves are validated and do nothing.
        assert not found[app + "@-1"].forwards and not found[app + "@-1"].backwards
    for label in graph.all_labels():
        assert found[label + "@base"].backwards == graph.descendants(graph.labelled(label))
        assert found[label + "@heads"].forwards == graph.ancestors(
            h for h in graph.heads() if h in graph.labelled(label)
        )
    for key in graph.nodes:
        name = dotted(key)
        result = found[name]
        assert result.forwards == graph.ancestors([key])
        assert result.backwards == graph.descendants(graph.app_descendants(key) - {key})
        assert resolve_node(name, graph) == key
        assert found[key[0] + "@" + name] == result
        children, parents = graph.children(key), graph.parents(key)
        if len(children) == 1:
            assert found[name + "+1"] == found[dotted(children[0])]
        else:
            assert name + "+1" not in found
        if len(parents) == 1:
            assert found[name + "-1"] == found[dotted(parents[0])]
        else:
            assert name + "-1" not in found


@PROPERTIES
@given(graphs_with_state())
def test_moves_from_the_applied_state(drawn):
    graph, state = drawn
    applied = set(state.applied)
    for text, result in resolutions(graph, state).items():
        check_closed(graph, result)
        # Running the plan leaves a consistent history.
        after = (applied - result.backwards) | result.forwards
        assert graph.ancestors(after) == after, text
        target = parse(text)
        if target.kind == "current" and target.steps < 0:
            scope = graph.labelled(target.scope) or set(graph.app_nodes(target.scope))
            (head,) = state.applied_heads(graph, scope)
            assert head in result.backwards
            assert not result.forwards
        if target.kind == "current" and target.steps == 1:
            scope = graph.labelled(target.scope) or set(graph.app_nodes(target.scope))
            heads = state.applied_heads(graph, scope)
            if heads:
                (child,) = [c for c in graph.children(heads[0]) if c in scope]
                assert result.forwards == graph.ancestors([child])


@PROPERTIES
@given(graphs_with_state())
def test_applied_heads(drawn):
    graph, state = drawn
    heads = state.applied_heads(graph)
    assert set(heads) <= set(state.applied)
    for key in state.applied:
        # Every applied node is below an applied head of its app.
        assert any(key in graph.app_ancestors(head) for head in heads)
    for head in heads:
        assert not set(graph.children(head)) & set(state.applied)


# Arbitrary text ------------------------------------------------------------------------

TARGET_ALPHABET = st.sampled_from(list("shopaymentsbilng@.+-0123456789_ \t\n") + ["heads", "base"])
TARGETISH = st.lists(TARGET_ALPHABET, max_size=14).map("".join)


@PROPERTIES
@given(st.one_of(st.text(), TARGETISH))
def test_parse_raises_only_target_errors(text):
    try:
        target = parse(text)
    except TargetError:
        return
    assert isinstance(target, Target)
    assert target.text == text
    assert target.kind in ("heads", "base", "head", "zero", "node", "current")


@PROPERTIES
@given(graphs_with_state(), st.lists(st.one_of(st.text(max_size=20), TARGETISH), max_size=3))
def test_resolve_raises_only_target_errors(drawn, texts):
    graph, state = drawn
    for overlay in (None, state):
        try:
            result = resolve(texts, graph, overlay)
        except TargetError:
            pass
        else:
            check_closed(graph, result)
        for text in texts:
            try:
                key = resolve_node(text, graph, overlay)
            except TargetError:
                pass
            else:
                assert key in graph
