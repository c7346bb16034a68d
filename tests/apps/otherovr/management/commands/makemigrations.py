from pathlib import Path
from typing import Any

from django.core.management.commands.makemigrations import Command as BaseCommand
from django.db.migrations.writer import MigrationWriter


class Command(BaseCommand):
    def write_migration_files(self, changes: dict, *args: Any, **kwargs: Any) -> None:
        super().write_migration_files(changes, *args, **kwargs)
        if self.dry_run:
            return
        for app_label, app_migrations in changes.items():
            latest = app_migrations[-1]
            directory = Path(MigrationWriter(latest).path).parent
            (directory / "max_migration.txt").write_text(latest.name + "\n")
            self.stdout.write("max_migration.txt: %s.%s" % (app_label, latest.name))
