"""System checks ``branchmig.E001``–``E004`` (SPEC section 8).

They load the migrations from disk the way ``makemigrations`` does, so a
malformed migration file is reported here, naming the file, before any
command trips over it.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db.migrations.exceptions import (
    BadMigrationError,
    CircularDependencyError,
    NodeNotFoundError,
)
from django.db.migrations.loader import MigrationLoader

from .graph import BranchGraph, GraphError
from .labels import migration_source
from .types import dotted

TAG = "branchmig"

HINTS = {
    "E001": (
        "Label one branch: add branch_labels = ('name',) to the first migration of one "
        "branch (or name it in BRANCHMIG['BRANCH_LABELS']); or merge the heads with "
        "'python manage.py makemigrations --merge'."
    ),
    "E002": "Declare each label once per app, on the first migration of its branch.",
    "E003": (
        "Use a tuple of identifiers that are not app labels nor the reserved words "
        "head, heads, base, zero, current; e.g. branch_labels = ('billing',)."
    ),
    "E004": (
        "Fix the dependencies of the migration named above, then run 'python manage.py check'."
    ),
}


SETTINGS_HINT = (
    "Key BRANCHMIG['BRANCH_LABELS'] by 'app_label.migration_name' of an existing migration; "
    "'python manage.py branchheads -v 2' lists migrations with their files."
)


@register(TAG)
def check_branch_graph(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report conflicts, label errors and a graph that cannot be loaded."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    try:
        loader.build_graph()
        graph = BranchGraph.from_loader(loader)
    except (NodeNotFoundError, CircularDependencyError, BadMigrationError, GraphError) as exc:
        return [_graph_error(loader, exc)]
    except (ImportError, SyntaxError) as exc:
        return [
            Error(
                "A migration module cannot be imported: %s" % exc,
                hint=HINTS["E004"],
                id="branchmig.E004",
            )
        ]
    wanted = None if app_configs is None else {config.label for config in app_configs}
    errors: list[CheckMessage] = []
    for problem in graph.label_problems:
        if wanted is not None and problem.key is not None and problem.key[0] not in wanted:
            continue
        where = dotted(problem.key) if problem.key else "BRANCHMIG['BRANCH_LABELS']"
        errors.append(
            Error(
                "%s (%s): %s" % (where, problem.source, problem.message),
                hint=HINTS[problem.code] if problem.key else SETTINGS_HINT,
                id="branchmig.%s" % problem.code,
            )
        )
    for app_label, groups in graph.conflicts().items():
        if wanted is not None and app_label not in wanted:
            continue
        for heads in groups:
            labels = sorted(graph.labels(heads[0]))
            errors.append(
                Error(
                    "Conflicting migrations in app %r: heads %s carry the same branch labels "
                    "(%s)."
                    % (
                        app_label,
                        ", ".join(dotted(h) for h in heads),
                        ", ".join(labels) if labels else "none",
                    ),
                    hint=HINTS["E001"],
                    id="branchmig.E001",
                )
            )
    return errors


def _graph_error(loader: MigrationLoader, exc: Exception) -> Error:
    """E004, naming the file of the migration at fault when it can be found."""
    origin = getattr(exc, "origin", None)  # Django passes the Migration, not its key.
    migration = origin if hasattr(origin, "operations") else None
    where = " (%s)" % migration_source(migration) if migration is not None else ""
    if isinstance(exc, CircularDependencyError):
        files = [
            migration_source(loader.disk_migrations[key])
            for key in loader.disk_migrations
            if dotted(key) in str(exc).split(", ")
        ]
        where = " (%s)" % ", ".join(files) if files else ""
        message = "The migration graph has a cycle: %s%s." % (exc, where)
    else:
        message = "The migration graph cannot be loaded: %s%s" % (exc, where)
    return Error(message, hint=HINTS["E004"], id="branchmig.E004")
