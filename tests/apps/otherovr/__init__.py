"""Another app's overrides of makemigrations, squashmigrations and migrate, for the mixin tests.

They behave like the apps django-branchmig has to live with: ``makemigrations`` and
``squashmigrations`` record the newest migration of each app in ``max_migration.txt``, as
django-linear-migrations does (one through ``write_migration_files``, one by watching
``MigrationWriter``), and ``migrate`` adds an option, as django-syzygy's ``--pre-deploy``. The app
is never in INSTALLED_APPS: the tests combine its classes with the mixins explicitly.
"""
