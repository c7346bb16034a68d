r"""The migration-graph admin page and its JSON endpoints: who may see them, what they say.

Most tests use ``forked_labelled`` with shop applied up to ``0003_invoice``::

    shop:  0001_initial -> 0002_order -> 0003_invoice [billing] -> 0004_invoice_paid [billing]
                                    \-> 0003_order_note -------> 0004_order_status
           (applied: 0001_initial, 0002_order, 0003_invoice)
"""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from django_branchmig.admin import snapshot as snapshots
from django_branchmig.models import MigrationRun
from django_branchmig.render.data import graph_data
from django_branchmig.render.dot import to_dot
from django_branchmig.render.mermaid import to_mermaid
from django_branchmig.state import load_graph
from tests.utils import run_command

PAGE = "/admin/django_branchmig/migrationgraph/"
URLS = [
    PAGE,
    PAGE + "data/",
    PAGE + "node/?id=contenttypes.0001_initial",
    PAGE + "sql/?id=contenttypes.0001_initial",
    PAGE + "plan/?target=heads",
    PAGE + "export/dot/",
    PAGE + "export/mermaid/",
    PAGE + "export/json/",
]


@pytest.fixture(autouse=True)
def fresh_snapshots():
    snapshots.clear()
    yield
    snapshots.clear()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="pw", is_staff=True)


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="django_branchmig", codename="view_migrationgraph"
        )
    )
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="pw")


@pytest.fixture
def forked(scenario_db):
    scenario_db("forked_labelled")
    MigrationExecutor(connection).migrate([("shop", "0003_invoice")])


def embedded(response, element_id):
    match = re.search(
        r'<script id="%s" type="application/json">(.*?)</script>' % element_id,
        response.content.decode(),
        re.S,
    )
    assert match, element_id
    return json.loads(match.group(1))


# Who may see it --------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_index_lists_the_page(client, viewer):
    client.force_login(viewer)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b'<a href="/admin/django_branchmig/migrationgraph/">Migration graph</a>' in (
        response.content
    )
    assert b"/admin/django_branchmig/migrationgraph/add/" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/django_branchmig/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_staff_without_permission_is_refused(client, staff, url):
    client.force_login(staff)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("who", ["viewer", "superuser"])
def test_viewers_and_superusers_may_see(client, request, url, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_but_get(client, superuser, url, method):
    client.force_login(superuser)
    rows = MigrationRecorder.Migration.objects.count()
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert MigrationRecorder.Migration.objects.count() == rows
    assert MigrationRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["add/", "1/change/", "1/delete/", "1/history/"])
def test_no_add_change_or_delete_views(client, superuser, path):
    client.force_login(superuser)
    assert client.get(PAGE + path).status_code == 404


# The page ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "other"])
def test_page_embeds_layout_and_state(client, superuser, forked):
    client.force_login(superuser)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == [
        "django_branchmig/graph.html",
        "admin/base_site.html",
    ]
    content = response.content.decode()
    assert '<option value="default" selected>default</option>' in content
    assert '<option value="other">other</option>' in content
    assert '<script src="/static/django_branchmig/graph.js" defer></script>' in content
    data = embedded(response, "django-branchmig-data")
    shop = {n["id"]: (n["state"], n["marks"]) for n in data["nodes"] if n["id"].startswith("shop")}
    assert shop == {
        "shop.0001_initial": ("applied", ["base"]),
        "shop.0002_order": ("applied", ["branch_point"]),
        "shop.0003_invoice": ("applied", []),
        "shop.0004_invoice_paid": ("unapplied", ["head"]),
        "shop.0003_order_note": ("unapplied", []),
        "shop.0004_order_status": ("unapplied", ["head"]),
    }
    assert data["labels"] == ["billing"]
    config = embedded(response, "django-branchmig-config")
    assert config["database"] == "default"
    assert config["urls"]["plan"] == PAGE + "plan/"
    assert client.get(PAGE + "data/").json() == data


@pytest.mark.django_db(transaction=True, databases=["default", "other"])
def test_database_selector(client, superuser, forked):
    """The other database has applied nothing of shop."""
    client.force_login(superuser)
    data = embedded(client.get(PAGE + "?database=other"), "django-branchmig-data")
    assert data["database"] == "other"
    assert {n["state"] for n in data["nodes"] if n["id"].startswith("shop")} == {"unapplied"}
    assert client.get(PAGE + "?database=nope").status_code == 404


# Endpoints ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_node_details(client, superuser, forked):
    client.force_login(superuser)
    applied = MigrationRecorder(connection).applied_migrations()[("shop", "0003_invoice")]
    assert client.get(PAGE + "node/?id=shop.0003_invoice").json() == {
        "id": "shop.0003_invoice",
        "app": "shop",
        "name": "0003_invoice",
        "labels": ["billing"],
        "declared_labels": ["billing"],
        "head": False,
        "base": False,
        "branch_point": False,
        "merge_point": False,
        "applied": True,
        "applied_at": applied.applied.isoformat(),
        "ghost": False,
        "parents": ["shop.0002_order"],
        "dependencies": [],
        "children": ["shop.0004_invoice_paid"],
        "dependants": [],
        "operations": ["Create model Invoice"],
    }
    assert client.get(PAGE + "node/?id=shop.0009_nope").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_node_sql_is_branchmigrate_sql(client, superuser, forked):
    """Unapplied: the SQL of applying it; applied: of unapplying it."""
    client.force_login(superuser)
    forwards = client.get(PAGE + "sql/?id=shop.0003_order_note").json()
    assert forwards == {
        "id": "shop.0003_order_note",
        "backwards": False,
        "sql": run_command("branchmigrate", "shop.0003_order_note", "--sql")[0],
    }
    backwards = client.get(PAGE + "sql/?id=shop.0003_invoice").json()
    assert backwards == {
        "id": "shop.0003_invoice",
        "backwards": True,
        "sql": run_command("branchmigrate", "billing@shop.0002", "--sql")[0],
    }
    assert "-- Unapply shop.0003_invoice [billing]" in backwards["sql"]


