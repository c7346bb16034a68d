"""The target language (SPEC section 4) on in-memory graphs.

Every test draws its graph: arrows point from a dependency to the migration that depends on
it, ``==>`` is a dependency on another app (or a ``run_before``), ``[label]`` a declared
branch label. The shapes are those of Alembic's revision traversal tests
(``tests/test_revision.py``): a linear chain, a diamond, a fork with two labelled branches,
three bases with cross-dependencies, twin merges, a merge over independent bases with a branch
spliced off, a forest. Results are ``(forwards, backwards)`` as sets of dotted names:
forwards must end up applied, backwards unapplied.
"""

import pytest

from django_branchmig.graph import BranchGraph
from django_branchmig.state import AppliedState
from django_branchmig.targets import Resolution, Target, TargetError, parse, resolve, resolve_node
from django_branchmig.types import dotted

EXPECTED_FORMS = (
    "Expected 'heads', 'base', APP, APP.MIGRATION, LABEL, SCOPE@head, SCOPE@heads, SCOPE@base, "
    "SCOPE@+N, SCOPE@-N or SCOPE@APP.MIGRATION, optionally followed by +N or -N."
)


def key(name):
    return tuple(name.split(".", 1))


def names(keys):
    return {dotted(k) for k in keys}


def resolved(targets, graph, state=None):
    """``(forwards, backwards)`` as sets of dotted names."""
    if isinstance(targets, str):
        targets = [targets]
    result = resolve(targets, graph, state)
    return names(result.forwards), names(result.backwards)


def error(targets, graph, state=None):
    if isinstance(targets, str):
        targets = [targets]
    with pytest.raises(TargetError) as excinfo:
        resolve(targets, graph, state)
    return str(excinfo.value)


def applied(graph, *tips, alias="default"):
    """The state of a database that applied ``tips`` and everything they depend on."""
    return AppliedState(alias, dict.fromkeys(graph.ancestors(key(tip) for tip in tips)))


# Shapes --------------------------------------------------------------------------------

L1, L2, L3, L4, L5 = (
    "shop.0001_initial",
    "shop.0002_order",
    "shop.0003_add_total",
    "shop.0004_invoice",
    "shop.0005_refund",
)
LINEAR_ALL = {L1, L2, L3, L4, L5}


def linear():
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    return BranchGraph.from_dependencies({L1: [], L2: [L1], L3: [L2], L4: [L3], L5: [L4]})


def diamond():
    """
                   +--> shop.0002_a --+
    shop.0001 -----+                  +--> shop.0003_merge --> shop.0004
                   +--> shop.0002_b --+
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_merge": ["shop.0002_a", "shop.0002_b"],
            "shop.0004": ["shop.0003_merge"],
        }
    )


def forked():
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_invoice": ["shop.0002"],
            "shop.0004_tax": ["shop.0003_invoice"],
            "shop.0003_stock": ["shop.0002"],
            "shop.0004_bin": ["shop.0003_stock"],
            "payments.0001": [],
            "payments.0002": ["payments.0001", "shop.0004_tax"],
        },
        labels={"shop.0003_invoice": ["billing"], "shop.0003_stock": ["warehouse"]},
    )


BILLING = {"shop.0003_invoice", "shop.0004_tax"}
WAREHOUSE = {"shop.0003_stock", "shop.0004_bin"}
TRUNK = {"shop.0001", "shop.0002"}


def cross_app_label():
    """
    shop.0001 --> shop.0002 --+--> shop.0003_invoice [billing] --> shop.0004_due
                     ||       |            ||
                     ||       +--> shop.0003_note
                     vv                    vv
    payments.0001 ---------------+--> payments.0002_refund [billing]
                                 +--> payments.0002_method

    One branch, declared once in each of two apps.
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_invoice": ["shop.0002"],
            "shop.0004_due": ["shop.0003_invoice"],
            "shop.0003_note": ["shop.0002"],
            "payments.0001": ["shop.0002"],
            "payments.0002_refund": ["payments.0001", "shop.0003_invoice"],
            "payments.0002_method": ["payments.0001"],
        },
        labels={"shop.0003_invoice": ["billing"], "payments.0002_refund": ["billing"]},
    )


def three_bases():
    """
    shop.0001_cart [cart] --> shop.0002_cart --> shop.0003_cart
                                   ||                  ||
                              (run_before)             +=====> inventory.0002
                                   vv                              ^
    shop.0001_stock [stock] --> shop.0002_stock                    |
                                                                   |
    inventory.0001 ------------------------------------------------+
          ||
          +=====> shop.0002_ledger
                        ^
    shop.0001_ledger [ledger]
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001_cart": [],
            "shop.0002_cart": ["shop.0001_cart"],
            "shop.0003_cart": ["shop.0002_cart"],
            "shop.0001_stock": [],
            "shop.0002_stock": ["shop.0001_stock"],
            "shop.0001_ledger": [],
            "shop.0002_ledger": ["shop.0001_ledger", "inventory.0001"],
            "inventory.0001": [],
            "inventory.0002": ["inventory.0001", "shop.0003_cart"],
        },
        labels={
            "shop.0001_cart": ["cart"],
            "shop.0001_stock": ["stock"],
            "shop.0001_ledger": ["ledger"],
        },
        run_before=[("shop.0002_cart", "shop.0002_stock")],
    )


CART = {"shop.0001_cart", "shop.0002_cart", "shop.0003_cart"}


def twin_merges():
    """
                  +--> shop.0002_a --+--+--> shop.0003_m1 [east] --> shop.0004
    shop.0001 ----+                  |  |
                  +--> shop.0002_b --+--+--> shop.0003_m2 [west]
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002_a": ["shop.0001"],
            "shop.0002_b": ["shop.0001"],
            "shop.0003_m1": ["shop.0002_a", "shop.0002_b"],
            "shop.0003_m2": ["shop.0002_a", "shop.0002_b"],
            "shop.0004": ["shop.0003_m1"],
        },
        labels={"shop.0003_m1": ["east"], "shop.0003_m2": ["west"]},
    )


