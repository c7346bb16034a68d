"""``squashmigrations`` that keeps branch labels and refuses to move a branch silently."""

from django.core.management.commands.squashmigrations import Command as SquashmigrationsCommand

from ..mixins import BranchSquashmigrationsMixin


class Command(BranchSquashmigrationsMixin, SquashmigrationsCommand):
    pass
