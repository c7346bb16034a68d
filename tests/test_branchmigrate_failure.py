"""A migration that raises midway: the report, the recorded state, and the rerun."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tests.utils import run_command, unapply_scenario_apps

pytestmark = pytest.mark.django_db(transaction=True)

INITIAL = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        operations = [
            migrations.CreateModel(
                "Product", [("id", models.BigAutoField(primary_key=True))]
            ),
        ]
"""
FLAKY = """
    from django.db import migrations, models


    def boom(apps, schema_editor):
        raise RuntimeError("boom")


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [
            migrations.CreateModel("Flag", [("id", models.BigAutoField(primary_key=True))]),
            migrations.RunPython(boom),
        ]
"""
FIXED = FLAKY.replace("migrations.RunPython(boom),", "")
AFTER = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("shop", "0002_flaky")]
        operations = [
            migrations.AddField("product", "name", models.CharField(max_length=10, default="")),
        ]
"""


@pytest.fixture
def flaky(migration_package, settings):
    package = migration_package(
        {"0001_initial.py": INITIAL, "0002_flaky.py": FLAKY, "0003_after.py": AFTER}
    )
    settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "shop": package}
    yield package
    unapply_scenario_apps("default")


def applied() -> list[str]:
    return sorted(n for a, n in MigrationRecorder(connection).applied_migrations() if a == "shop")


def fix(package: str) -> None:
    module = sys.modules[package]
    (Path(module.__file__).parent / "0002_flaky.py").write_text(
        __import__("textwrap").dedent(FIXED)
    )
    sys.modules.pop("%s.0002_flaky" % package, None)


def test_failure_is_reported_and_recorded_state_stays_true(flaky):
    out, err, code = run_command("branchmigrate", interactive=False)
    assert code == 1
    assert "  Applying shop.0002_flaky... FAILED\n" in out
    lines = err.splitlines()
    assert lines[0] == "CommandError: Applying shop.0002_flaky failed: RuntimeError: boom"
    assert lines[-3:] == [
        "Done before the failure: shop.0001_initial",
        "Not run: shop.0003_after",
        "Fix the migration, then run branchmigrate again to complete the plan.",
    ]
    assert applied() == ["0001_initial"]
    tables = set(connection.introspection.table_names())
    if connection.features.can_rollback_ddl:
        assert lines[1] == (
            "  Its changes were rolled back and it is recorded as not applied, as before."
        )
        assert "shop_flag" not in tables
    else:
        assert lines[1].startswith(
            "  shop.0002_flaky may be half-applied: %s cannot roll back schema changes"
            % connection.display_name
        )
        assert "shop_flag" in tables  # What the report warns about.
        with connection.schema_editor() as editor:
            editor.execute(editor.sql_delete_table % {"table": editor.quote_name("shop_flag")})

    fix(flaky)
    out, err, code = run_command("branchmigrate", interactive=False)
    assert (code, err) == (0, "")
    assert applied() == ["0001_initial", "0002_flaky", "0003_after"]
    assert "shop_flag" in connection.introspection.table_names()