def spliced():
    """
    shop.0001_a --> shop.0002_a --+----------------> shop.0003_merge --> shop.0004
                                  |                        ^
    shop.0001_b [trunk] ----------|------------------------+
                                  |
                                  +--> shop.0003_side [side] --> shop.0004_side
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001_a": [],
            "shop.0001_b": [],
            "shop.0002_a": ["shop.0001_a"],
            "shop.0003_merge": ["shop.0002_a", "shop.0001_b"],
            "shop.0004": ["shop.0003_merge"],
            "shop.0003_side": ["shop.0002_a"],
            "shop.0004_side": ["shop.0003_side"],
        },
        labels={"shop.0001_b": ["trunk"], "shop.0003_side": ["side"]},
    )


def forest():
    """
    shop.0001_a --> shop.0002_a [alpha]
    shop.0001_b --> shop.0002_b [beta]
    payments.0001 --> payments.0002
    """
    return BranchGraph.from_dependencies(
        {
            "shop.0001_a": [],
            "shop.0002_a": ["shop.0001_a"],
            "shop.0001_b": [],
            "shop.0002_b": ["shop.0001_b"],
            "payments.0001": [],
            "payments.0002": ["payments.0001"],
        },
        labels={"shop.0002_a": ["alpha"], "shop.0002_b": ["beta"]},
    )


# Parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, target",
    [
        ("heads", Target("heads", "heads")),
        ("base", Target("base", "base")),
        ("shop", Target("shop", "node", node=(None, "shop"))),
        ("shop@heads", Target("shop@heads", "heads", scope="shop")),
        ("shop@head", Target("shop@head", "head", scope="shop")),
        ("shop@base", Target("shop@base", "base", scope="shop")),
        ("shop@zero", Target("shop@zero", "zero", scope="shop")),
        ("billing@head", Target("billing@head", "head", scope="billing")),
        ("billing@head-1", Target("billing@head-1", "head", scope="billing", steps=-1)),
        ("billing@head+2", Target("billing@head+2", "head", scope="billing", steps=2)),
        ("billing@+1", Target("billing@+1", "current", scope="billing", steps=1)),
        ("billing@-1", Target("billing@-1", "current", scope="billing", steps=-1)),
        ("shop@-12", Target("shop@-12", "current", scope="shop", steps=-12)),
        ("shop.0003", Target("shop.0003", "node", node=("shop", "0003"))),
        (
            "shop.0003_add_total",
            Target("shop.0003_add_total", "node", node=("shop", "0003_add_total")),
        ),
        ("shop.0003+2", Target("shop.0003+2", "node", node=("shop", "0003"), steps=2)),
        ("shop.0003-0", Target("shop.0003-0", "node", node=("shop", "0003"), steps=0)),
        (
            "billing@shop.0002",
            Target("billing@shop.0002", "node", scope="billing", node=("shop", "0002")),
        ),
        ("billing", Target("billing", "node", node=(None, "billing"))),
        ("billing-1", Target("billing-1", "node", node=(None, "billing"), steps=-1)),
        # Surrounding blanks are ignored; messages quote the target as typed.
        ("  shop.0003 ", Target("  shop.0003 ", "node", node=("shop", "0003"))),
        (" heads\n", Target(" heads\n", "heads")),
    ],
)
def test_parse(text, target):
    assert parse(text) == target


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Empty target. Use 'heads', 'base', APP, APP.MIGRATION or LABEL@head."),
        ("  ", "Empty target. Use 'heads', 'base', APP, APP.MIGRATION or LABEL@head."),
        (
            "head",
            "'head' needs a scope: use 'heads' or 'base' for every app, or APP@head / LABEL@head.",
        ),
        (
            "zero",
            "'zero' needs a scope: use 'heads' or 'base' for every app, or APP@zero / LABEL@zero.",
        ),
        (
            "current",
            "'current' needs a scope: use 'heads' or 'base' for every app, or APP@current / "
            "LABEL@current.",
        ),
        ("@head", "Invalid target '@head': '' before '@' is not an app label or branch label."),
        (
            "shop.0001@head",
            "Invalid target 'shop.0001@head': 'shop.0001' before '@' is not an app label or "
            "branch label.",
        ),
        ("shop@head@x", "Invalid target 'shop@head@x': only one '@' is allowed."),
        (
            "head-1",
            "Invalid target 'head-1': a relative move needs a scope or a migration, e.g. "
            "APP@head-1, LABEL@-1 or APP.MIGRATION-1.",
        ),
        ("shop@", "Invalid target 'shop@'. " + EXPECTED_FORMS),
        ("shop.", "Invalid target 'shop.'. " + EXPECTED_FORMS),
        ("shop.0001.x", "Invalid target 'shop.0001.x'. " + EXPECTED_FORMS),
        ("0001", "Invalid target '0001'. " + EXPECTED_FORMS),
        ("shop.0001+", "Invalid target 'shop.0001+'. " + EXPECTED_FORMS),
        ("shop.0001+x", "Invalid target 'shop.0001+x'. " + EXPECTED_FORMS),
        ("shop.0001 +1", "Invalid target 'shop.0001 +1'. " + EXPECTED_FORMS),
        ("shop@head-", "Invalid target 'shop@head-'. " + EXPECTED_FORMS),
        ("shop@ head", "Invalid target 'shop@ head'. " + EXPECTED_FORMS),
        ("shop@+1x", "Invalid target 'shop@+1x'. " + EXPECTED_FORMS),
        ("shop:0001", "Invalid target 'shop:0001'. " + EXPECTED_FORMS),
        ("-1", "Invalid target '-1'. " + EXPECTED_FORMS),
        ("shop.0001_ü", "Invalid target 'shop.0001_ü'. " + EXPECTED_FORMS),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(TargetError) as excinfo:
        parse(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    "text",
    ["shop.0001+" + "9" * 5000, "shop@-" + "9" * 5000, "shop@head+" + "9" * 5000],
    ids=["node+N", "scope@-N", "scope@head+N"],
)
def test_huge_step_counts_are_target_errors(text):
    """Python refuses to convert more than 4300 digits; that must not escape as ValueError."""
    with pytest.raises(TargetError):
        parse(text)


# A linear chain ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("heads", LINEAR_ALL, set()),
        ("base", set(), LINEAR_ALL),
        ("shop", LINEAR_ALL, set()),
        ("shop@heads", LINEAR_ALL, set()),
        ("shop@head", LINEAR_ALL, set()),
        ("shop@head+0", LINEAR_ALL, set()),
        ("shop@base", set(), LINEAR_ALL),
        ("shop@zero", set(), LINEAR_ALL),
        ("shop.0003", {L1, L2, L3}, {L4, L5}),
        ("shop.0003_add_total", {L1, L2, L3}, {L4, L5}),
        ("shop.0003_add", {L1, L2, L3}, {L4, L5}),
        ("  shop.0003 ", {L1, L2, L3}, {L4, L5}),
        ("shop.0001", {L1}, {L2, L3, L4, L5}),
        ("shop.0005", LINEAR_ALL, set()),
        ("shop.0003+0", {L1, L2, L3}, {L4, L5}),
        ("shop.0003+1", {L1, L2, L3, L4}, {L5}),
        ("shop.0003+2", LINEAR_ALL, set()),
        ("shop.0003-2", {L1}, {L2, L3, L4, L5}),
        ("shop@head-1", {L1, L2, L3, L4}, {L5}),
        ("shop@head-4", {L1}, {L2, L3, L4, L5}),
        ("shop@shop.0002", {L1, L2}, {L3, L4, L5}),
        ("shop@shop.0004-1", {L1, L2, L3}, {L4, L5}),
        # Without an applied state, moves relative to it are only checked.
        ("shop@+1", set(), set()),
        ("shop@-1", set(), set()),
    ],
)
def test_linear(target, forwards, backwards):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    assert resolved(target, linear()) == (forwards, backwards)


@pytest.mark.parametrize(
    "target, message",
    [
        ("shop.0003+3", "'shop.0003+3' walks past a head: only 2 migrations above " + L3 + "."),
        ("shop.0003-3", "'shop.0003-3' walks past a base: only 2 migrations below " + L3 + "."),
        ("shop.0004+2", "'shop.0004+2' walks past a head: only 1 migration above " + L4 + "."),
        ("shop.0001-1", "'shop.0001-1' walks past a base: only 0 migrations below " + L1 + "."),
        ("shop@head-5", "'shop@head-5' walks past a base: only 4 migrations below " + L5 + "."),
        ("shop@head+1", "'shop@head+1' walks past a head: only 0 migrations above " + L5 + "."),
        (
            "shop.0009",
            "Unknown migration '0009' in app 'shop'. Its migrations are: 0001_initial, "
            "0002_order, 0003_add_total, 0004_invoice, 0005_refund.",
        ),
        (
            "shop.000",
            "Ambiguous migration 'shop.000': it is a prefix of shop.0001_initial, "
            "shop.0002_order, shop.0003_add_total, shop.0004_invoice, shop.0005_refund. "
            "Use a longer prefix.",
        ),
        (
            "bogus.0001",
            "Unknown app 'bogus' in target 'bogus.0001'. Apps with migrations: shop.",
        ),
        (
            "bogus",
            "Unknown app or branch label 'bogus' in target 'bogus'. Apps: shop. "
            "Branch labels: none.",
        ),
        (
            "bogus@head",
            "Unknown app or branch label 'bogus' in target 'bogus@head'. Apps: shop. "
            "Branch labels: none.",
        ),
        (
            # Scopes are checked even when there is no applied state to move from.
            "bogus@-1",
            "Unknown app or branch label 'bogus' in target 'bogus@-1'. Apps: shop. "
            "Branch labels: none.",
        ),
        (
            "shop+1",
            "'shop+1': a relative move needs a migration; use shop@+1 to move from where shop "
            "is applied now.",
        ),
        (
            "shop-2",
            "'shop-2': a relative move needs a migration; use shop@-2 to move from where shop "
            "is applied now.",
        ),
    ],
)
def test_linear_errors(target, message):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    assert error(target, linear()) == message


@pytest.mark.parametrize(
    "tip, target, forwards, backwards",
    [
        (L3, "shop@+1", {L1, L2, L3, L4}, set()),
        (L3, "shop@+2", LINEAR_ALL, set()),
        (L3, "shop@-1", set(), {L3, L4, L5}),
        (L3, "shop@-2", set(), {L2, L3, L4, L5}),
        (L3, "shop@-3", set(), LINEAR_ALL),
        (L1, "shop@-1", set(), LINEAR_ALL),
        (L5, "shop@-1", set(), {L5}),
        (None, "shop@+1", {L1}, set()),
        (None, "shop@+3", {L1, L2, L3}, set()),
        (None, "shop@+5", LINEAR_ALL, set()),
        # Absolute targets do not depend on the state.
        (L3, "shop.0002", {L1, L2}, {L3, L4, L5}),
        (L3, "shop@head", LINEAR_ALL, set()),
    ],
)
def test_linear_moves_from_the_applied_state(tip, target, forwards, backwards):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
                                               ^ applied up to here (tip)
    """
    g = linear()
    state = applied(g, tip) if tip else applied(g)
    assert resolved(target, g, state) == (forwards, backwards)


