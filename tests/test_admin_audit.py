"""The audit log in the admin: readable with the view permission, changeable by nobody."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from django_branchmig.models import MigrationRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def run() -> MigrationRun:
    run = MigrationRun.objects.create(
        started="2026-03-04T05:06:07Z",
        finished="2026-03-04T05:06:09Z",
        database="default",
        targets="<script>alert(1)</script> billing@head",
        os_user="deploy",
        host="web-1",
        pid=99,
        outcome="failed",
        error="Applying shop.0002 failed: <b>boom</b>",
    )
    run.steps.create(position=1, app_label="shop", name="0001_initial", outcome="applied")
    run.steps.create(position=2, app_label="shop", name="0002_<i>x</i>", outcome="failed")
    return run


def staff(client, *permissions: str) -> None:
    user = User.objects.create_user("staff", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="django_branchmig", codename__in=permissions
        )
    )
    client.force_login(user)


def urls(run: MigrationRun) -> dict[str, str]:
    return {
        "changelist": reverse("admin:django_branchmig_migrationrun_changelist"),
        "add": reverse("admin:django_branchmig_migrationrun_add"),
        "change": reverse("admin:django_branchmig_migrationrun_change", args=[run.pk]),
        "delete": reverse("admin:django_branchmig_migrationrun_delete", args=[run.pk]),
    }


def test_superuser_reads_the_log_escaped(admin_client, run):
    page = admin_client.get(urls(run)["changelist"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; billing@head" in html
    assert "<script>alert(1)" not in html
    assert "web-1" in html and "deploy" in html
    detail = admin_client.get(urls(run)["change"]).content.decode()
    assert "shop.0002_&lt;i&gt;x&lt;/i&gt;" in detail
    assert "&lt;b&gt;boom&lt;/b&gt;" in detail
    assert 'name="_save"' not in detail  # Read-only: no save button.


@pytest.mark.parametrize("view", ["add", "delete"])
def test_nobody_adds_or_deletes_not_even_a_superuser(admin_client, run, view):
    assert admin_client.get(urls(run)[view]).status_code == 403
    assert admin_client.post(urls(run)[view], {"post": "yes"}).status_code == 403
    assert MigrationRun.objects.filter(pk=run.pk, outcome="failed").exists()


def test_nobody_changes_a_run(admin_client, run):
    response = admin_client.post(urls(run)["change"], {"outcome": "succeeded", "error": ""})
    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.outcome, run.error) == ("failed", "Applying shop.0002 failed: <b>boom</b>")


def test_bulk_delete_action_is_not_offered(admin_client, run):
    html = admin_client.get(urls(run)["changelist"]).content.decode()
    assert "delete_selected" not in html


def test_staff_without_the_view_permission_is_refused(client, run):
    staff(client)
    for view in ("changelist", "change"):
        assert client.get(urls(run)[view]).status_code == 403


def test_staff_with_the_view_permission_reads_but_cannot_change(client, run):
    staff(client, "view_migrationrun", "change_migrationrun", "delete_migrationrun")
    assert client.get(urls(run)["changelist"]).status_code == 200
    assert client.get(urls(run)["change"]).status_code == 200
    assert client.post(urls(run)["change"], {"outcome": "succeeded"}).status_code == 403
    assert client.get(urls(run)["delete"]).status_code == 403
    assert client.get(urls(run)["add"]).status_code == 403


def test_changelist_filters_by_database_outcome_and_date(admin_client, run):
    MigrationRun.objects.create(started="2026-03-05T00:00:00Z", database="other", host="db-9")
    page = admin_client.get(urls(run)["changelist"], {"database": "other"})
    html = page.content.decode()
    assert "db-9" in html and "web-1" not in html
    page = admin_client.get(urls(run)["changelist"], {"outcome": "failed"})
    html = page.content.decode()
    assert "web-1" in html and "db-9" not in html
    page = admin_client.get(
        urls(run)["changelist"],
        {"started__gte": "2026-03-05 00:00:00+00:00", "started__lt": "2026-03-06 00:00:00+00:00"},
    )
    html = page.content.decode()
    assert "db-9" in html and "web-1" not in html
