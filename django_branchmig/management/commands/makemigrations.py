"""``makemigrations``, with a hint on how to fix a conflict between unlabelled heads."""

from django.core.management.commands.makemigrations import Command as MakemigrationsCommand

from ..mixins import ConflictHintMixin


class Command(ConflictHintMixin, MakemigrationsCommand):
    pass