@pytest.mark.parametrize(
    "tip, target, message",
    [
        (L3, "shop@+3", "'shop@+3' walks past a head: only 2 migrations above " + L3 + "."),
        (L5, "shop@+1", "'shop@+1' walks past a head: only 0 migrations above " + L5 + "."),
        (None, "shop@+6", "'shop@+6' walks past a head: only 4 migrations above " + L1 + "."),
        (
            L3,
            "shop@-4",
            "'shop@-4' walks past the base: shop has only 3 applied migrations up to "
            + L3
            + " on database 'default'.",
        ),
        (
            L1,
            "shop@-2",
            "'shop@-2' walks past the base: shop has only 1 applied migration up to "
            + L1
            + " on database 'default'.",
        ),
        (
            None,
            "shop@-1",
            "'shop@-1': nothing of shop is applied on database 'default', so there is nothing "
            "to roll back.",
        ),
    ],
)
def test_linear_moves_past_the_ends(tip, target, message):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    g = linear()
    state = applied(g, tip) if tip else applied(g)
    assert error(target, g, state) == message


def test_messages_name_the_database():
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    g = linear()
    assert error("shop@-1", g, applied(g, alias="replica")) == (
        "'shop@-1': nothing of shop is applied on database 'replica', so there is nothing to "
        "roll back."
    )


@pytest.mark.parametrize("tip", [L3, L5])
@pytest.mark.parametrize("target", ["shop@+0", "shop@-0"])
def test_zero_steps_from_the_applied_state_move_nowhere(tip, target):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund

    ``shop.0003+0`` is ``shop.0003`` and ``shop@head+0`` is ``shop@head``; ``shop@-0`` stays
    where shop is applied. It must not walk one step up (and fail at the head).
    """
    g = linear()
    assert resolve([target], g, applied(g, tip)) == Resolution()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("shop.0003", L3),
        ("shop.0003+1", L4),
        ("shop.0003_add_total-2", L1),
        ("shop@head", L5),
        ("shop@head-2", L3),
        ("shop@shop.0002", L2),
    ],
)
def test_resolve_node(text, expected):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    assert resolve_node(text, linear()) == key(expected)


@pytest.mark.parametrize(
    "text", ["heads", "base", "shop@heads", "shop@base", "shop@zero", "shop@-1"]
)
def test_resolve_node_refuses_sets(text):
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund
    """
    with pytest.raises(TargetError) as excinfo:
        resolve_node(text, linear())
    assert str(excinfo.value) == (
        "%r does not name one migration; use APP.MIGRATION or SCOPE@head." % text
    )