def command_plan(*targets):
    out, err, code = run_command("branchmigrate", *targets, "--plan")
    assert code == 0, err
    steps = re.findall(r"^(Apply|Unapply) (\S+)", out, re.M)
    return {
        "targets": list(targets),
        "backwards": [key for verb, key in steps if verb == "Unapply"],
        "forwards": [key for verb, key in steps if verb == "Apply"],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "targets",
    [
        ["heads"],
        ["billing@head"],
        ["shop.0003_order_note"],
        ["shop.0002_order"],
        ["billing@base"],
        ["shop@base"],
        ["billing@-1", "shop.0004_order_status"],
    ],
)
def test_plan_is_branchmigrate_plan(client, superuser, forked, targets):
    client.force_login(superuser)
    response = client.get(PAGE + "plan/", {"target": " ".join(targets)})
    assert response.status_code == 200
    assert response.json() == command_plan(*targets)


@pytest.mark.django_db(transaction=True)
def test_plan_example(client, superuser, forked):
    client.force_login(superuser)
    assert client.get(PAGE + "plan/?target=shop.0002_order").json() == {
        "targets": ["shop.0002_order"],
        "backwards": ["shop.0003_invoice"],
        "forwards": [],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["shop@head", "nope@head", "shop.0003", "shop.0001_initial-1"])
def test_plan_errors_are_the_command_errors(client, superuser, forked, target):
    client.force_login(superuser)
    response = client.get(PAGE + "plan/", {"target": target})
    _, err, code = run_command("branchmigrate", target, "--plan")
    assert code == 2
    assert response.status_code == 400
    assert response.json() == {"targets": [target], "error": err[len("CommandError: ") : -1]}


@pytest.mark.django_db
def test_plan_refuses_conflicts_as_the_command_does(client, superuser, scenario):
    scenario("forked_unlabelled")
    client.force_login(superuser)
    response = client.get(PAGE + "plan/?target=heads")
    _, err, code = run_command("branchmigrate", "heads", "--plan")
    assert code == 1
    assert response.json()["error"] == err[len("CommandError: ") : -1]
    assert response.json()["error"].startswith("Conflicting migrations detected;")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "format, render, content_type",
    [
        ("dot", to_dot, "text/vnd.graphviz; charset=utf-8"),
        ("mermaid", to_mermaid, "text/plain; charset=utf-8"),
    ],
)
def test_text_exports(client, superuser, forked, format, render, content_type):
    client.force_login(superuser)
    response = client.get(PAGE + "export/%s/" % format)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.content.decode() == render(*load_graph("default"))


@pytest.mark.django_db(transaction=True)
def test_json_export(client, superuser, forked):
    client.force_login(superuser)
    response = client.get(PAGE + "export/json/?database=default")
    assert response.json() == graph_data(*load_graph("default"))
    assert client.get(PAGE + "export/svg/").status_code == 404


# Escaping ----------------------------------------------------------------------------------

NAME = "0002_<script>alert(1)</script>"
LABEL = "</script><img src=x onerror=alert(2)>"
DESCRIPTION = '<b onmouseover="alert(3)">Raw SQL</b> & more'


class Operation:
    def describe(self):
        return DESCRIPTION


class Migration:
    operations = [Operation()]


def markup_snapshot(alias="default"):
    r"""
    sh<op&:  0001 -> 0002_<script>alert(1)</script> [</script><img ...>]

    Names and labels that Django would never load, built in memory: the page must
    carry them as text, whatever they hold.
    """
    from django_branchmig.graph import PARENT, BranchGraph
    from django_branchmig.state import AppliedState

    first, second = ("sh<op&", "0001"), ("sh<op&", NAME)
    graph = BranchGraph(
        [(first, second, PARENT)],
        [first, second],
        {second: (LABEL,)},
        migrations={second: Migration()},
    )
    snapshot = snapshots.Snapshot(alias, {}, {})
    return snapshots.with_graph(snapshot, graph, AppliedState(alias, {first: None}))


@pytest.mark.django_db
def test_names_and_labels_are_escaped(client, superuser, monkeypatch):
    monkeypatch.setattr("django_branchmig.admin.graph.get_snapshot", markup_snapshot)
    client.force_login(superuser)
    content = client.get(PAGE).content.decode()
    for raw in ("<script>alert", "<img", "sh<op&", "onerror=alert(2)>"):
        assert raw not in content
    assert "0002_\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E" in content
    assert "\\u003C/script\\u003E\\u003Cimg src=x onerror=alert(2)\\u003E" in content
    assert "sh\\u003Cop\\u0026.0001" in content
    data = embedded(client.get(PAGE), "django-branchmig-data")
    assert [n["id"] for n in data["nodes"]] == ["sh<op&.0001", "sh<op&." + NAME]
    assert data["labels"] == [LABEL]


@pytest.mark.django_db
def test_markup_in_details_stays_data(client, superuser, monkeypatch):
    monkeypatch.setattr("django_branchmig.admin.views.get_snapshot", markup_snapshot)
    client.force_login(superuser)
    response = client.get(PAGE + "node/", {"id": "sh<op&." + NAME})
    assert response["Content-Type"] == "application/json"
    assert response.json()["operations"] == [DESCRIPTION]
    assert response.json()["labels"] == [LABEL]
