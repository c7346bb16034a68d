"""Read the ``BRANCHMIG`` setting in one place, with its defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # "app_label.migration_name" -> labels, for migrations that cannot be edited.
    "BRANCH_LABELS": {},
    # "labels": several heads in one app are accepted when their label sets differ.
    # "django": Django's own policy, any second head is a conflict.
    "CONFLICT_POLICY": "labels",
}
CONFLICT_POLICIES = ("labels", "django")


def branchmig_setting(name: str) -> Any:
    """Return one key of ``settings.BRANCHMIG``, falling back to its default."""
    user: Mapping[str, Any] = getattr(settings, "BRANCHMIG", None) or {}
    unknown = sorted(set(user) - set(DEFAULTS))
    if unknown:
        raise ImproperlyConfigured(
            "Unknown BRANCHMIG setting(s): %s. Valid keys are %s."
            % (", ".join(unknown), ", ".join(sorted(DEFAULTS)))
        )
    value = user.get(name, DEFAULTS[name])
    if name == "CONFLICT_POLICY" and value not in CONFLICT_POLICIES:
        raise ImproperlyConfigured(
            "BRANCHMIG['CONFLICT_POLICY'] must be one of %s, not %r."
            % (", ".join(repr(p) for p in CONFLICT_POLICIES), value)
        )
    return value