def test_resolve_node_app_is_its_single_head():
    """
    shop.0001_initial --> 0002_order --> 0003_add_total --> 0004_invoice --> 0005_refund

    A bare app means the app's heads; where one migration is needed, it is ``shop@head``.
    It must not claim that shop is an unknown app while listing it among the apps.
    """
    assert resolve_node("shop", linear()) == key(L5)


def test_resolve_node_app_with_several_heads():
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    with pytest.raises(TargetError) as excinfo:
        resolve_node("shop", forked())
    assert str(excinfo.value) == (
        "'shop' is ambiguous: app 'shop' has 2 heads: shop.0004_tax [billing], "
        "shop.0004_bin [warehouse]. Use LABEL@head for one branch or shop@heads for all of "
        "them."
    )


# A diamond -----------------------------------------------------------------------------

DIAMOND_ALL = {"shop.0001", "shop.0002_a", "shop.0002_b", "shop.0003_merge", "shop.0004"}


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("shop@head", DIAMOND_ALL, set()),
        ("shop.0002_a", {"shop.0001", "shop.0002_a"}, {"shop.0003_merge", "shop.0004"}),
        ("shop.0002_b", {"shop.0001", "shop.0002_b"}, {"shop.0003_merge", "shop.0004"}),
        ("shop.0003", DIAMOND_ALL - {"shop.0004"}, {"shop.0004"}),
        ("shop.0004-1", DIAMOND_ALL - {"shop.0004"}, {"shop.0004"}),
        ("shop.0002_a+1", DIAMOND_ALL - {"shop.0004"}, {"shop.0004"}),
        ("shop.0002_b-1", {"shop.0001"}, DIAMOND_ALL - {"shop.0001"}),
        ("shop.0001", {"shop.0001"}, DIAMOND_ALL - {"shop.0001"}),
    ],
)
def test_diamond(target, forwards, backwards):
    """
                   +--> shop.0002_a --+
    shop.0001 -----+                  +--> shop.0003_merge --> shop.0004
                   +--> shop.0002_b --+

    Rolling back to one side of the diamond keeps the other side applied, as
    ``migrate shop 0002_a`` does.
    """
    assert resolved(target, diamond()) == (forwards, backwards)


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "shop.0001+1",
            "'shop.0001+1' is an ambiguous walk: shop.0001 is a branch point, so the walk could "
            "take shop.0002_a or shop.0002_b. Name the migration instead.",
        ),
        (
            "shop.0004-2",
            "'shop.0004-2' is an ambiguous walk: shop.0003_merge is a merge point, so the walk "
            "could take shop.0002_a or shop.0002_b. Name the migration instead.",
        ),
        (
            "shop@head-2",
            "'shop@head-2' is an ambiguous walk: shop.0003_merge is a merge point, so the walk "
            "could take shop.0002_a or shop.0002_b. Name the migration instead.",
        ),
        (
            "shop.0002",
            # Candidates come in apply order, the order of ``migrate --plan``.
            "Ambiguous migration 'shop.0002': it is a prefix of shop.0002_b, shop.0002_a. "
            "Use a longer prefix.",
        ),
    ],
)
def test_diamond_errors(target, message):
    """
                   +--> shop.0002_a --+
    shop.0001 -----+                  +--> shop.0003_merge --> shop.0004
                   +--> shop.0002_b --+
    """
    assert error(target, diamond()) == message


def test_diamond_moves_from_the_applied_state():
    """
                   +--> shop.0002_a --+
    shop.0001 -----+                  +--> shop.0003_merge --> shop.0004
                   +--> shop.0002_b --+
    """
    g = diamond()
    everything = applied(g, "shop.0004")
    assert resolved("shop@-1", g, everything) == (set(), {"shop.0004"})
    assert resolved("shop@-2", g, everything) == (set(), {"shop.0003_merge", "shop.0004"})
    assert error("shop@-3", g, everything) == (
        "'shop@-3' is an ambiguous walk: shop.0003_merge is a merge point, so the walk could "
        "take shop.0002_a or shop.0002_b. Name the migration instead."
    )
    assert error("shop@+1", g, applied(g, "shop.0001")) == (
        "'shop@+1' is an ambiguous walk: shop.0001 is a branch point, so the walk could take "
        "shop.0002_a or shop.0002_b. Name the migration instead."
    )
    both_sides = applied(g, "shop.0002_a", "shop.0002_b")
    for target in ("shop@-1", "shop@+1"):
        assert error(target, g, both_sides) == (
            "%r is ambiguous: shop is applied at several heads on database 'default': "
            "shop.0002_b, shop.0002_a. Name the migration to move from, e.g. shop.0002_b%s1."
            % (target, target[-2])
        )
    one_side = applied(g, "shop.0002_a")
    assert resolved("shop@-1", g, one_side) == (
        set(),
        {"shop.0002_a", "shop.0003_merge", "shop.0004"},
    )
    assert resolved("shop@+1", g, one_side) == (DIAMOND_ALL - {"shop.0004"}, set())


