"""``branchmigrate [TARGET ...]``: compile targets into a plan and run it through Django.

The command subclasses Django's ``migrate`` so that syncing unmigrated apps,
progress output, operation descriptions and signals are Django's own.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import CommandError, no_translations
from django.core.management.commands.migrate import Command as MigrateCommand
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState
from django.utils.module_loading import module_has_submodule

from ...graph import BranchGraph
from ...planner import Plan, make_plan
from ...policy import CONFLICT_HINT
from ...runner import LoadedExecutor, connect_loader
from ...state import applied_state
from ...targets import resolve
from ...types import dotted
from ..base import graph_errors, target_errors


class Command(MigrateCommand):
    help = (
        "Apply or unapply migrations to reach the given targets (default: heads). "
        "Targets: heads, base, APP, APP@head, LABEL@head, LABEL@base, APP.MIGRATION, "
        "SCOPE@-1, ... (see the docs)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*", metavar="TARGET", help="Targets to reach.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            choices=tuple(connections),
            help='The database to migrate. Defaults to the "default" database.',
        )
        parser.add_argument(
            "--fake", action="store_true", help="Record the plan without running it."
        )
        parser.add_argument(
            "--plan", action="store_true", help="Print the plan with branch labels and stop."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            dest="check_unapplied",
            help="Exit with status 1 if the plan is not empty; apply nothing.",
        )
        parser.add_argument(
            "--run-syncdb", action="store_true", help="Create tables for apps without migrations."
        )

    def get_check_kwargs(self, options: Any) -> Any:
        # Database checks run in handle(), once the targets are known to be valid.
        kwargs = dict(super().get_check_kwargs(options))
        kwargs.pop("databases", None)
        return kwargs

    @no_translations
    def handle(
        self,
        *targets: str,
        database: str,
        interactive: bool,
        fake: bool,
        plan: bool,
        check_unapplied: bool,
        run_syncdb: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        self.verbosity = verbosity
        self.interactive = interactive
        targets = targets or ("heads",)
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "management"):
                import_module(".management", app_config.name)

        # Validate every target against the graph on disk before touching the database.
        loader = MigrationLoader(None)
        with graph_errors():
            graph = BranchGraph.from_loader(loader)
        with target_errors():
            resolve(targets, graph)
        if not options["skip_checks"]:
            self.check(databases=[database])
        connection = connections[database]
        connection.prepare_database()
        connect_loader(loader, connection)
        if loader.replacements:
            graph = BranchGraph.from_loader(loader)
        executor = LoadedExecutor(connection, loader, self.migration_progress_callback)
        executor.loader.check_consistent_history(connection)
        self._refuse_conflicts(graph)
        state = applied_state(executor.loader, graph, database)
        with target_errors():
            resolution = resolve(targets, graph, state)
        branch_plan = make_plan(graph, state, resolution)

        if plan:
            self._print_plan(graph, branch_plan)
            if check_unapplied and branch_plan:
                sys.exit(1)
            return
        if check_unapplied:
            if branch_plan:
                sys.exit(1)
            return
        if "base" in targets and branch_plan.backwards and interactive:
            self._confirm(branch_plan, database)

        run_syncdb = run_syncdb and bool(executor.loader.unmigrated_apps)
        if self.verbosity >= 1:
            self._print_heading(targets, branch_plan, run_syncdb, executor)
        django_plan = [(graph.migration(key), back) for key, back in branch_plan.steps()]
        pre_migrate_state = executor._create_project_state(  # type: ignore[attr-defined]
            with_applied_migrations=True
        )
        emit_pre_migrate_signal(
            self.verbosity,
            self.interactive,
            connection.alias,
            stdout=self.stdout,
            apps=pre_migrate_state.apps,
            plan=django_plan,
        )
        if run_syncdb:
            if self.verbosity >= 1:
                self.stdout.write(
                    self.style.MIGRATE_HEADING("Synchronizing apps without migrations:")
                )
            self.sync_apps(connection, executor.loader.unmigrated_apps)
        if self.verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING("Running migrations:"))
            if not branch_plan:
                self.stdout.write("  No migrations to apply.")
        post_migrate_state = self._run(executor, graph, branch_plan, pre_migrate_state, fake)
        post_migrate_state.clear_delayed_apps_cache()
        post_migrate_apps = post_migrate_state.apps
        with post_migrate_apps.bulk_update():
            model_keys = []
            for model_state in post_migrate_apps.real_models:
                model_key = model_state.app_label, model_state.name_lower
                model_keys.append(model_key)
                post_migrate_apps.unregister_model(*model_key)
        post_migrate_apps.render_multiple(
            [ModelState.from_model(apps.get_model(*model)) for model in model_keys]
        )
        emit_post_migrate_signal(
            self.verbosity,
            self.interactive,
            connection.alias,
            stdout=self.stdout,
            apps=post_migrate_apps,
            plan=django_plan,
        )

    def _run(
        self,
        executor: MigrationExecutor,
        graph: BranchGraph,
        branch_plan: Plan,
        state: Any,
        fake: bool,
    ) -> Any:
        """Run the backwards phase, rebuild the loader, then run the forwards phase."""
        if branch_plan.backwards:
            phase = [(graph.migration(key), True) for key in branch_plan.backwards]
            state = executor.migrate([], plan=phase, fake=fake)
            # The loader's applied set is stale after a run.
            executor.loader.build_graph()
            state = None
        if branch_plan.forwards or state is None:
            phase = [(executor.loader.graph.nodes[key], False) for key in branch_plan.forwards]
            state = executor.migrate([], plan=phase, state=state and state.clone(), fake=fake)
        return state

    def _refuse_conflicts(self, graph: BranchGraph) -> None:
        conflicts = graph.conflicts()
        if conflicts:
            name_str = "; ".join(
                "%s in %s" % (", ".join(name for group in groups for _, name in group), app)
                for app, groups in conflicts.items()
            )
            raise CommandError(
                "Conflicting migrations detected; multiple leaf nodes in the migration graph: "
                "(%s).\n%s" % (name_str, CONFLICT_HINT)
            )

    def _print_plan(self, graph: BranchGraph, branch_plan: Plan) -> None:
        self.stdout.write("Planned operations:", self.style.MIGRATE_LABEL)
        if not branch_plan:
            self.stdout.write("  No planned migration operations.")
            return
        for key, backwards in branch_plan.steps():
            migration = graph.migration(key)
            labels = sorted(graph.labels(key))
            suffix = " [%s]" % ", ".join(labels) if labels else ""
            direction = "Unapply" if backwards else "Apply"
            self.stdout.write(
                "%s %s%s" % (direction, dotted(key), suffix), self.style.MIGRATE_HEADING
            )
            for operation in migration.operations:
                message, is_error = self.describe_operation(operation, backwards)
                self.stdout.write("    " + message, self.style.WARNING if is_error else None)

    def _print_heading(
        self, targets: tuple[str, ...], branch_plan: Plan, run_syncdb: bool, executor: Any
    ) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Operations to perform:"))
        if run_syncdb:
            self.stdout.write(
                self.style.MIGRATE_LABEL("  Synchronize unmigrated apps: ")
                + ", ".join(sorted(executor.loader.unmigrated_apps))
            )
        self.stdout.write(self.style.MIGRATE_LABEL("  Targets: ") + ", ".join(targets))
        if branch_plan.backwards:
            self.stdout.write(
                self.style.MIGRATE_LABEL("  Unapply: ")
                + "%d migration(s) from %s"
                % (
                    len(branch_plan.backwards),
                    ", ".join(sorted({a for a, _ in branch_plan.backwards})),
                )
            )
        if branch_plan.forwards:
            self.stdout.write(
                self.style.MIGRATE_LABEL("  Apply: ")
                + "%d migration(s) to %s"
                % (
                    len(branch_plan.forwards),
                    ", ".join(sorted({a for a, _ in branch_plan.forwards})),
                )
            )

    def _confirm(self, branch_plan: Plan, database: str) -> None:
        answer = input(
            "This will unapply %d migration(s) on database %r. Type 'yes' to continue: "
            % (len(branch_plan.backwards), database)
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Cancelled; nothing was unapplied.")
