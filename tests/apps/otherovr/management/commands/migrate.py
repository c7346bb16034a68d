from typing import Any

from django.core.management.commands.migrate import Command as BaseCommand


class Command(BaseCommand):
    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--pre-deploy", action="store_true", help="Run pre-deploy only.")

    def handle(self, *args: Any, pre_deploy: bool, **options: Any) -> None:
        if pre_deploy:
            self.stdout.write("Pre-deploy stage")
        super().handle(*args, **options)