# A fork with two labelled branches ------------------------------------------------------


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("heads", TRUNK | BILLING | WAREHOUSE | {"payments.0001", "payments.0002"}, set()),
        ("shop", TRUNK | BILLING | WAREHOUSE, set()),
        ("shop@heads", TRUNK | BILLING | WAREHOUSE, set()),
        ("billing@head", TRUNK | BILLING, set()),
        ("billing@heads", TRUNK | BILLING, set()),
        ("warehouse@head", TRUNK | WAREHOUSE, set()),
        ("billing@base", set(), BILLING | {"payments.0002"}),
        ("billing@zero", set(), BILLING | {"payments.0002"}),
        ("warehouse@base", set(), WAREHOUSE),
        ("shop@base", set(), TRUNK | BILLING | WAREHOUSE | {"payments.0002"}),
        ("billing", TRUNK | {"shop.0003_invoice"}, {"shop.0004_tax", "payments.0002"}),
        ("warehouse", TRUNK | {"shop.0003_stock"}, {"shop.0004_bin"}),
        ("billing+1", TRUNK | BILLING, set()),
        ("billing-1", TRUNK, BILLING | WAREHOUSE | {"payments.0002"}),
        ("billing@shop.0002", TRUNK, BILLING | {"payments.0002"}),
        ("billing@shop.0001", {"shop.0001"}, BILLING | {"payments.0002"}),
        (
            "billing@shop.0003_invoice",
            TRUNK | {"shop.0003_invoice"},
            {"shop.0004_tax", "payments.0002"},
        ),
        ("billing@billing", TRUNK | {"shop.0003_invoice"}, {"shop.0004_tax", "payments.0002"}),
        ("billing@shop.0004_tax", TRUNK | BILLING, set()),
        ("warehouse@shop.0002", TRUNK, WAREHOUSE),
        ("shop.0002", TRUNK, BILLING | WAREHOUSE | {"payments.0002"}),
        ("billing@head-1", TRUNK | {"shop.0003_invoice"}, {"shop.0004_tax", "payments.0002"}),
        ("billing@head-2", TRUNK, BILLING | {"payments.0002"}),
        # Below its branch point the branch still rolls back alone: shop.0002 is not undone.
        ("billing@head-3", {"shop.0001"}, BILLING | {"payments.0002"}),
        ("warehouse@head-1", TRUNK | {"shop.0003_stock"}, {"shop.0004_bin"}),
        ("shop.0003_invoice+1", TRUNK | BILLING, set()),
        ("payments", TRUNK | BILLING | {"payments.0001", "payments.0002"}, set()),
        ("payments.0001", {"payments.0001"}, {"payments.0002"}),
    ],
)
def test_fork(target, forwards, backwards):
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    assert resolved(target, forked()) == (forwards, backwards)


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "shop@head",
            "'shop@head' is ambiguous: app 'shop' has 2 heads: shop.0004_tax [billing], "
            "shop.0004_bin [warehouse]. Use LABEL@head for one branch or shop@heads for all of "
            "them.",
        ),
        (
            "shop@head-1",
            "'shop@head-1' is ambiguous: app 'shop' has 2 heads: shop.0004_tax [billing], "
            "shop.0004_bin [warehouse]. Use LABEL@head for one branch or shop@heads for all of "
            "them.",
        ),
        (
            "shop.0002+1",
            "'shop.0002+1' is an ambiguous walk: shop.0002 is a branch point, so the walk could "
            "take shop.0003_invoice [billing] or shop.0003_stock [warehouse]. Name the migration "
            "instead.",
        ),
        (
            "billing@head-4",
            "'billing@head-4' walks past a base: only 3 migrations below shop.0004_tax.",
        ),
        (
            "warehouse@shop.0003_invoice",
            "shop.0003_invoice is not on branch 'warehouse' or below it; "
            "'warehouse@shop.0003_invoice' names a migration the branch continues from.",
        ),
        (
            "billing@payments.0001",
            "payments.0001 is not on branch 'billing' or below it; 'billing@payments.0001' "
            "names a migration the branch continues from.",
        ),
        (
            "nope@head",
            "Unknown app or branch label 'nope' in target 'nope@head'. Apps: payments, shop. "
            "Branch labels: billing, warehouse.",
        ),
        (
            "billing@nope.0001",
            "Unknown app 'nope' in target 'billing@nope.0001'. Apps with migrations: payments, "
            "shop.",
        ),
    ],
)
def test_fork_errors(target, message):
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    assert error(target, forked()) == message


def test_fork_moves_from_the_applied_state():
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+

    Applied: shop.0003_invoice, shop.0003_stock (so both of their ancestors), payments.0001.
    """
    g = forked()
    state = applied(g, "shop.0003_invoice", "shop.0003_stock", "payments.0001")
    assert resolved("billing@+1", g, state) == (TRUNK | BILLING, set())
    assert resolved("warehouse@+1", g, state) == (TRUNK | WAREHOUSE, set())
    assert resolved("billing@-1", g, state) == (set(), BILLING | {"payments.0002"})
    assert resolved("warehouse@-1", g, state) == (set(), WAREHOUSE)
    assert resolved("payments@+1", g, state) == (
        TRUNK | BILLING | {"payments.0001", "payments.0002"},
        set(),
    )
    assert error("billing@+2", g, state) == (
        "'billing@+2' walks past a head: only 1 migration above shop.0003_invoice."
    )
    assert error("billing@-2", g, state) == (
        "'billing@-2' walks past the base: billing has only 1 applied migration up to "
        "shop.0003_invoice on database 'default'."
    )
    # shop is applied on both branches: -1 from where? Refused, not guessed.
    assert error("shop@-1", g, state) == (
        "'shop@-1' is ambiguous: shop is applied at several heads on database 'default': "
        "shop.0003_invoice, shop.0003_stock. Name the migration to move from, e.g. "
        "shop.0003_invoice-1."
    )


def test_fork_moves_onto_an_unapplied_branch():
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+

    Applied: shop.0001 and shop.0002, neither branch.
    """
    g = forked()
    state = applied(g, "shop.0002")
    assert resolved("billing@+1", g, state) == (TRUNK | {"shop.0003_invoice"}, set())
    assert resolved("billing@+2", g, state) == (TRUNK | BILLING, set())
    assert error("billing@+3", g, state) == (
        "'billing@+3' walks past a head: only 1 migration above shop.0003_invoice."
    )
    assert error("billing@-1", g, state) == (
        "'billing@-1': nothing of billing is applied on database 'default', so there is "
        "nothing to roll back."
    )
    assert resolved("shop@-1", g, state) == (
        set(),
        (TRUNK - {"shop.0001"}) | BILLING | WAREHOUSE | {"payments.0002"},
    )


# Several targets at once ----------------------------------------------------------------


@pytest.mark.parametrize(
    "targets, forwards, backwards",
    [
        ([], set(), set()),
        (["billing@head", "billing@head"], TRUNK | BILLING, set()),
        (["billing@head", "warehouse@base"], TRUNK | BILLING, WAREHOUSE),
        (["warehouse@head", "billing@base"], TRUNK | WAREHOUSE, BILLING | {"payments.0002"}),
        (["billing@head", "warehouse@head"], TRUNK | BILLING | WAREHOUSE, set()),
        (
            ["payments.0001", "warehouse"],
            TRUNK | {"payments.0001", "shop.0003_stock"},
            {"payments.0002", "shop.0004_bin"},
        ),
    ],
)
def test_several_targets(targets, forwards, backwards):
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    assert resolved(targets, forked()) == (forwards, backwards)


