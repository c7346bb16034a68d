"""Write migration files that keep ``branch_labels``.

Django's ``MigrationWriter`` renders only the attributes it knows, so a
migration written through it loses its labels. ``BranchMigrationWriter``
renders what Django renders and adds the labels to the class body.
"""

from __future__ import annotations

from django.db.migrations.writer import MigrationWriter

CLASS_LINE = "class Migration(migrations.Migration):\n"


class BranchMigrationWriter(MigrationWriter):
    """A ``MigrationWriter`` that also writes ``migration.branch_labels``."""

    def as_string(self) -> str:
        source = super().as_string()
        labels = tuple(getattr(self.migration, "branch_labels", ()) or ())
        if not labels:
            return source
        declaration = "    branch_labels = %r\n" % (labels,)
        head, found, tail = source.partition(CLASS_LINE)
        if not found:  # A custom template: put the labels at the end of the class.
            return source.rstrip("\n") + "\n" + declaration
        return head + found + declaration + tail
