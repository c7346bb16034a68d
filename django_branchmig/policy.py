"""Django's conflict policy, narrowed to SPEC section 2.

Django calls any second leaf node of an app a conflict, in ``migrate``,
``makemigrations`` and the test runner alike, all through
``MigrationLoader.detect_conflicts``. Wrapping that one method is the
smallest change that lets labelled heads coexist everywhere those commands
run, including under other apps' overrides of them; the setting
``BRANCHMIG["CONFLICT_POLICY"] = "django"`` turns it off.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.loader import MigrationLoader

from .conf import branchmig_setting
from .graph import BranchGraph

_django_detect_conflicts = MigrationLoader.detect_conflicts

CONFLICT_HINT = (
    "Several heads in one app may coexist when their branch labels differ. Either label "
    "one branch (add branch_labels = ('name',) to its first migration, or name that "
    "migration in BRANCHMIG['BRANCH_LABELS']), or merge the heads with "
    "'python manage.py branchmerge APP.HEAD APP.HEAD'."
)


def detect_conflicts(loader: MigrationLoader) -> dict[str, list[str]]:
    """Report only heads of one app that carry the same labels."""
    conflicts: dict[str, list[str]] = _django_detect_conflicts(loader)
    if not conflicts or branchmig_setting("CONFLICT_POLICY") == "django":
        return conflicts
    graph = BranchGraph.from_loader(loader)
    return {
        app_label: sorted(name for group in groups for _, name in group)
        for app_label, groups in graph.conflicts().items()
    }


def install() -> None:
    """Route ``MigrationLoader.detect_conflicts`` through the label-aware policy."""
    loader_class: Any = MigrationLoader
    loader_class.detect_conflicts = detect_conflicts


def uninstall() -> None:
    """Restore Django's own ``detect_conflicts``."""
    loader_class: Any = MigrationLoader
    loader_class.detect_conflicts = _django_detect_conflicts
