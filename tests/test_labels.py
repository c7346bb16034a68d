"""Branch label validation, and reading labels from migrations and from settings.

Nothing here walks a graph: problems are collected with the file (or setting) they come from,
so that a malformed migration becomes a system-check error instead of a traceback.
"""

import pytest

from django_branchmig.labels import (
    RESERVED,
    SETTINGS_SOURCE,
    LabelProblem,
    declared_labels,
    label_error,
    settings_labels,
)

APPS = frozenset({"shop", "payments", "inventory"})
IDENTIFIER = "use an identifier ([A-Za-z_][A-Za-z0-9_]*)"


def test_reserved_words():
    assert set(RESERVED) == {"head", "heads", "base", "zero", "current"}


@pytest.mark.parametrize("label", ["billing", "_private", "B2B", "release_2024", "x"])
def test_valid_labels(label):
    assert label_error(label, APPS) is None


@pytest.mark.parametrize(
    "label, message",
    [
        ("bad-label", "'bad-label' is not a valid branch label: " + IDENTIFIER),
        ("2fast", "'2fast' is not a valid branch label: " + IDENTIFIER),
        ("", "'' is not a valid branch label: " + IDENTIFIER),
        ("with space", "'with space' is not a valid branch label: " + IDENTIFIER),
        ("billing@head", "'billing@head' is not a valid branch label: " + IDENTIFIER),
        ("shop.0001", "'shop.0001' is not a valid branch label: " + IDENTIFIER),
        ("billing+1", "'billing+1' is not a valid branch label: " + IDENTIFIER),
        # A trailing newline must not slip through a "$" anchor.
        ("billing\n", "'billing\\n' is not a valid branch label: " + IDENTIFIER),
        # Identifiers of the target language are ASCII.
        ("café", "'café' is not a valid branch label: " + IDENTIFIER),
        (3, "3 is not a valid branch label: " + IDENTIFIER),
        (None, "None is not a valid branch label: " + IDENTIFIER),
        (b"billing", "b'billing' is not a valid branch label: " + IDENTIFIER),
    ],
)
def test_invalid_identifiers(label, message):
    assert label_error(label, APPS) == message


@pytest.mark.parametrize("word", sorted(RESERVED))
def test_reserved_words_are_refused(word):
    assert label_error(word, APPS) == (
        "%r is a reserved word of the target language (base, current, head, heads, zero)" % word
    )


def test_reserved_words_are_case_sensitive():
    assert label_error("Head", APPS) is None


def test_app_labels_are_refused():
    assert label_error("payments", APPS) == (
        "'payments' is the label of an installed app; a branch label must differ from app labels"
    )
    # Only installed apps collide.
    assert label_error("payments", ["shop"]) is None


# declared_labels -----------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, (), []])
def test_no_labels(raw):
    assert declared_labels(("shop", "0001"), raw, "shop/0001.py", APPS) == ((), [])


def test_tuple_and_list_of_labels():
    key = ("shop", "0003")
    assert declared_labels(key, ("billing", "invoicing"), "f.py", APPS) == (
        ("billing", "invoicing"),
        [],
    )
    assert declared_labels(key, ["billing"], "f.py", APPS) == (("billing",), [])


def test_a_label_repeated_in_one_declaration_counts_once():
    assert declared_labels(("shop", "0003"), ("billing", "billing"), "f.py", APPS) == (
        ("billing",),
        [],
    )


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("billing", "str 'billing'"),
        ({"billing"}, "set {'billing'}"),
        (3, "int 3"),
        ({"billing": 1}, "dict {'billing': 1}"),
    ],
)
def test_branch_labels_must_be_a_tuple(raw, shown):
    key = ("shop", "0003")
    assert declared_labels(key, raw, "shop/migrations/0003_x.py", APPS) == (
        (),
        [
            LabelProblem(
                key,
                raw,
                "branch_labels must be a tuple of identifiers, not %s" % shown,
                "shop/migrations/0003_x.py",
            )
        ],
    )


def test_invalid_labels_are_dropped_and_valid_ones_kept():
    key = ("shop", "0003")
    valid, problems = declared_labels(
        key, ("billing", "bad-label", "heads", "payments", 3, "stock"), "f.py", APPS
    )
    assert valid == ("billing", "stock")
    assert problems == [
        LabelProblem(
            key, "bad-label", "'bad-label' is not a valid branch label: " + IDENTIFIER, "f.py"
        ),
        LabelProblem(
            key,
            "heads",
            "'heads' is a reserved word of the target language (base, current, head, heads, zero)",
            "f.py",
        ),
        LabelProblem(
            key,
            "payments",
            "'payments' is the label of an installed app; a branch label must differ from app "
            "labels",
            "f.py",
        ),
        LabelProblem(key, 3, "3 is not a valid branch label: " + IDENTIFIER, "f.py"),
    ]
    assert {problem.code for problem in problems} == {"E003"}


# settings_labels -----------------------------------------------------------------------

NODES = [("shop", "0001_initial"), ("thirdparty", "0004_x"), ("thirdparty", "0005_y")]


def test_settings_labels():
    labels, problems = settings_labels(
        {"thirdparty.0004_x": ("billing",), "thirdparty.0005_y": ["stock", "audit"]},
        NODES,
        APPS,
    )
    assert labels == {
        ("thirdparty", "0004_x"): ("billing",),
        ("thirdparty", "0005_y"): ("stock", "audit"),
    }
    assert problems == []


def test_empty_setting():
    assert settings_labels({}, NODES, APPS) == ({}, [])


@pytest.mark.parametrize("dotted", ["thirdparty.0009_nope", "thirdparty", "nope.0004_x", ""])
def test_settings_naming_no_migration(dotted):
    labels, problems = settings_labels({dotted: ("billing",)}, NODES, APPS)
    assert labels == {}
    assert problems == [
        LabelProblem(
            None,
            dotted,
            "%r names no migration; use 'app_label.migration_name'" % dotted,
            SETTINGS_SOURCE,
        )
    ]


def test_settings_name_the_full_migration_name_not_a_prefix():
    labels, problems = settings_labels({"thirdparty.0004": ("billing",)}, NODES, APPS)
    assert labels == {}
    assert [problem.message for problem in problems] == [
        "'thirdparty.0004' names no migration; use 'app_label.migration_name'"
    ]


def test_settings_with_malformed_and_invalid_labels():
    labels, problems = settings_labels(
        {"thirdparty.0004_x": "billing", "thirdparty.0005_y": ("ok", "base", "shop")},
        NODES,
        APPS,
    )
    assert labels == {("thirdparty", "0004_x"): (), ("thirdparty", "0005_y"): ("ok",)}
    assert problems == [
        LabelProblem(
            ("thirdparty", "0004_x"),
            "billing",
            "branch_labels must be a tuple of identifiers, not str 'billing'",
            SETTINGS_SOURCE,
        ),
        LabelProblem(
            ("thirdparty", "0005_y"),
            "base",
            "'base' is a reserved word of the target language (base, current, head, heads, zero)",
            SETTINGS_SOURCE,
        ),
        LabelProblem(
            ("thirdparty", "0005_y"),
            "shop",
            "'shop' is the label of an installed app; a branch label must differ from app labels",
            SETTINGS_SOURCE,
        ),
    ]
    assert SETTINGS_SOURCE == "settings.BRANCHMIG['BRANCH_LABELS']"
