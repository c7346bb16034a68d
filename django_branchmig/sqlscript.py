"""Write a whole plan as one SQL script, the way ``sqlmigrate`` writes one migration.

Nothing is executed: the DDL is collected by Django's schema editor
(``collect_sql=True``) and the recorder rows are written as the INSERT and
DELETE statements ``MigrationExecutor`` would send, so that a DBA can review
the script and run it with ``psql`` or ``mysql`` instead of ``branchmigrate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlparse.lexer
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from sqlparse.tokens import Punctuation

from .graph import BranchGraph
from .planner import Plan
from .types import Key, dotted


def plan_sql(
    loader: MigrationLoader, connection: BaseDatabaseWrapper, graph: BranchGraph, plan: Plan
) -> str:
    """The whole plan as one SQL script, formatted with sqlparse.

    ``loader`` is connected to ``connection`` (its applied set is the
    database's) and ``graph`` was built from it. Each step gets a comment
    header, its DDL and its ``django_migrations`` rows; where the migration is
    atomic and the backend can roll DDL back, all of it runs in one
    transaction, so a failure leaves neither the schema change nor the row.
    The recorder's table is created first when the database has none, so the
    script runs on an empty database. An empty plan gives an empty script.
    The statements are Django's; only ``CREATE TABLE`` is laid out, with
    sqlparse's lexer, one column a line (not on SQLite, see ``_format``).
    Like ``sqlmigrate --backwards``, unapplying an irreversible operation
    raises ``IrreversibleError``.
    """
    if not plan:
        return ""
    lines: list[str] = []
    recorder = MigrationRecorder(connection)
    recorded: set[Key] = set()
    if recorder.has_table():
        recorded.update(recorder.applied_migrations())
    else:
        lines += ["-- Create the migration recorder's table", *_recorder_table_sql(connection)]
    present = {key for key in loader.applied_migrations if key in graph}
    states = _backwards_states(loader, graph, plan.backwards, present)
    for key in plan.backwards:
        lines += _step_sql(connection, graph, key, states[key], backwards=True)
        present.discard(key)
        recorded.difference_update(_recorder_keys(graph.migration(key), backwards=True))
    if plan.backwards:
        lines += _replacements_sql(connection, loader, recorded)
    if plan.forwards:
        state = _rendered(_project_state(loader, graph, present))
        for key in plan.forwards:
            lines += _step_sql(connection, graph, key, state, backwards=False)
            recorded.update(_recorder_keys(graph.migration(key), backwards=False))
        lines += _replacements_sql(connection, loader, recorded)
    if connection.vendor != "sqlite":
        # SQLite keeps the text of CREATE TABLE as the schema, and Django's
        # introspection splits it on ", ": there, run exactly what migrate runs.
        lines = [_format(line) for line in lines]
    return "\n".join(lines).strip() + "\n"


def _step_sql(
    connection: BaseDatabaseWrapper,
    graph: BranchGraph,
    key: Key,
    state: ProjectState,
    *,
    backwards: bool,
) -> list[str]:
    """Return one migration's header, DDL and recorder statements.

    Applying mutates ``state`` into the state after the migration, which the
    next forwards step starts from.
    """
    migration = graph.migration(key)
    labels = sorted(graph.labels(key))
    header = "-- %s %s%s" % (
        "Unapply" if backwards else "Apply",
        dotted(key),
        " [%s]" % ", ".join(labels) if labels else "",
    )
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        if backwards:
            migration.unapply(state, editor, collect_sql=True)
        else:
            migration.apply(state, editor, collect_sql=True)
    # The editor appends deferred statements (indexes, foreign keys) on exit.
    body = [str(sql) for sql in editor.collected_sql]
    body += _recorder_sql(connection, migration, backwards)
    if migration.atomic and connection.features.can_rollback_ddl:
        # Django records an atomic migration in the transaction that ran it
        # (when nothing was deferred): keep the two together here, always.
        body = [
            connection.ops.start_transaction_sql(),
            *body,
            connection.ops.end_transaction_sql(),
        ]
    return ["", header, *body]


def _backwards_states(
    loader: MigrationLoader, graph: BranchGraph, keys: Iterable[Key], present: set[Key]
) -> dict[Key, ProjectState]:
    """Return the state before each migration to unapply, as the executor computes it.

    ``MigrationExecutor._migrate_all_backwards`` walks the full plan once and
    keeps, for each migration to unapply, the state of the applied migrations
    that precede it, so that sibling branches' models are known to its DDL.
    """
    remaining = set(keys)
    states: dict[Key, ProjectState] = {}
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for key in graph.nodes:
        if not remaining:
            break
        migration = graph.migration(key)
        if key in remaining:
            states[key] = _rendered(state)
            state = migration.mutate_state(state, preserve=True)
            remaining.discard(key)
        elif key in present:
            migration.mutate_state(state, preserve=False)
    return states


def _project_state(loader: MigrationLoader, graph: BranchGraph, present: set[Key]) -> ProjectState:
    """Return the state of the migrations in ``present``, in the executor's order.

    It is the database's whole schema, every branch included, rather than the
    ancestors of the next migration (``loader.project_state``): on SQLite an
    ``AddField`` rebuilds the table from the model state, and a state without a
    sibling branch's columns would silently drop them.
    """
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for key in graph.nodes:
        if key in present:
            graph.migration(key).mutate_state(state, preserve=False)
    return state


def _rendered(state: ProjectState) -> ProjectState:
    """Render the state's models once, as the executor does: clones then keep them."""
    if "apps" not in state.__dict__:
        state.apps  # noqa: B018 -- a cached property, read for its side effect.
    return state


def _recorder_table_sql(connection: BaseDatabaseWrapper) -> list[str]:
    """Return the DDL that ``MigrationRecorder.ensure_schema`` would run."""
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(MigrationRecorder.Migration)
    return [str(sql) for sql in editor.collected_sql]


def _recorder_keys(migration: Any, *, backwards: bool) -> list[Key]:
    """Return the rows ``record_migration`` / ``unapply_migration`` insert or delete.

    Applying a squash records the migrations it replaces; unapplying one
    removes them and the squash's own row.
    """
    keys = [(app_label, name) for app_label, name in migration.replaces]
    if backwards or not keys:
        keys.append((migration.app_label, migration.name))
    return keys


def _recorder_sql(connection: BaseDatabaseWrapper, migration: Any, backwards: bool) -> list[str]:
    statement = _delete if backwards else _insert
    return [statement(connection, key) for key in _recorder_keys(migration, backwards=backwards)]


def _replacements_sql(
    connection: BaseDatabaseWrapper, loader: MigrationLoader, recorded: set[Key]
) -> list[str]:
    """Record each squash all of whose replaced migrations are recorded.

    ``MigrationExecutor.migrate`` ends each run with ``check_replacements``,
    which does this; ``branchmigrate`` runs it after each phase.
    """
    lines: list[str] = []
    for key, migration in sorted(loader.replacements.items()):
        if key not in recorded and all(tuple(r) in recorded for r in migration.replaces):
            recorded.add(key)
            lines += ["", "-- Record %s: all it replaces is applied" % dotted(key)]
            lines.append(_insert(connection, key))
    return lines


def _insert(connection: BaseDatabaseWrapper, key: Key) -> str:
    app_label, name = key
    quote = connection.ops.quote_name
    return "INSERT INTO %s (%s, %s, %s) VALUES (%s, %s, CURRENT_TIMESTAMP);" % (
        quote(MigrationRecorder.Migration._meta.db_table),
        quote("app"),
        quote("name"),
        quote("applied"),
        _literal(app_label),
        _literal(name),
    )


def _delete(connection: BaseDatabaseWrapper, key: Key) -> str:
    app_label, name = key
    quote = connection.ops.quote_name
    return "DELETE FROM %s WHERE %s = %s AND %s = %s;" % (
        quote(MigrationRecorder.Migration._meta.db_table),
        quote("app"),
        _literal(app_label),
        quote("name"),
        _literal(name),
    )


def _literal(value: str) -> str:
    """Quote a string as standard SQL does, doubling single quotes.

    Backslashes, which MySQL would read as escapes, are refused: app labels
    are identifiers and migration names are module names, so none has one.
    """
    if "\\" in value:
        raise ValueError("Cannot write %r as an SQL string literal on every backend." % value)
    return "'%s'" % value.replace("'", "''")


def _format(sql: str) -> str:
    """Put each column of a ``CREATE TABLE`` on its own line; leave the rest as Django wrote it.

    Only whitespace changes, found with sqlparse's lexer (which knows string
    literals and quoted names). sqlparse's ``reindent`` staggers column
    definitions across the page, and its ``keyword_case`` is not safe:
    upper-casing ``data`` in a ``RunSQL`` would name another table on MySQL.
    Statements with comments or dollar quotes are left alone.
    """
    if not sql.startswith("CREATE TABLE ") or any(mark in sql for mark in ("--", "/*", "$")):
        return sql
    head: list[str] = []
    columns: list[str] = []
    tail: list[str] = []
    depth = 0
    for ttype, value in sqlparse.lexer.tokenize(sql):
        mark = value if ttype is Punctuation else ""
        if columns and depth == 0:
            tail.append(value)
        elif depth == 0:
            if mark == "(":
                depth, columns = 1, [""]
            else:
                head.append(value)
        elif mark == "," and depth == 1:
            columns.append("")
        else:
            depth += (mark == "(") - (mark == ")")
            if depth:
                columns[-1] += value
    if depth or not columns:
        return sql
    body = ",\n".join("    " + column.strip() for column in columns)
    return "%s(\n%s\n)%s" % ("".join(head), body, "".join(tail))
