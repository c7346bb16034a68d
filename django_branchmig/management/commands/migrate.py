"""``migrate``, with a hint on how to fix a conflict between unlabelled heads."""

from django.core.management.commands.migrate import Command as MigrateCommand

from ..mixins import ConflictHintMixin


class Command(ConflictHintMixin, MigrateCommand):
    pass
