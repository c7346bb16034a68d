"""What a failed migration left in the schema, on a backend that cannot roll back DDL.

MariaDB and MySQL commit each DDL statement as it runs. A migration that fails after its
``CreateModel`` keeps the new table while Django records it as not applied, and running again
then fails on "table already exists". Comparing the project state before and after the migration
with the live schema tells the user exactly which tables and columns are there, and so which fix
applies: drop them, or record the migration with ``--fake`` when all of them are present.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from .types import Key

Schema = dict[str, set[str]]  # table -> columns


@dataclass(frozen=True)
class Change:
    """One table or column that a migration creates (``column`` is None for a table)."""

    table: str
    column: str | None = None

    def __str__(self) -> str:
        if self.column is None:
            return "table %s" % self.table
        return "column %s.%s" % (self.table, self.column)


def state_schema(state: ProjectState) -> Schema:
    """The tables and columns of the managed, concrete models of a project state."""
    schema: Schema = {}
    for model in state.apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            schema[meta.db_table] = {str(field.column) for field in meta.local_concrete_fields}
    return schema


def created_by(loader: MigrationLoader, key: Key) -> list[Change]:
    """The tables and columns that migration ``key`` adds, from its operations' model states.

    What ``RunSQL`` or ``RunPython`` create is not in the project state and is not listed.
    """
    before = state_schema(loader.project_state(key, at_end=False))
    after = state_schema(loader.project_state(key, at_end=True))
    changes: list[Change] = []
    for table, columns in sorted(after.items()):
        if table not in before:
            changes.append(Change(table))
        else:
            changes.extend(Change(table, column) for column in sorted(columns - before[table]))
    return changes


def live_schema(connection: BaseDatabaseWrapper, tables: set[str]) -> Schema:
    """The columns of those of ``tables`` that exist in the database."""
    schema: Schema = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in sorted(tables & existing):
            description = connection.introspection.get_table_description(cursor, table)
            schema[table] = {column.name for column in description}
    return schema


def present(connection: BaseDatabaseWrapper, changes: list[Change]) -> list[Change]:
    """Those of ``changes`` that are in the database now."""
    live = live_schema(connection, {change.table for change in changes})
    return [
        change
        for change in changes
        if change.table in live and (change.column is None or change.column in live[change.table])
    ]


def undo_sql(connection: BaseDatabaseWrapper, changes: list[Change]) -> list[str]:
    """Statements that drop ``changes``: foreign keys on dropped columns, columns, then tables.

    MySQL refuses to drop a column that a foreign key constraint uses, and ``AddField`` of a
    ``ForeignKey`` creates the constraint with the column, so the constraint goes first.
    """
    editor = connection.SchemaEditorClass(connection)  # For its SQL templates only.
    quote = connection.ops.quote_name
    foreign_keys: list[str] = []
    columns: list[str] = []
    with connection.cursor() as cursor:
        for change in changes:
            if change.column is None:
                continue
            constraints = connection.introspection.get_constraints(cursor, change.table)
            for name, constraint in sorted(constraints.items()):
                if constraint["foreign_key"] and change.column in constraint["columns"]:
                    foreign_keys.append(
                        editor.sql_delete_fk % {"table": quote(change.table), "name": quote(name)}
                    )
            columns.append(
                editor.sql_delete_column
                % {"table": quote(change.table), "column": quote(change.column)}
            )
    tables = [
        editor.sql_delete_table % {"table": quote(c.table)} for c in changes if c.column is None
    ]
    return ["%s;" % statement for statement in foreign_keys + columns + tables]