@pytest.mark.parametrize(
    "targets, message",
    [
        (
            ["shop.0002", "warehouse@head"],
            "The targets contradict each other: shop.0003_stock, shop.0004_bin would be both "
            "applied and unapplied. Run them separately.",
        ),
        (
            ["payments", "billing@base"],
            "The targets contradict each other: shop.0003_invoice, shop.0004_tax, payments.0002 "
            "would be both applied and unapplied. Run them separately.",
        ),
        (
            # At most five are named.
            ["heads", "base"],
            "The targets contradict each other: shop.0001, shop.0002, shop.0003_invoice, "
            "shop.0004_tax, payments.0001 would be both applied and unapplied. Run them "
            "separately.",
        ),
        (
            ["billing@head", "nope@head"],
            "Unknown app or branch label 'nope' in target 'nope@head'. Apps: payments, shop. "
            "Branch labels: billing, warehouse.",
        ),
        (
            # Every target parses before any resolves.
            ["nope@head", "shop@"],
            "Invalid target 'shop@'. " + EXPECTED_FORMS,
        ),
    ],
)
def test_several_targets_errors(targets, message):
    """
                              +--> shop.0003_invoice [billing] --> shop.0004_tax ==> payments.0002
    shop.0001 --> shop.0002 --+                                                      ^
                              +--> shop.0003_stock [warehouse] --> shop.0004_bin     |
    payments.0001 -------------------------------------------------------------------+
    """
    assert error(targets, forked()) == message


# A branch across apps ------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        (
            "billing@head",
            {"shop.0001", "shop.0002", "shop.0003_invoice", "shop.0004_due"}
            | {"payments.0001", "payments.0002_refund"},
            set(),
        ),
        (
            "billing@heads",
            {"shop.0001", "shop.0002", "shop.0003_invoice", "shop.0004_due"}
            | {"payments.0001", "payments.0002_refund"},
            set(),
        ),
        ("billing@base", set(), {"shop.0003_invoice", "shop.0004_due", "payments.0002_refund"}),
        (
            "billing@head-1",
            {"shop.0001", "shop.0002", "shop.0003_invoice", "payments.0001"},
            {"shop.0004_due", "payments.0002_refund"},
        ),
        (
            # The bare label is every migration that declares it.
            "billing",
            {"shop.0001", "shop.0002", "shop.0003_invoice", "payments.0001"}
            | {"payments.0002_refund"},
            {"shop.0004_due"},
        ),
        (
            # What depends on the branch in another app goes with it.
            "billing@shop.0002",
            {"shop.0001", "shop.0002"},
            {"shop.0003_invoice", "shop.0004_due", "payments.0002_refund"},
        ),
        (
            "billing@payments.0001",
            {"shop.0001", "shop.0002", "payments.0001"},
            {"payments.0002_refund"},
        ),
    ],
)
def test_branch_across_apps(target, forwards, backwards):
    """
    shop.0001 --> shop.0002 --+--> shop.0003_invoice [billing] --> shop.0004_due
                     ||       |            ||
                     ||       +--> shop.0003_note
                     vv                    vv
    payments.0001 ---------------+--> payments.0002_refund [billing]
                                 +--> payments.0002_method
    """
    assert resolved(target, cross_app_label()) == (forwards, backwards)


def test_branch_across_apps_errors():
    """
    shop.0001 --> shop.0002 --+--> shop.0003_invoice [billing] --> shop.0004_due
                     ||       |            ||
                     ||       +--> shop.0003_note
                     vv                    vv
    payments.0001 ---------------+--> payments.0002_refund [billing]
                                 +--> payments.0002_method
    """
    g = cross_app_label()
    assert error("billing+1", g) == (
        "'billing+1' is ambiguous: label 'billing' is declared by shop.0003_invoice, "
        "payments.0002_refund; name one migration."
    )
    assert error("shop@billing", g) == (
        "'shop@billing' is ambiguous: label 'billing' is declared by shop.0003_invoice, "
        "payments.0002_refund; name one migration."
    )
    with pytest.raises(TargetError) as excinfo:
        resolve_node("billing", g)
    assert str(excinfo.value) == (
        "'billing' is ambiguous: label 'billing' is declared by shop.0003_invoice, "
        "payments.0002_refund; name one migration."
    )
    with pytest.raises(TargetError) as excinfo:
        resolve_node("billing@head", g)
    assert str(excinfo.value) == (
        "'billing@head' names 2 migrations (payments.0002_refund, shop.0004_due); name one "
        "migration."
    )
    state = applied(g, "shop.0004_due", "payments.0002_refund")
    assert error("billing@-1", g, state) == (
        "'billing@-1' is ambiguous: billing is applied at several heads on database "
        "'default': payments.0002_refund, shop.0004_due. Name the migration to move from, "
        "e.g. payments.0002_refund-1."
    )


def test_label_before_a_branch_point():
    """
                                        +--> shop.0003_a [a]
    shop.0001 --> shop.0002 [billing] --+
                                        +--> shop.0003_b [b]
    """
    g = BranchGraph.from_dependencies(
        {
            "shop.0001": [],
            "shop.0002": ["shop.0001"],
            "shop.0003_a": ["shop.0002"],
            "shop.0003_b": ["shop.0002"],
        },
        labels={"shop.0002": ["billing"], "shop.0003_a": ["a"], "shop.0003_b": ["b"]},
    )
    everything = {"shop.0001", "shop.0002", "shop.0003_a", "shop.0003_b"}
    assert error("billing@head", g) == (
        "'billing@head' is ambiguous: billing, in app 'shop', has 2 heads: "
        "shop.0003_a [a, billing], shop.0003_b [b, billing]. Use LABEL@head for one branch "
        "or billing@heads for all of them."
    )
    assert resolved("billing@heads", g) == (everything, set())
    assert resolved("a@head", g) == ({"shop.0001", "shop.0002", "shop.0003_a"}, set())
    assert resolved("a@base", g) == (set(), {"shop.0003_a"})
    assert resolved("billing@base", g) == (set(), everything)
    assert resolved("billing", g) == ({"shop.0001", "shop.0002"}, {"shop.0003_a", "shop.0003_b"})
    assert error("billing@+1", g, applied(g, "shop.0002")) == (
        "'billing@+1' is an ambiguous walk: shop.0002 is a branch point, so the walk could take "
        "shop.0003_a [a, billing] or shop.0003_b [b, billing]. Name the migration instead."
    )
    assert resolved("a@+1", g, applied(g, "shop.0002")) == (everything - {"shop.0003_b"}, set())


