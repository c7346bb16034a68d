"""Mixins that add branchmig behaviour to Django's own commands.

They are mixins, not commands, so a project that also overrides ``migrate``
or ``makemigrations`` (django-linear-migrations, django-syzygy) can combine
them with that app's command class; see docs/compatibility.rst.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from ..policy import CONFLICT_HINT

CONFLICT_PREFIX = "Conflicting migrations detected"


class ConflictHintMixin:
    """Append how to fix a conflict to Django's "Conflicting migrations" error."""

    def handle(self, *args: Any, **options: Any) -> Any:
        try:
            return super().handle(*args, **options)  # type: ignore[misc]
        except CommandError as exc:
            if not str(exc).startswith(CONFLICT_PREFIX):
                raise
            raise CommandError("%s\n%s" % (exc, CONFLICT_HINT), returncode=exc.returncode) from exc
