"""The read-only audit log of ``branchmigrate`` runs.

A log that can be edited proves nothing, so nobody may add, change or delete a run or a step
here, superusers included; staff with ``django_branchmig.view_migrationrun`` may read it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from ..models import MigrationRun, MigrationRunStep


class ReadOnly:
    """Refuse every change; leave viewing to the model's view permission."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MigrationRunStepInline(ReadOnly, admin.TabularInline):
    model = MigrationRunStep
    fields = ("position", "migration", "backwards", "outcome", "duration", "error")
    readonly_fields = fields
    ordering = ("position",)
    extra = 0
    can_delete = False

    @admin.display(description="migration")
    def migration(self, step: MigrationRunStep) -> str:
        return "%s.%s" % (step.app_label, step.name)


@admin.register(MigrationRun)
class MigrationRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "started",
        "database",
        "outcome",
        "targets",
        "fake",
        "os_user",
        "host",
        "step_count",
        "finished",
    )
    # A date filter, not date_hierarchy: the hierarchy truncates dates in SQL, which on MySQL and
    # MariaDB with USE_TZ needs time zone tables that many servers lack; the filter compares.
    list_filter = ("database", "outcome", ("started", admin.DateFieldListFilter), "fake")
    search_fields = ("os_user", "host", "steps__app_label", "steps__name")
    fields = (
        ("started", "finished"),
        ("database", "outcome"),
        "targets",
        ("fake", "locked"),
        ("os_user", "host", "pid"),
        "error",
    )
    readonly_fields = (
        "started",
        "finished",
        "database",
        "outcome",
        "targets",
        "fake",
        "locked",
        "os_user",
        "host",
        "pid",
        "error",
    )
    inlines = [MigrationRunStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MigrationRun]:
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, run: MigrationRun) -> int:
        return int(run.step_total)  # type: ignore[attr-defined]
