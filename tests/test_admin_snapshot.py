"""The graph page's cache: one snapshot per database, rebuilt when a file or a row changes."""

import os

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from django_branchmig.admin import snapshot as snapshots

INITIAL = """
    from django.db import migrations

    class Migration(migrations.Migration):
        initial = True
        operations = []
"""
SECOND = """
    from django.db import migrations

    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = []
"""


@pytest.fixture
def shop_package(migration_package):
    """Select a temporary migrations package for shop; return its directory and name."""
    package = migration_package({"0001_initial.py": INITIAL})
    module = __import__(package)
    override = override_settings(
        MIGRATION_MODULES={"shop": package, "payments": None, "inventory": None}
    )
    override.enable()
    snapshots.clear()
    yield os.path.dirname(module.__file__), package
    override.disable()
    snapshots.clear()


def shop_nodes(snapshot):
    return [key for key in snapshot.graph.nodes if key[0] == "shop"]


@pytest.mark.django_db
def test_unchanged_files_and_rows_reuse_the_snapshot(shop_package):
    first = snapshots.get_snapshot("default")
    assert snapshots.get_snapshot("default") is first
    assert shop_nodes(first) == [("shop", "0001_initial")]


@pytest.mark.django_db
def test_a_new_migration_file_rebuilds(shop_package):
    directory, _ = shop_package
    first = snapshots.get_snapshot("default")
    with open(os.path.join(directory, "0002_second.py"), "w") as handle:
        handle.write(SECOND.replace("\n    ", "\n"))
    second = snapshots.get_snapshot("default")
    assert second is not first
    assert shop_nodes(second) == [("shop", "0001_initial"), ("shop", "0002_second")]


@pytest.mark.django_db
def test_an_edited_migration_file_is_read_again(shop_package):
    """Django imports a migration module once per process; the page reads the new file."""
    directory, _ = shop_package
    path = os.path.join(directory, "0001_initial.py")
    first = snapshots.get_snapshot("default")
    assert first.graph.labels(("shop", "0001_initial")) == frozenset()
    with open(path) as handle:
        source = handle.read()
    with open(path, "w") as handle:
        handle.write(
            source.replace("initial = True", "initial = True\n    branch_labels = ('billing',)")
        )
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = snapshots.get_snapshot("default")
    assert second is not first
    assert second.graph.labels(("shop", "0001_initial")) == frozenset({"billing"})


@pytest.mark.django_db
def test_a_recorded_row_rebuilds(shop_package):
    first = snapshots.get_snapshot("default")
    assert ("shop", "0001_initial") not in first.state.applied
    MigrationRecorder(first.loader.connection).record_applied("shop", "0001_initial")
    second = snapshots.get_snapshot("default")
    assert second is not first
    assert ("shop", "0001_initial") in second.state.applied
    assert '"state":"applied"' in second.payload


@pytest.mark.django_db(databases=["default", "other"])
def test_one_snapshot_per_database(shop_package):
    default = snapshots.get_snapshot("default")
    other = snapshots.get_snapshot("other")
    assert (default.alias, other.alias) == ("default", "other")
    assert snapshots.get_snapshot("default") is default


@pytest.mark.django_db
def test_a_broken_graph_is_reported(migration_package, admin_client):
    """The page says what ``branchgraph`` would say; the endpoints have nothing to serve."""
    package = migration_package({"0001_initial.py": SECOND.replace("0001_initial", "0000_gone")})
    message = (
        "The migration graph cannot be loaded: Migration shop.0001_initial dependencies "
        "reference nonexistent parent node (&#x27;shop&#x27;, &#x27;0000_gone&#x27;)"
    )
    modules = {"shop": package, "payments": None, "inventory": None}
    with override_settings(MIGRATION_MODULES=modules):
        snapshots.clear()
        assert snapshots.get_snapshot("default").graph is None
        page = admin_client.get("/admin/django_branchmig/migrationgraph/")
        data = admin_client.get("/admin/django_branchmig/migrationgraph/data/")
    snapshots.clear()
    assert page.status_code == 200
    assert '<p class="errornote djbm-load-error">%s</p>' % message in page.content.decode()
    assert data.status_code == 404
