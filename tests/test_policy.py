"""SPEC section 7: Django's conflict policy narrowed to heads with identical labels."""

from __future__ import annotations

import pytest
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from django_branchmig.policy import CONFLICT_HINT
from tests.utils import run_command

DJANGO_MESSAGE = (
    "Conflicting migrations detected; multiple leaf nodes in the migration graph: "
    "(0004_invoice_paid, 0004_order_status in shop).\n"
    "To fix them run 'python manage.py makemigrations --merge'"
)


def conflicts() -> dict[str, list[str]]:
    return MigrationLoader(None, ignore_no_migrations=True).detect_conflicts()


def test_labelled_heads_are_not_a_conflict(scenario):
    """
    0001 -- 0002 -- 0003_invoice [billing] -- 0004_invoice_paid
                \\
                 -- 0003_order_note -- 0004_order_status
    """
    scenario("forked_labelled")
    assert conflicts() == {}


def test_unlabelled_heads_are_still_a_conflict(scenario):
    scenario("forked_unlabelled")
    assert conflicts() == {"shop": ["0004_invoice_paid", "0004_order_status"]}


def test_setting_restores_djangos_policy(scenario):
    scenario("forked_labelled")
    with override_settings(BRANCHMIG={"CONFLICT_POLICY": "django"}):
        assert conflicts() == {"shop": ["0004_invoice_paid", "0004_order_status"]}


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["migrate", "makemigrations"])
def test_conflict_message_is_djangos_plus_the_hint(scenario, command):
    scenario("forked_unlabelled")
    out, err, returncode = run_command(command, "shop", "--noinput")
    assert returncode == 1
    assert err == "CommandError: %s\n%s\n" % (DJANGO_MESSAGE, CONFLICT_HINT)


@pytest.mark.django_db
def test_migrate_plan_accepts_labelled_heads(scenario):
    scenario("forked_labelled")
    out, err, returncode = run_command("migrate", "shop", "--plan")
    assert (returncode, err) == (0, "")
    assert "shop.0004_invoice_paid" in out
    assert "shop.0004_order_status" in out
