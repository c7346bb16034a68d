"""The migration-graph page, listed on the admin index under the app's ``MigrationGraph`` entry.

``MigrationGraph`` has no table, so none of the ``ModelAdmin``'s own views
may run: ``get_urls`` replaces them with the page and its JSON endpoints.
Every URL goes through ``admin_site.admin_view`` (anonymous users are sent
to the login page) and then through the view permission (403 without it),
and answers GET and HEAD only: nothing here changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from ..models import MigrationGraph
from . import views
from .snapshot import get_snapshot

URL_PREFIX = "django_branchmig_migrationgraph"


@admin.register(MigrationGraph)
class MigrationGraphAdmin(admin.ModelAdmin):
    """Read-only: the page is the changelist, and there is nothing to add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                if not self.has_view_permission(request):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

            wrapper = self.admin_site.admin_view(require_safe(update_wrapper(guarded, view)))
            return update_wrapper(wrapper, view)

        return [
            path("", wrap(self.changelist_view), name="%s_changelist" % URL_PREFIX),
            path("data/", wrap(views.data_view), name="%s_data" % URL_PREFIX),
            path("node/", wrap(views.node_view), name="%s_node" % URL_PREFIX),
            path("sql/", wrap(views.sql_view), name="%s_sql" % URL_PREFIX),
            path("plan/", wrap(views.plan_view), name="%s_plan" % URL_PREFIX),
            path("export/<str:format>/", wrap(views.export_view), name="%s_export" % URL_PREFIX),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Draw the graph of the selected database; the data is embedded with ``json_script``."""
        alias = views.selected_alias(request)
        snapshot = get_snapshot(alias)
        name = "admin:%s_%%s" % URL_PREFIX
        config = {
            "database": alias,
            "urls": {
                part: reverse(name % part)
                for part in ("data", "node", "sql", "plan", "changelist")
            },
            "exports": {
                format: reverse(name % "export", args=[format]) for format in views.EXPORTS
            },
        }
        context = {
            **self.admin_site.each_context(request),
            "title": "Migration graph",
            "subtitle": None,
            "opts": self.model._meta,
            "databases": list(connections),
            "database": alias,
            "config": config,
            "snapshot": snapshot,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "django_branchmig/graph.html", context)