def test_an_exact_name_wins_over_a_longer_one():
    """
    shop.0001 --> shop.0001_b --> shop.0001_bis
    """
    g = BranchGraph.from_dependencies(
        {"shop.0001": [], "shop.0001_b": ["shop.0001"], "shop.0001_bis": ["shop.0001_b"]}
    )
    assert resolved("shop.0001", g) == ({"shop.0001"}, {"shop.0001_b", "shop.0001_bis"})
    assert resolved("shop.0001_b", g) == ({"shop.0001", "shop.0001_b"}, {"shop.0001_bis"})
    assert resolved("shop.0001_bi", g) == ({"shop.0001", "shop.0001_b", "shop.0001_bis"}, set())


# Three bases with cross-dependencies ----------------------------------------------------


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("stock@head", CART - {"shop.0003_cart"} | {"shop.0001_stock", "shop.0002_stock"}, set()),
        ("ledger@head", {"shop.0001_ledger", "shop.0002_ledger", "inventory.0001"}, set()),
        ("cart@head", CART, set()),
        ("cart@base", set(), CART | {"shop.0002_stock", "inventory.0002"}),
        ("stock@base", set(), {"shop.0001_stock", "shop.0002_stock"}),
        ("shop.0002_cart", CART - {"shop.0003_cart"}, {"shop.0003_cart", "inventory.0002"}),
        ("cart@head-1", CART - {"shop.0003_cart"}, {"shop.0003_cart", "inventory.0002"}),
        ("inventory", CART | {"inventory.0001", "inventory.0002"}, set()),
        ("inventory@base", set(), {"inventory.0001", "inventory.0002", "shop.0002_ledger"}),
        ("inventory.0001", {"inventory.0001"}, {"inventory.0002"}),
    ],
)
def test_three_bases(target, forwards, backwards):
    """
    shop.0001_cart [cart] --> shop.0002_cart --> shop.0003_cart
                                   ||                  ||
                              (run_before)             +=====> inventory.0002
                                   vv                              ^
    shop.0001_stock [stock] --> shop.0002_stock                    |
                                                                   |
    inventory.0001 ------------------------------------------------+
          ||
          +=====> shop.0002_ledger
                        ^
    shop.0001_ledger [ledger]
    """
    assert resolved(target, three_bases()) == (forwards, backwards)


def test_three_bases_errors_and_moves():
    """
    shop.0001_cart [cart] --> shop.0002_cart --> shop.0003_cart
                                   ||                  ||
                              (run_before)             +=====> inventory.0002
                                   vv                              ^
    shop.0001_stock [stock] --> shop.0002_stock                    |
                                                                   |
    inventory.0001 ------------------------------------------------+
          ||
          +=====> shop.0002_ledger
                        ^
    shop.0001_ledger [ledger]
    """
    g = three_bases()
    assert error("shop@head", g) == (
        "'shop@head' is ambiguous: app 'shop' has 3 heads: shop.0003_cart [cart], "
        "shop.0002_ledger [ledger], shop.0002_stock [stock]. Use LABEL@head for one branch "
        "or shop@heads for all of them."
    )
    assert error(["stock@head", "cart@base"], g) == (
        "The targets contradict each other: shop.0001_cart, shop.0002_cart, shop.0002_stock "
        "would be both applied and unapplied. Run them separately."
    )
    assert error("shop@+1", g, applied(g)) == (
        "'shop@+1' is ambiguous: nothing of shop is applied and it has several bases: "
        "shop.0001_cart, shop.0001_ledger, shop.0001_stock. Name the migration to apply."
    )
    assert resolved("cart@+1", g, applied(g)) == ({"shop.0001_cart"}, set())
    everything = applied(g, *[dotted(k) for k in g.heads()])
    assert resolved("stock@-1", g, everything) == (set(), {"shop.0002_stock"})
    assert resolved("cart@-3", g, everything) == (
        set(),
        CART | {"shop.0002_stock", "inventory.0002"},
    )
    assert error("cart@-4", g, everything) == (
        "'cart@-4' walks past the base: cart has only 3 applied migrations up to "
        "shop.0003_cart on database 'default'."
    )
    assert error("shop@-1", g, everything) == (
        "'shop@-1' is ambiguous: shop is applied at several heads on database 'default': "
        "shop.0003_cart, shop.0002_ledger, shop.0002_stock. Name the migration to move from, "
        "e.g. shop.0003_cart-1."
    )


# Twin merges ---------------------------------------------------------------------------

TWIN_ALL = {"shop.0001", "shop.0002_a", "shop.0002_b", "shop.0003_m1", "shop.0003_m2", "shop.0004"}


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("shop@heads", TWIN_ALL, set()),
        ("east@head", TWIN_ALL - {"shop.0003_m2"}, set()),
        ("west@head", {"shop.0001", "shop.0002_a", "shop.0002_b", "shop.0003_m2"}, set()),
        ("east@base", set(), {"shop.0003_m1", "shop.0004"}),
        ("west@base", set(), {"shop.0003_m2"}),
        (
            "shop.0002_a",
            {"shop.0001", "shop.0002_a"},
            {"shop.0003_m1", "shop.0003_m2", "shop.0004"},
        ),
        ("east@shop.0002_a", {"shop.0001", "shop.0002_a"}, {"shop.0003_m1", "shop.0004"}),
        ("west@shop.0002_b", {"shop.0001", "shop.0002_b"}, {"shop.0003_m2"}),
        ("east@head-1", TWIN_ALL - {"shop.0003_m2", "shop.0004"}, {"shop.0004"}),
    ],
)
def test_twin_merges(target, forwards, backwards):
    """
                  +--> shop.0002_a --+--+--> shop.0003_m1 [east] --> shop.0004
    shop.0001 ----+                  |  |
                  +--> shop.0002_b --+--+--> shop.0003_m2 [west]
    """
    assert resolved(target, twin_merges()) == (forwards, backwards)


def test_twin_merges_errors_and_moves():
    """
                  +--> shop.0002_a --+--+--> shop.0003_m1 [east] --> shop.0004
    shop.0001 ----+                  |  |
                  +--> shop.0002_b --+--+--> shop.0003_m2 [west]
    """
    g = twin_merges()
    assert error("shop.0002_a+1", g) == (
        "'shop.0002_a+1' is an ambiguous walk: shop.0002_a is a branch point, so the walk "
        "could take shop.0003_m1 [east] or shop.0003_m2 [west]. Name the migration instead."
    )
    assert error("east@head-2", g) == (
        "'east@head-2' is an ambiguous walk: shop.0003_m1 is a merge point, so the walk could "
        "take shop.0002_a or shop.0002_b. Name the migration instead."
    )
    everything = applied(g, "shop.0004", "shop.0003_m2")
    assert resolved("east@-2", g, everything) == (set(), {"shop.0003_m1", "shop.0004"})
    assert resolved("west@-1", g, everything) == (set(), {"shop.0003_m2"})
    assert error("east@-3", g, everything) == (
        "'east@-3' walks past the base: east has only 2 applied migrations up to shop.0004 on "
        "database 'default'."
    )
    assert error("shop@-1", g, everything) == (
        "'shop@-1' is ambiguous: shop is applied at several heads on database 'default': "
        "shop.0003_m2, shop.0004. Name the migration to move from, e.g. shop.0003_m2-1."
    )


