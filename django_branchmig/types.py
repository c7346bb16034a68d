"""Type aliases shared by the modules, in Django's vocabulary."""

from __future__ import annotations

from typing import TypeAlias

#: A migration's key, as in ``django.db.migrations.graph``: ``(app_label, name)``.
Key: TypeAlias = tuple[str, str]


def dotted(key: Key) -> str:
    """Return ``"app_label.name"`` for messages and output."""
    return "%s.%s" % key
