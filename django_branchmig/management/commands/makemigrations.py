"""``makemigrations`` with ``--head`` and ``--branch-label``, and a hint on conflicts."""

from django.core.management.commands.makemigrations import Command as MakemigrationsCommand

from ..mixins import BranchMakemigrationsMixin


class Command(BranchMakemigrationsMixin, MakemigrationsCommand):
    pass
