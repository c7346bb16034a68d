"""Our extensions combine with another app's overrides of the same commands (SPEC section 7).

``tests/apps/otherovr`` overrides ``makemigrations`` and ``squashmigrations`` the way
django-linear-migrations does (they record the newest migration in ``max_migration.txt``) and
``migrate`` the way django-syzygy does (an extra option). A project combines them in its own
app, our mixin first::

    class Command(BranchMakemigrationsMixin, OtherAppCommand):
        pass
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from django_branchmig.management.mixins import (
    BranchMakemigrationsMixin,
    BranchSquashmigrationsMixin,
    ConflictHintMixin,
)
from django_branchmig.policy import CONFLICT_HINT
from tests.apps.otherovr.management.commands.makemigrations import (
    Command as OtherMakemigrationsCommand,
)
from tests.apps.otherovr.management.commands.migrate import Command as OtherMigrateCommand
from tests.apps.otherovr.management.commands.squashmigrations import (
    Command as OtherSquashmigrationsCommand,
)
from tests.apps.store.project import copy_scenario, installer
from tests.utils import run_command


class MakemigrationsCommand(BranchMakemigrationsMixin, OtherMakemigrationsCommand):
    """What a project writes in yourapp/management/commands/makemigrations.py."""


class SquashmigrationsCommand(BranchSquashmigrationsMixin, OtherSquashmigrationsCommand):
    """What a project writes in yourapp/management/commands/squashmigrations.py."""


class MigrateCommand(ConflictHintMixin, OtherMigrateCommand):
    """What a project writes in yourapp/management/commands/migrate.py."""


@pytest.fixture
def store(migration_package, request):
    install, finish = installer(migration_package, request)
    yield install
    finish()


@pytest.fixture
def copied(migration_package):
    """Return a function that copies a scenario into a temporary package and selects it."""
    overrides = []

    def copy(name: str) -> Path:
        override, root = copy_scenario(migration_package, name)
        override.enable()
        overrides.append(override)
        return root

    yield copy
    for override in reversed(overrides):
        override.disable()


def test_our_commands_are_the_mixins_on_djangos():
    commands = get_commands()
    for name, mixin in [
        ("makemigrations", BranchMakemigrationsMixin),
        ("squashmigrations", BranchSquashmigrationsMixin),
        ("migrate", ConflictHintMixin),
    ]:
        assert commands[name] == "django_branchmig"
        assert isinstance(load_command_class("django_branchmig", name), mixin)


# makemigrations ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_makemigrations_head_with_the_other_apps_hook(store):
    """The other app's hook sees the migration where --head put it: 0005, not Django's 0004."""
    project = store("store_forked")
    out, err, returncode = run_command(MakemigrationsCommand(), "store", "--head", "billing@head")
    assert (err, returncode) == ("", 0)
    assert out == (
        "Migrations for 'store':\n"
        "  %s/store/0005_receipt.py\n"
        "    + Create model Receipt\n"
        "max_migration.txt: store.0005_receipt\n" % project.root
    )
    assert (project.root / "store" / "max_migration.txt").read_text() == "0005_receipt\n"


@pytest.mark.django_db
def test_makemigrations_branch_label_with_the_other_apps_hook(store):
    project = store("store_forked")
    out, err, returncode = run_command(
        MakemigrationsCommand(),
        "store",
        "--head",
        "store.0003_order_note",
        "--branch-label",
        "receipts",
    )
    assert (err, returncode) == ("", 0)
    assert "max_migration.txt: store.0004_receipt\n" in out
    assert "Added dependency on store.0003_invoice (branch billing)" in out
    assert "    branch_labels = ('receipts',)\n" in project.read("0004_receipt")


@pytest.mark.django_db
def test_makemigrations_refusal_stops_the_other_apps_hook(store):
    project = store("store_forked")
    out, err, returncode = run_command(MakemigrationsCommand(), "store")
    assert (out, returncode) == ("", 2)
    assert err.startswith("CommandError: App 'store' has 2 heads")
    assert not (project.root / "store" / "max_migration.txt").exists()


# squashmigrations -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_squash_keeps_labels_with_the_other_apps_hook(copied):
    """The other app watches ``MigrationWriter.as_string``; our writer goes through it."""
    root = copied("forked_labelled")
    out, err, returncode = run_command(
        SquashmigrationsCommand(), "shop", "0003_invoice", "0004_invoice_paid", "--noinput"
    )
    assert (err, returncode) == ("", 0)
    name = "0003_invoice_squashed_0004_invoice_paid"
    assert "    branch_labels = ('billing',)\n" in (root / "shop" / ("%s.py" % name)).read_text()
    assert out.endswith(
        "max_migration.txt: %s\n"
        "  It keeps the branch labels of the migrations it replaces: billing.\n" % name
    )
    assert (root / "shop" / "max_migration.txt").read_text() == name + "\n"


@pytest.mark.django_db
def test_squash_refusal_stops_the_other_apps_hook(copied):
    root = copied("forked_labelled")
    out, err, returncode = run_command(
        SquashmigrationsCommand(), "shop", "0004_invoice_paid", "--noinput"
    )
    assert (out, returncode) == ("", 1)
    assert err.startswith("CommandError: Cannot squash shop.0001_initial to shop.0004_invoice")
    assert not (root / "shop" / "max_migration.txt").exists()


# migrate ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_migrate_option_and_conflict_hint_together(copied):
    copied("forked_unlabelled")
    out, err, returncode = run_command(MigrateCommand(), "shop", "--pre-deploy", "--noinput")
    assert (out, returncode) == ("Pre-deploy stage\n", 1)
    assert err.startswith("CommandError: Conflicting migrations detected")
    assert err.endswith("'python manage.py makemigrations --merge'\n%s\n" % CONFLICT_HINT)


@pytest.mark.django_db
def test_migrate_option_with_labelled_heads(copied):
    copied("forked_labelled")
    out, err, returncode = run_command(MigrateCommand(), "shop", "--pre-deploy", "--plan")
    assert (err, returncode) == ("", 0)
    assert out.startswith("Pre-deploy stage\nPlanned operations:\n")
    assert "shop.0004_invoice_paid" in out
    assert "shop.0004_order_status" in out
