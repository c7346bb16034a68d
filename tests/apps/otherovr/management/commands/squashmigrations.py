from pathlib import Path
from typing import Any

from django.core.management.commands.squashmigrations import Command as BaseCommand
from django.db.migrations.writer import MigrationWriter


class Command(BaseCommand):
    def handle(self, **options: Any) -> None:
        written = []
        as_string = MigrationWriter.as_string

        def spy(writer: MigrationWriter, *args: Any, **kwargs: Any) -> str:
            written.append(writer)
            return as_string(writer, *args, **kwargs)

        MigrationWriter.as_string = spy  # type: ignore[method-assign]
        try:
            super().handle(**options)
        finally:
            MigrationWriter.as_string = as_string  # type: ignore[method-assign]
        for writer in written:
            directory = Path(writer.path).parent
            (directory / "max_migration.txt").write_text(writer.migration.name + "\n")
            self.stdout.write("max_migration.txt: %s" % writer.migration.name)
