"""System checks branchmig.E001-E004: malformed input is an error naming the file."""

from __future__ import annotations

from pathlib import Path

from django.test import override_settings

from django_branchmig.checks import HINTS, check_branch_graph
from tests.utils import run_command

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def messages():
    return [(error.id, error.msg, error.hint) for error in check_branch_graph()]


def source(scenario: str, name: str) -> str:
    return str(SCENARIOS / scenario / "shop" / ("%s.py" % name))


def test_clean_graph_has_no_errors(scenario):
    scenario("forked_labelled")
    assert messages() == []


def test_e001_unlabelled_heads(scenario):
    scenario("forked_unlabelled")
    assert messages() == [
        (
            "branchmig.E001",
            "Conflicting migrations in app 'shop': heads shop.0004_invoice_paid, "
            "shop.0004_order_status carry the same branch labels (none).",
            HINTS["E001"],
        )
    ]


def test_e002_label_declared_twice(scenario):
    """Both heads then carry {billing}: that is also a conflict (E001)."""
    scenario("duplicate_label")
    assert [m for m in messages() if m[0] == "branchmig.E002"] == [
        (
            "branchmig.E002",
            "shop.0002_b (%s): branch label 'billing' is declared twice in app 'shop': by "
            "shop.0002_a and shop.0002_b" % source("duplicate_label", "0002_b"),
            HINTS["E002"],
        )
    ]
    assert [m[0] for m in messages()] == ["branchmig.E002", "branchmig.E001"]


def test_e003_labels_that_are_not_a_tuple_of_identifiers(scenario):
    scenario("bad_label_type")
    assert messages() == [
        (
            "branchmig.E003",
            "shop.0001_initial (%s): branch_labels must be a tuple of identifiers, not str "
            "'billing'" % source("bad_label_type", "0001_initial"),
            HINTS["E003"],
        ),
        (
            "branchmig.E003",
            "shop.0002_order (%s): 3 is not a valid branch label: use an identifier "
            "([A-Za-z_][A-Za-z0-9_]*)" % source("bad_label_type", "0002_order"),
            HINTS["E003"],
        ),
    ]


def test_e003_app_label_and_reserved_word(scenario):
    scenario("label_is_app_label")
    found = {msg for code, msg, _ in messages() if code == "branchmig.E003"}
    assert found == {
        "shop.0002_order (%s): 'payments' is the label of an installed app; a branch label "
        "must differ from app labels" % source("label_is_app_label", "0002_order"),
        "shop.0002_note (%s): 'head' is a reserved word of the target language "
        "(base, current, head, heads, zero)" % source("label_is_app_label", "0002_note"),
    }


def test_e003_not_an_identifier(scenario):
    scenario("invalid_identifier")
    assert [msg for _, msg, _ in messages()] == [
        "shop.0001_initial (%s): 'bad-label' is not a valid branch label: use an identifier "
        "([A-Za-z_][A-Za-z0-9_]*)" % source("invalid_identifier", "0001_initial")
    ]


def test_e003_settings_label_for_unknown_migration(scenario):
    scenario("linear")
    with override_settings(BRANCHMIG={"BRANCH_LABELS": {"shop.0009_nope": ("billing",)}}):
        assert [msg for _, msg, _ in messages()] == [
            "BRANCHMIG['BRANCH_LABELS'] (settings.BRANCHMIG['BRANCH_LABELS']): "
            "'shop.0009_nope' names no migration; use 'app_label.migration_name'"
        ]


def test_settings_labels_resolve_a_conflict(scenario):
    scenario("forked_unlabelled")
    with override_settings(BRANCHMIG={"BRANCH_LABELS": {"shop.0003_invoice": ("billing",)}}):
        assert messages() == []


def test_e004_missing_parent_names_the_file(scenario):
    scenario("missing_parent")
    ((code, msg, hint),) = messages()
    assert code == "branchmig.E004"
    assert msg == (
        "The migration graph cannot be loaded: Migration shop.0002_order dependencies "
        "reference nonexistent parent node ('shop', '0001_missing') (%s)"
        % source("missing_parent", "0002_order")
    )


def test_e004_cycle_names_the_files(scenario):
    scenario("cycle")
    ((code, msg, hint),) = messages()
    assert code == "branchmig.E004"
    assert msg.startswith("The migration graph has a cycle: ")
    assert source("cycle", "0001_initial") in msg
    assert source("cycle", "0002_b") in msg


def test_e004_self_dependency(scenario):
    scenario("self_dependency")
    ((code, msg, hint),) = messages()
    assert code == "branchmig.E004"
    assert source("self_dependency", "0001_initial") in msg


def test_check_command_reports_instead_of_a_traceback(scenario):
    scenario("bad_label_type")
    out, err, returncode = run_command("check")
    assert returncode == 1
    assert "branchmig.E003" in err
    assert "Traceback" not in err
