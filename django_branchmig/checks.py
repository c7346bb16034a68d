"""System checks ``branchmig.E001``–``E004`` and ``W001`` (SPEC section 8).

They load the migrations from disk the way ``makemigrations`` does, so a
malformed migration file is reported here, naming the file, before any
command trips over it. Django runs them before most commands, so they share
one load of the migrations, and ``W001`` is not computed when it is silenced.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db.migrations.exceptions import (
    BadMigrationError,
    CircularDependencyError,
)
from django.db.migrations.loader import MigrationLoader

from .analysis import ModelOverlaps, head_pairs
from .graph import GRAPH_ERRORS, BranchGraph
from .labels import migration_source
from .types import Key, dotted

TAG = "branchmig"

HINTS = {
    "E001": (
        "Label one branch: add branch_labels = ('name',) to the first migration of one "
        "branch (or name it in BRANCHMIG['BRANCH_LABELS']); or merge the heads with "
        "'python manage.py branchmerge APP.HEAD APP.HEAD'."
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
def check_migrations(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run every check on one load of the migrations: loading is most of their cost."""
    try:
        graph = _load(keep=True)
    except _LOAD_ERRORS as exc:
        return [_load_error(exc)]
    found = branch_graph_messages(graph, app_configs)
    if "branchmig.W001" not in settings.SILENCED_SYSTEM_CHECKS:
        found += parallel_branches_messages(graph, app_configs)
    return found


