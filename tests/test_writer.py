"""The writer keeps branch_labels, which Django's MigrationWriter drops."""

from __future__ import annotations

from django.db import migrations, models

from django_branchmig.writer import BranchMigrationWriter


def written(labels):
    class Migration(migrations.Migration):
        dependencies = [("shop", "0002_order")]
        operations = [migrations.AddField("order", "note", models.TextField(default=""))]

    migration = Migration("0003_note", "shop")
    if labels is not None:
        migration.branch_labels = labels
    source = BranchMigrationWriter(migration).as_string()
    namespace: dict = {}
    exec(compile(source, "0003_note.py", "exec"), namespace)
    return source, namespace["Migration"]


def test_labels_are_written_and_read_back():
    source, written_class = written(("billing", "invoicing"))
    assert written_class.branch_labels == ("billing", "invoicing")
    assert (
        "class Migration(migrations.Migration):\n"
        "    branch_labels = ('billing', 'invoicing')\n"
        "\n"
        "    dependencies = [\n"
    ) in source


def test_without_labels_the_file_is_djangos():
    source, written_class = written(None)
    assert not hasattr(written_class, "branch_labels")
    assert "branch_labels" not in source
