"""The report ``branchmigrate`` prints when a plan stops: what ran, what failed, what did not run.

What Django recorded is true, but on a backend without transactional DDL it is not the whole
truth: the failed migration may have left tables and columns behind. The report then names
them, from the live schema, with the fix that applies.
"""

from __future__ import annotations

from typing import Any

from django.db import Error
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from .graph import BranchGraph
from .leftovers import created_by, present, undo_sql
from .planner import Plan
from .runner import Progress
from .types import Key, dotted

#: The exit status of a run stopped by Ctrl-C, as shells report a process ended by SIGINT.
INTERRUPTED = 130


def failure_report(
    graph: BranchGraph,
    loader: MigrationLoader,
    branch_plan: Plan,
    progress: Progress,
    connection: BaseDatabaseWrapper,
    exc: BaseException,
) -> str:
    """Say what was applied, what failed and why, what was not run, and how to go on."""
    interrupted = isinstance(exc, KeyboardInterrupt)
    event = "interruption" if interrupted else "failure"
    done = {(app, name) for app, name, _ in progress.done}
    failed = progress.running
    lines = []
    if failed is None:
        if interrupted:
            lines.append("Interrupted between two migrations.")
        else:
            lines.append("The plan stopped: %s: %s" % (type(exc).__name__, exc))
    else:
        key = (failed[0], failed[1])
        verb = "Unapplying" if failed[2] else "Applying"
        if interrupted:
            lines.append("Interrupted while %s %s." % (verb.lower(), dotted(key)))
        else:
            lines.append("%s %s failed: %s: %s" % (verb, dotted(key), type(exc).__name__, exc))
        lines.extend(_failed_state(graph, loader, connection, key, failed[2]))
    steps = branch_plan.steps()
    ran = [(key, back) for key, back in steps if key in done]
    not_run = [
        (key, back)
        for key, back in steps
        if key not in done and (failed is None or key != (failed[0], failed[1]))
    ]
    lines.append("Done before the %s: %s" % (event, _listing(ran) if ran else "nothing"))
    lines.append("Not run: %s" % (_listing(not_run) if not_run else "nothing"))
    if interrupted:
        lines.append("Run branchmigrate again to complete the plan.")
    else:
        lines.append("Fix the migration, then run branchmigrate again to complete the plan.")
    return "\n".join(lines)


def _failed_state(
    graph: BranchGraph,
    loader: MigrationLoader,
    connection: BaseDatabaseWrapper,
    key: Key,
    backwards: bool,
) -> list[str]:
    """What the failed migration left: nothing, or (without transactional DDL) what and the fix."""
    atomic = graph.migration(key).atomic
    if atomic and connection.features.can_rollback_ddl:
        return [
            "  Its changes were rolled back and it is recorded as %s, as before."
            % ("applied" if backwards else "not applied")
        ]
    reason = (
        "the migration is not atomic"
        if not atomic
        else "%s cannot roll back schema changes" % connection.display_name
    )
    lines = [
        "  %s may be half-%s: %s, so part of its operations may have run although Django did "
        "not record it. Compare the schema with its operations before running again."
        % (dotted(key), "unapplied" if backwards else "applied", reason)
    ]
    if not backwards:
        lines.extend(_leftovers(loader, connection, key))
    return lines


def _leftovers(loader: MigrationLoader, connection: BaseDatabaseWrapper, key: Key) -> list[str]:
    """Name the tables and columns of ``key`` that are in the database, and the fix."""
    try:
        expected = created_by(loader, key)
        found = present(connection, expected)
    except (Error, LookupError, ValueError):  # A broken state or connection: say nothing more.
        return []
    if not expected:
        return []
    database = "" if connection.alias == "default" else " --database %s" % connection.alias
    fake = "python manage.py branchmigrate%s --fake %s" % (database, dotted(key))
    if not found:
        return [
            "  None of the tables and columns it creates are in the database (%s): fix the "
            "migration and run branchmigrate again." % _names(expected)
        ]
    undo = " ".join(undo_sql(connection, found))
    pronoun = "it" if len(found) == 1 else "them"
    if len(found) == len(expected):
        return [
            "  It left behind %s: all the tables and columns it creates. Drop %s (%s) and run "
            "branchmigrate again. If its other operations need not run and its constraints and "
            "indexes are in place, you may record it as applied instead: '%s'."
            % (_names(found), pronoun, undo, fake)
        ]
    missing = [change for change in expected if change not in found]
    return [
        "  It left behind %s, but not %s. Drop %s (%s) and run branchmigrate again."
        % (_names(found), _names(missing), pronoun, undo)
    ]


def _names(changes: list[Any]) -> str:
    return ", ".join(str(change) for change in changes)


def _listing(steps: list[tuple[Key, bool]]) -> str:
    return ", ".join("%s%s" % (dotted(key), " (unapply)" if back else "") for key, back in steps)
