"""``branchmigrate [TARGET ...]``: compile targets into a plan and run it through Django.

The command subclasses Django's ``migrate`` so that syncing unmigrated apps,
operation descriptions and signals are Django's own.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from importlib import import_module
from typing import Any, NoReturn

from django.apps import apps
from django.core.checks import Tags
from django.core.management.base import CommandError, no_translations
from django.core.management.commands.migrate import Command as MigrateCommand
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.exceptions import InconsistentMigrationHistory, IrreversibleError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState
from django.utils.module_loading import module_has_submodule

from ...audit import AuditLog, interrupted_message
from ...checks import expect_checked_load, take_checked_load
from ...graph import BranchGraph
from ...locking import LockTimeout, migration_lock
from ...planner import Plan, make_plan
from ...policy import CONFLICT_HINT
from ...report import INTERRUPTED, failure_report
from ...runner import LoadedExecutor, Progress, connect_loader, run_phases
from ...sqlscript import plan_sql
from ...state import AppliedState, applied_state
from ...targets import resolve
from ...types import dotted
from ..base import graph_errors, target_errors

#: Plans longer than this show a running count, ``[12/240]``.
COUNT_FROM = 10

_VERBS = {
    "apply_start": "Applying",
    "unapply_start": "Unapplying",
    "render_start": "Rendering model states",
}


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
            "--sql", action="store_true", help="Print the whole plan as one SQL script and stop."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete rows of migrations that are not on disk (ghosts), after confirmation.",
        )
        parser.add_argument(
            "--run-syncdb", action="store_true", help="Create tables for apps without migrations."
        )
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Give up if another branchmigrate holds the lock this long (default: wait).",
        )
        parser.add_argument(
            "--no-lock",
            action="store_false",
            dest="lock",
            help="Do not take the per-database migration lock.",
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        # The system checks load the migrations; handle() takes that load if they ran.
        expect_checked_load()
        try:
            return super().execute(*args, **options)
        finally:
            expect_checked_load(False)

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
        sql: bool,
        prune: bool,
        run_syncdb: bool,
        lock_timeout: float | None,
        lock: bool,
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
        checked = take_checked_load()
        if checked is not None:
            loader, graph = checked
        else:
            loader = MigrationLoader(None)
            with graph_errors():
                graph = BranchGraph.from_loader(loader)
        with target_errors():
            resolve(targets, graph)
        if not options["skip_checks"]:
            # execute() ran every other check already; only the database ones remain.
            self.check(databases=[database], tags=[Tags.database])
        connection = connections[database]
        connection.prepare_database()
        # Only a run that changes the database takes the lock; reading needs none.
        read_only = plan or check_unapplied or sql
        if prune and read_only:
            raise CommandError(
                "--prune deletes rows, so it cannot be combined with --plan, --check or --sql. "
                "Run 'branchmigrate --prune' on its own.",
                returncode=2,
            )
        guard = (
            nullcontext() if read_only or not lock else migration_lock(connection, lock_timeout)
        )
        self.locked = lock
        self.audit = AuditLog(connection, self._warn)
        try:
            with guard:
                # Read the applied state only once the lock is held.
                connect_loader(loader, connection)
                if loader.replacements:
                    graph = BranchGraph.from_loader(loader)
                self._run(
                    targets,
                    loader,
                    graph,
                    database,
                    fake=fake,
                    show_plan=plan,
                    check_unapplied=check_unapplied,
                    sql=sql,
                    prune=prune,
                    run_syncdb=run_syncdb,
                )
        except LockTimeout as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt as exc:
            raise CommandError(
                "Interrupted before the plan ran; no migration was applied or unapplied.",
                returncode=INTERRUPTED,
            ) from exc

    def _run(
        self,
        targets: tuple[str, ...],
        loader: MigrationLoader,
        graph: BranchGraph,
        database: str,
        *,
        fake: bool,
        show_plan: bool,
        check_unapplied: bool,
        sql: bool,
        prune: bool,
        run_syncdb: bool,
    ) -> None:
        connection = connections[database]
        with target_errors():
            state, branch_plan = checked_plan(targets, loader, graph, database)
        if state.ghosts and self.verbosity >= 1 and not sql:
            self._warn_ghosts(state, database, prune)
        if prune and state.ghosts:
            self._prune(loader, state, database)

        if sql:
            try:
                script = plan_sql(loader, connection, graph, branch_plan)
            except IrreversibleError as exc:
                raise CommandError("The plan cannot be written as SQL: %s" % exc) from exc
            if script:
                self.stdout.write(script)
            return
        if show_plan:
            self._print_plan(graph, branch_plan)
            if check_unapplied and branch_plan:
                sys.exit(1)
            return
        if check_unapplied:
            if branch_plan:
                sys.exit(1)
            return
        if "base" in targets and branch_plan.backwards and self.interactive:
            self._confirm(
                "This will unapply %d migration(s) on database %r."
                % (len(branch_plan.backwards), database)
            )

        if branch_plan:
            self._start_audit(targets, branch_plan, fake)
        executor = LoadedExecutor(connection, loader, self.migration_progress_callback)
        run_syncdb = run_syncdb and bool(loader.unmigrated_apps)
        if self.verbosity >= 1:
            self._print_heading(targets, branch_plan, run_syncdb, loader)
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
            self.sync_apps(connection, loader.unmigrated_apps)
        if self.verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING("Running migrations:"))
            if not branch_plan:
                self.stdout.write("  No migrations to apply.")
        self.progress = Progress()
        self.total = len(branch_plan) if len(branch_plan) > COUNT_FROM else 0
        try:
            post_migrate_state = run_phases(
                executor,
                [graph.migration(key) for key in branch_plan.backwards],
                [graph.migration(key) for key in branch_plan.forwards],
                pre_migrate_state,
                fake,
            )
        except (Exception, KeyboardInterrupt) as exc:
            self._stopped(graph, loader, branch_plan, connection, exc)
        try:
            self._post_migrate(post_migrate_state, connection.alias, django_plan)
        except BaseException as exc:
            self.audit.finish("failed", "post_migrate: %s" % _error(exc))
            if isinstance(exc, KeyboardInterrupt):
                raise CommandError(
                    "Interrupted while sending post_migrate; every migration of the plan ran.",
                    returncode=INTERRUPTED,
                ) from exc
            raise
        self.audit.finish("succeeded")

    def _stopped(
        self,
        graph: BranchGraph,
        loader: MigrationLoader,
        branch_plan: Plan,
        connection: Any,
        exc: BaseException,
    ) -> NoReturn:
        """Report a plan that stopped on an error or Ctrl-C, log it, and exit 1 or 130."""
        interrupted = isinstance(exc, KeyboardInterrupt)
        running = self.progress.running
        if self.verbosity >= 1 and running:
            self.stdout.write(self.style.ERROR(" INTERRUPTED" if interrupted else " FAILED"))
        error = _error(exc)
        if running:
            outcome = "interrupted" if interrupted else "failed"
            self.audit.step_ended((running[0], running[1]), running[2], outcome, error)
        report = failure_report(graph, loader, branch_plan, self.progress, connection, exc)
        self.audit.finish(
            "interrupted" if interrupted else "failed",
            report,
        )
        raise CommandError(report, returncode=INTERRUPTED if interrupted else 1) from exc

    def _start_audit(self, targets: tuple[str, ...], branch_plan: Plan, fake: bool) -> None:
        """Open the run in the audit log; report the runs a killed process left open."""
        for run in self.audit.start(targets, branch_plan.steps(), fake=fake, locked=self.locked):
            self._warn(interrupted_message(run, self.audit.alias))

    def _warn(self, message: str) -> None:
        self.stderr.write(message, self.style.WARNING)

    def _post_migrate(self, state: Any, alias: str, django_plan: list[Any]) -> None:
        """Send ``post_migrate`` with fully rendered models, exactly as ``migrate`` does."""
        state.clear_delayed_apps_cache()
        post_migrate_apps = state.apps
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
            alias,
            stdout=self.stdout,
            apps=post_migrate_apps,
            plan=django_plan,
        )

    # Output ---------------------------------------------------------------------

    def migration_progress_callback(
        self, action: str, migration: Any = None, fake: bool = False
    ) -> None:
        """Django's progress lines, with a running count for long plans; the audit steps."""
        self.progress(action, migration, fake)
        if action in ("apply_start", "unapply_start"):
            self.audit.step_started(
                (migration.app_label, migration.name), action == "unapply_start"
            )
        elif action in ("apply_success", "unapply_success"):
            backwards = action == "unapply_success"
            outcome = "faked" if fake else "unapplied" if backwards else "applied"
            self.audit.step_ended((migration.app_label, migration.name), backwards, outcome)
        if self.verbosity < 1:
            return
        if action in _VERBS:
            self.start = time.monotonic()
            count = ""
            if self.total and action != "render_start":
                count = "[%*d/%d] " % (
                    len(str(self.total)),
                    len(self.progress.done) + 1,
                    self.total,
                )
            what = "" if action == "render_start" else " %s" % migration
            self.stdout.write("  %s%s%s..." % (count, _VERBS[action], what), ending="")
            self.stdout.flush()
        else:
            elapsed = " (%.3fs)" % (time.monotonic() - self.start) if self.verbosity > 1 else ""
            word = "DONE" if action == "render_success" else "FAKED" if fake else "OK"
            self.stdout.write(self.style.SUCCESS(" %s%s" % (word, elapsed)))

    def _warn_ghosts(self, state: AppliedState, database: str, prune: bool) -> None:
        self.stdout.write(
            self.style.WARNING(
                "Ghost migrations on database %r (recorded as applied, not on disk): %s."
                % (database, ", ".join(dotted(k) for k in state.ghosts))
            )
        )
        if not prune:
            self.stdout.write(
                self.style.WARNING(
                    "  Run 'python manage.py branchmigrate --prune' to delete them."
                )
            )

    def _prune(self, loader: MigrationLoader, state: AppliedState, database: str) -> None:
        if self.interactive:
            self._confirm(
                "This will delete %d row(s) from django_migrations on database %r."
                % (len(state.ghosts), database)
            )
        if self.verbosity >= 1:
            self.stdout.write("Pruning migrations:", self.style.MIGRATE_HEADING)
        recorder = LoadedExecutor(connections[database], loader).recorder
        for app_label, name in state.ghosts:
            recorder.record_unapplied(app_label, name)
            loader.applied_migrations.pop((app_label, name), None)
            if self.verbosity >= 1:
                self.stdout.write(
                    self.style.MIGRATE_LABEL("  Pruning %s.%s" % (app_label, name))
                    + self.style.SUCCESS(" OK")
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
        self, targets: tuple[str, ...], branch_plan: Plan, run_syncdb: bool, loader: Any
    ) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Operations to perform:"))
        if run_syncdb:
            self.stdout.write(
                self.style.MIGRATE_LABEL("  Synchronize unmigrated apps: ")
                + ", ".join(sorted(loader.unmigrated_apps))
            )
        self.stdout.write(self.style.MIGRATE_LABEL("  Targets: ") + ", ".join(targets))
        for label, keys, preposition in (
            ("Unapply", branch_plan.backwards, "from"),
            ("Apply", branch_plan.forwards, "to"),
        ):
            if keys:
                self.stdout.write(
                    self.style.MIGRATE_LABEL("  %s: " % label)
                    + "%d migration(s) %s %s"
                    % (len(keys), preposition, ", ".join(sorted({a for a, _ in keys})))
                )

    def _confirm(self, question: str) -> None:
        answer = input("%s Type 'yes' to continue: " % question)
        if answer.strip().lower() != "yes":
            raise CommandError("Cancelled; nothing was changed.")


def _error(exc: BaseException) -> str:
    """``RuntimeError: boom``, or ``KeyboardInterrupt`` for an exception without a message."""
    return "%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__


def checked_plan(
    targets: Sequence[str], loader: MigrationLoader, graph: BranchGraph, database: str
) -> tuple[AppliedState, Plan]:
    """The applied state of ``database`` and the plan of ``targets``, after the same checks.

    ``loader`` is connected to ``database``. Raise ``CommandError`` for an inconsistent
    history or conflicting heads, and ``TargetError`` for a target the state cannot
    satisfy. The admin's target box calls this too, so that it answers as the command does.
    """
    try:
        loader.check_consistent_history(connections[database])
    except InconsistentMigrationHistory as exc:
        raise CommandError(
            "%s Run 'python manage.py branchcurrent --database %s' to see the whole "
            "inconsistent history." % (exc, database)
        ) from exc
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
    state = applied_state(loader, graph, database)
    return state, make_plan(graph, state, resolve(targets, graph, state))