# A merge over independent bases, with a branch spliced off one merge parent -------------

SPLICED_ALL = {
    "shop.0001_a",
    "shop.0001_b",
    "shop.0002_a",
    "shop.0003_merge",
    "shop.0004",
    "shop.0003_side",
    "shop.0004_side",
}
SIDE = {"shop.0003_side", "shop.0004_side"}


@pytest.mark.parametrize(
    "target, forwards, backwards",
    [
        ("shop@base", set(), SPLICED_ALL),
        ("trunk@base", set(), {"shop.0001_b", "shop.0003_merge", "shop.0004"}),
        ("side@base", set(), SIDE),
        ("trunk@head", SPLICED_ALL - SIDE, set()),
        ("side@head", {"shop.0001_a", "shop.0002_a"} | SIDE, set()),
        ("shop.0001_b", {"shop.0001_b"}, {"shop.0003_merge", "shop.0004"}),
        ("shop.0002_a", {"shop.0001_a", "shop.0002_a"}, {"shop.0003_merge", "shop.0004"} | SIDE),
        ("trunk@shop.0002_a", {"shop.0001_a", "shop.0002_a"}, {"shop.0003_merge", "shop.0004"}),
        ("side@shop.0002_a", {"shop.0001_a", "shop.0002_a"}, SIDE),
        ("side@shop.0001_a", {"shop.0001_a"}, SIDE),
        ("shop.0004-1", SPLICED_ALL - SIDE - {"shop.0004"}, {"shop.0004"}),
        ("shop.0001_a+1", {"shop.0001_a", "shop.0002_a"}, {"shop.0003_merge", "shop.0004"} | SIDE),
    ],
)
def test_spliced_merge(target, forwards, backwards):
    """
    shop.0001_a --> shop.0002_a --+----------------> shop.0003_merge --> shop.0004
                                  |                        ^
    shop.0001_b [trunk] ----------|------------------------+
                                  |
                                  +--> shop.0003_side [side] --> shop.0004_side
    """
    assert resolved(target, spliced()) == (forwards, backwards)


def test_spliced_merge_errors_and_moves():
    """
    shop.0001_a --> shop.0002_a --+----------------> shop.0003_merge --> shop.0004
                                  |                        ^
    shop.0001_b [trunk] ----------|------------------------+
                                  |
                                  +--> shop.0003_side [side] --> shop.0004_side
    """
    g = spliced()
    assert error("shop.0004-2", g) == (
        "'shop.0004-2' is an ambiguous walk: shop.0003_merge is a merge point, so the walk "
        "could take shop.0001_b [trunk] or shop.0002_a. Name the migration instead."
    )
    assert error("shop.0001_a+2", g) == (
        "'shop.0001_a+2' is an ambiguous walk: shop.0002_a is a branch point, so the walk "
        "could take shop.0003_merge [trunk] or shop.0003_side [side]. Name the migration "
        "instead."
    )
    assert error("side@shop.0001_b", g) == (
        "shop.0001_b is not on branch 'side' or below it; 'side@shop.0001_b' names a "
        "migration the branch continues from."
    )
    # Within its scope, a walk down a merge point follows the branch and is not ambiguous.
    everything = applied(g, "shop.0004", "shop.0004_side")
    assert resolved("trunk@-1", g, everything) == (set(), {"shop.0004"})
    assert resolved("trunk@-3", g, everything) == (
        set(),
        {"shop.0001_b", "shop.0003_merge", "shop.0004"},
    )
    assert error("trunk@-4", g, everything) == (
        "'trunk@-4' walks past the base: trunk has only 3 applied migrations up to shop.0004 "
        "on database 'default'."
    )
    assert resolved("side@-2", g, everything) == (set(), SIDE)
    nothing = applied(g)
    assert resolved("trunk@+1", g, nothing) == ({"shop.0001_b"}, set())
    assert resolved("trunk@+2", g, nothing) == (SPLICED_ALL - SIDE - {"shop.0004"}, set())
    assert error("shop@+1", g, nothing) == (
        "'shop@+1' is ambiguous: nothing of shop is applied and it has several bases: "
        "shop.0001_a, shop.0001_b. Name the migration to apply."
    )


# A forest ------------------------------------------------------------------------------


def test_forest():
    """
    shop.0001_a --> shop.0002_a [alpha]
    shop.0001_b --> shop.0002_b [beta]
    payments.0001 --> payments.0002
    """
    g = forest()
    alpha = {"shop.0001_a", "shop.0002_a"}
    beta = {"shop.0001_b", "shop.0002_b"}
    assert resolved("alpha@head", g) == (alpha, set())
    assert resolved("alpha@base", g) == (set(), alpha)
    assert resolved("beta@head-1", g) == ({"shop.0001_b"}, {"shop.0002_b"})
    assert resolved("shop", g) == (alpha | beta, set())
    assert resolved("payments@head", g) == ({"payments.0001", "payments.0002"}, set())
    assert resolved(["alpha@head", "beta@base", "payments@base"], g) == (
        alpha,
        beta | {"payments.0001", "payments.0002"},
    )
    assert resolve_node("alpha@head", g) == ("shop", "0002_a")
    assert error("shop.0001", g) == (
        "Ambiguous migration 'shop.0001': it is a prefix of shop.0001_a, shop.0001_b. "
        "Use a longer prefix."
    )
    assert error("shop@head", g) == (
        "'shop@head' is ambiguous: app 'shop' has 2 heads: shop.0002_a [alpha], "
        "shop.0002_b [beta]. Use LABEL@head for one branch or shop@heads for all of them."
    )
    alpha_started = applied(g, "shop.0001_a")
    assert resolved("shop@+1", g, alpha_started) == (alpha, set())
    assert resolved("shop@-1", g, alpha_started) == (set(), alpha)
    assert resolved("beta@+1", g, alpha_started) == ({"shop.0001_b"}, set())
