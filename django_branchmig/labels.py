"""Validate branch labels and read them from migrations and settings.

Labels are plain data here: nothing in this module walks the graph. Problems
are collected rather than raised, so that a malformed migration file becomes a
system-check error naming the file instead of a traceback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .types import Key

LABEL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"head", "heads", "base", "zero", "current"})


@dataclass(frozen=True)
class LabelProblem:
    """A label that cannot be used, and where it was declared."""

    key: Key | None
    label: object
    message: str
    source: str  # a file path, or "settings.BRANCHMIG['BRANCH_LABELS']"
    code: str = "E003"


def label_error(label: object, app_labels: Iterable[str]) -> str | None:
    """Return why ``label`` is not a valid branch label, or None if it is."""
    if not isinstance(label, str) or not LABEL_RE.match(label):
        return "%r is not a valid branch label: use an identifier ([A-Za-z_][A-Za-z0-9_]*)" % (
            label,
        )
    if label in RESERVED:
        return "%r is a reserved word of the target language (%s)" % (
            label,
            ", ".join(sorted(RESERVED)),
        )
    if label in app_labels:
        return (
            "%r is the label of an installed app; a branch label must differ from app labels"
            % (label,)
        )
    return None


def migration_source(migration: object) -> str:
    """Return the file that defines ``migration``, for messages."""
    module = sys.modules.get(type(migration).__module__)
    return getattr(module, "__file__", None) or type(migration).__module__


def declared_labels(
    key: Key, raw: object, source: str, app_labels: Iterable[str]
) -> tuple[tuple[str, ...], list[LabelProblem]]:
    """Split a ``branch_labels`` value into valid labels and problems."""
    if raw is None or raw == ():
        return (), []
    if not isinstance(raw, (tuple, list)):
        return (), [
            LabelProblem(
                key,
                raw,
                "branch_labels must be a tuple of identifiers, not %s %r"
                % (type(raw).__name__, raw),
                source,
            )
        ]
    app_labels = frozenset(app_labels)
    valid: list[str] = []
    problems: list[LabelProblem] = []
    for label in raw:
        error = label_error(label, app_labels)
        if error:
            problems.append(LabelProblem(key, label, error, source))
        elif label not in valid:
            valid.append(label)
    return tuple(valid), problems


SETTINGS_SOURCE = "settings.BRANCHMIG['BRANCH_LABELS']"


def settings_labels(
    setting: Mapping[str, object], nodes: Iterable[Key], app_labels: Iterable[str]
) -> tuple[dict[Key, tuple[str, ...]], list[LabelProblem]]:
    """Read ``BRANCHMIG['BRANCH_LABELS']``: ``{"app.migration_name": ("label", ...)}``."""
    known = set(nodes)
    labels: dict[Key, tuple[str, ...]] = {}
    problems: list[LabelProblem] = []
    for dotted, raw in setting.items():
        app_label, _, name = str(dotted).partition(".")
        key = (app_label, name)
        if key not in known:
            problems.append(
                LabelProblem(
                    None,
                    dotted,
                    "%r names no migration; use 'app_label.migration_name'" % (dotted,),
                    SETTINGS_SOURCE,
                )
            )
            continue
        valid, found = declared_labels(key, raw, SETTINGS_SOURCE, app_labels)
        labels[key] = valid
        problems.extend(found)
    return labels, problems