def check_branch_graph(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report conflicts, label errors and a graph that cannot be loaded (E001-E004)."""
    try:
        graph = _load()
    except _LOAD_ERRORS as exc:
        return [_load_error(exc)]
    return branch_graph_messages(graph, app_configs)


def check_parallel_branches(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when parallel branches of one app touch the same model (W001)."""
    try:
        graph = _load()
    except _LOAD_ERRORS:
        return []  # check_branch_graph reports why (E004).
    return parallel_branches_messages(graph, app_configs)


class _LoadFailed(Exception):
    """The migrations were read but do not form a graph; ``loader`` names the files."""

    def __init__(self, loader: MigrationLoader, error: Exception) -> None:
        self.loader = loader
        self.error = error


# Importing a migration module runs its code, which may raise anything.
_LOAD_ERRORS = (_LoadFailed, Exception)


def _load(keep: bool = False) -> BranchGraph:
    """Load the migrations from disk as ``makemigrations`` does, and build the graph.

    With ``keep``, leave the loader and graph for ``take_checked_load()``.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    try:
        loader.build_graph()
        graph = BranchGraph.from_loader(loader)
    except GRAPH_ERRORS as exc:
        raise _LoadFailed(loader, exc) from exc
    if keep and _Handoff.wanted:
        _Handoff.load = (loader, graph)
    return graph


class _Handoff:
    """What ``check_migrations`` loaded, kept only while a command waits for it."""

    wanted = False
    load: tuple[MigrationLoader, BranchGraph] | None = None


def expect_checked_load(wanted: bool = True) -> None:
    """Have the checks keep what they load for ``take_checked_load()``, or stop (False)."""
    _Handoff.wanted, _Handoff.load = wanted, None


def take_checked_load() -> tuple[MigrationLoader, BranchGraph] | None:
    """Hand the loader and graph the checks just built to the command, once.

    A command that runs the checks and then loads the migrations itself would
    read every migration file twice. It may take the checks' load instead when it
    called ``expect_checked_load()`` before the checks ran, so that the load is
    its own. The checks' loader ignores an explicit ``MIGRATION_MODULES`` entry
    whose module is missing, as ``makemigrations`` does, where ``migrate`` raises;
    in that one case the command gets None and loads again.
    """
    taken, _Handoff.load = _Handoff.load, None
    if taken is None:
        return None
    loader, graph = taken
    for app_label in loader.unmigrated_apps:
        module_name, explicit = MigrationLoader.migrations_module(app_label)
        if explicit and module_name is not None:
            return None
    return loader, graph


def _load_error(exc: Exception) -> Error:
    if isinstance(exc, _LoadFailed):
        return _graph_error(exc.loader, exc.error)
    # Any other error was raised while importing a migration module.
    where = _failing_file(exc)
    return Error(
        "A migration module cannot be imported: %s: %s%s"
        % (type(exc).__name__, exc, " (%s)" % where if where else ""),
        hint=HINTS["E004"],
        id="branchmig.E004",
    )


def branch_graph_messages(graph: BranchGraph, app_configs: Any = None) -> list[CheckMessage]:
    """E001-E003 for a graph that loaded: label problems and conflicting heads."""
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


def _failing_file(exc: BaseException) -> str | None:
    """The file where an import failed: a syntax error's file, or the innermost real frame.

    Import machinery frames are ``<frozen importlib._bootstrap>``; the frame below them is the
    module whose top level raised.
    """
    if isinstance(exc, SyntaxError) and exc.filename:
        return exc.filename
    found = None
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if not filename.startswith("<"):
            found = filename
        traceback = traceback.tb_next
    return found


def _bad_migration_file(loader: MigrationLoader, exc: Exception) -> str | None:
    """The module of a ``BadMigrationError`` ("Migration NAME in app LABEL has no ...")."""
    match = re.match(r"Migration (\S+) in app (\S+) ", str(exc))
    module_name = match and loader.migrations_module(match[2])[0]
    module = sys.modules.get("%s.%s" % (module_name, match[1])) if match else None
    return getattr(module, "__file__", None)


def _graph_error(loader: MigrationLoader, exc: Exception) -> Error:
    """E004, naming the file of the migration at fault when it can be found."""
    origin = getattr(exc, "origin", None)  # Django passes the Migration, not its key.
    migration = origin if hasattr(origin, "operations") else None
    where = " (%s)" % migration_source(migration) if migration is not None else ""
    if isinstance(exc, BadMigrationError):
        bad_file = _bad_migration_file(loader, exc)
        where = " (%s)" % bad_file if bad_file else ""
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


W001_HINT = (
    "Run 'python manage.py branchcheck' to test whether their operations commute, and "
    "'python manage.py branchmerge %s %s' to see them and merge the branches."
)
W001_COMMUTING_HINT = (
    "Nothing needs to change; merge the branches with 'python manage.py branchmerge %s %s' "
    "when they are done."
)


def parallel_branches_warning(
    graph: BranchGraph, a: Key, b: Key, models: Iterable[str], *, commuting: bool = False
) -> Warning:
    """W001 for heads ``a`` and ``b`` of one app, whose branches touch ``models`` (``shop.Order``).

    ``commuting`` says that the order test passed (``branchcheck`` runs it).
    """
    return Warning(
        "Parallel branches of app %r touch the same model: %s and %s both touch %s.%s"
        % (
            a[0],
            labelled(graph, a),
            labelled(graph, b),
            ", ".join(models),
            " They commute: either order gives the same project state." if commuting else "",
        ),
        hint=(W001_COMMUTING_HINT if commuting else W001_HINT) % (dotted(a), dotted(b)),
        id="branchmig.W001",
    )


def labelled(graph: BranchGraph, key: Key) -> str:
    """``app.name [label, ...]`` for messages."""
    labels = sorted(graph.labels(key))
    return dotted(key) + (" [%s]" % ", ".join(labels) if labels else "")


def parallel_branches_messages(graph: BranchGraph, app_configs: Any = None) -> list[CheckMessage]:
    """W001 for every pair of heads of an app whose branches touch the same model.

    Only what the operations touch is compared here, which needs no project
    state; ``branchcheck`` also tests whether the branches commute.
    """
    wanted = None if app_configs is None else {config.label for config in app_configs}
    found: list[CheckMessage] = []
    # Each head's ancestry once, not once per pair: an app with n heads has n^2/2 pairs.
    above: dict[Key, set[Key]] = {}
    models = ModelOverlaps(graph)
    for a, b in head_pairs(graph):
        if wanted is not None and a[0] not in wanted:
            continue
        for head in (a, b):
            if head not in above:
                above[head] = graph.ancestors([head])
        left = graph.sorted(above[a] - above[b])
        right = graph.sorted(above[b] - above[a])
        touched = models(left, right)
        if touched:
            found.append(parallel_branches_warning(graph, a, b, [name for _, name in touched]))
    return found
