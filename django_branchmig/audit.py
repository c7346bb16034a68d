"""The audit log: who ran which ``branchmigrate`` plan on which database, and how each step ended.

Rows go to the database being migrated, so the record travels with the schema it describes. Each
write runs between migrations, in a transaction of its own, never inside a migration's
transaction: an audit write can neither be rolled back with a failed migration nor make one fail.
The log is a witness, not a gate: when it cannot be written (its tables do not exist yet, the
router keeps them elsewhere, any database error) the plan still runs and one warning says why.
"""

from __future__ import annotations

import getpass
import os
import socket
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db import Error, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from .models import MigrationRun, MigrationRunStep
from .types import Key, dotted

#: The migration that creates the audit tables.
CREATED_BY = ("django_branchmig", "0001_initial")

Step = tuple[Key, bool]  # (key, backwards), as in a plan


class AuditLog:
    """Write one run and its steps; after the first failed write, write nothing more."""

    def __init__(self, connection: BaseDatabaseWrapper, warn: Callable[[str], None]) -> None:
        self.connection = connection
        self.alias = connection.alias
        self.warn = warn
        self.run: MigrationRun | None = None
        self.given_up = False
        self.reason = ""
        self._rows: dict[Step, MigrationRunStep] = {}
        self._started: dict[Step, float] = {}
        self._positions: dict[Step, int] = {}
        self._creates_log = False

    def start(
        self, targets: Iterable[str], steps: list[Step], *, fake: bool, locked: bool
    ) -> list[MigrationRun]:
        """Write the run as ``running``; return the runs a killed process left ``running``.

        Only a run that holds the migration lock may close those: nobody else can be running.
        """
        self._positions = {step: position for position, step in enumerate(steps, 1)}
        self._creates_log = (CREATED_BY, False) in self._positions and not fake
        reason = self._unavailable()
        if reason:
            self._give_up(reason)
            return []
        stale: list[MigrationRun] = []

        def write() -> None:
            runs = MigrationRun.objects.using(self.alias)
            if locked:
                stale.extend(runs.filter(outcome="running"))
                for run in stale:
                    _close_interrupted(run, self.alias)
            self.run = runs.create(
                started=timezone.now(),
                database=self.alias,
                targets=" ".join(targets),
                fake=fake,
                locked=locked,
                os_user=_os_user(),
                host=socket.gethostname()[:255],
                pid=os.getpid(),
            )

        self._write(write)
        return stale

    def step_started(self, key: Key, backwards: bool) -> None:
        step = (key, backwards)
        self._started[step] = time.monotonic()
        if self.run is None:
            return
        self._write(
            lambda: self._rows.__setitem__(
                step,
                MigrationRunStep.objects.using(self.alias).create(
                    run=self.run,
                    position=self._positions.get(step, len(self._rows) + 1),
                    app_label=key[0],
                    name=key[1],
                    backwards=backwards,
                    outcome="running",
                ),
            )
        )

    def step_ended(self, key: Key, backwards: bool, outcome: str, error: str = "") -> None:
        step = (key, backwards)
        started = self._started.get(step)
        duration = timedelta(seconds=time.monotonic() - started) if started else None
        row = self._rows.get(step)
        if key[0] == CREATED_BY[0] and backwards and outcome != "failed":
            # Unapplying the app's own migrations may have dropped the log with this run in it.
            try:
                missing = self._missing_table()
            except Error as exc:
                missing = "%s (%s: %s)" % (MigrationRun._meta.db_table, type(exc).__name__, exc)
            if missing:
                self._give_up(
                    "the plan unapplied %s, which dropped table %s with this run's record"
                    % (dotted(key), missing)
                )
        if row is None:
            return
        row.outcome, row.duration, row.error = outcome, duration, error
        self._write(lambda: row.save(update_fields=["outcome", "duration", "error"]))

    def finish(self, outcome: str, error: str = "") -> None:
        """Close the run, and write the steps it did not reach as ``not run``."""
        if self.run is None:
            return
        run = self.run
        if self.given_up:
            # The steps are incomplete, but the run itself can still say how it ended.
            run.error = "\n".join(filter(None, [error, "Audit log incomplete: %s." % self.reason]))
            try:
                with transaction.atomic(using=self.alias):
                    run.finished, run.outcome = timezone.now(), outcome
                    run.save(update_fields=["finished", "outcome", "error"])
            except Error:
                pass
            return
        missing = [step for step in self._positions if step not in self._rows]

        def write() -> None:
            MigrationRunStep.objects.using(self.alias).bulk_create(
                MigrationRunStep(
                    run=run,
                    position=self._positions[step],
                    app_label=step[0][0],
                    name=step[0][1],
                    backwards=step[1],
                    outcome="not run",
                )
                for step in missing
            )
            run.finished, run.outcome, run.error = timezone.now(), outcome, error
            run.save(update_fields=["finished", "outcome", "error"])

        self._write(write)

    def _write(self, write: Callable[[], Any]) -> None:
        """Run ``write`` in a transaction (a savepoint inside an outer one), or give up.

        The atomic block keeps a failed write from leaving a PostgreSQL connection in an aborted
        transaction that the next migration would trip over.
        """
        if self.given_up:
            return
        try:
            with transaction.atomic(using=self.alias):
                write()
        except Error as exc:
            self._give_up(self._unavailable() or "%s: %s" % (type(exc).__name__, exc))

    def _unavailable(self) -> str | None:
        """Say why the log cannot be written here, or return None if its tables are present."""
        if not router.allow_migrate_model(self.alias, MigrationRun):
            return "the database router keeps django_branchmig's tables off database %r" % (
                self.alias
            )
        try:
            missing = self._missing_table()
        except Error as exc:
            return "%s: %s" % (type(exc).__name__, exc)
        if missing and self._creates_log:
            return (
                "table %s does not exist yet on database %r: this run creates it (%s), so the "
                "runs after this one are logged" % (missing, self.alias, dotted(CREATED_BY))
            )
        if missing:
            return "table %s does not exist on database %r (it is created by %s)" % (
                missing,
                self.alias,
                dotted(CREATED_BY),
            )
        return None

    def _missing_table(self) -> str | None:
        with self.connection.cursor() as cursor:
            tables = set(self.connection.introspection.table_names(cursor))
        for model in (MigrationRun, MigrationRunStep):
            if model._meta.db_table not in tables:
                return model._meta.db_table
        return None

    def _give_up(self, reason: str) -> None:
        if not self.given_up:
            self.given_up, self.reason = True, reason
            self.warn("Audit log not written: %s." % reason)


def _close_interrupted(run: MigrationRun, alias: str) -> None:
    run.outcome = "interrupted"
    run.error = "The process ended without closing the run (killed, or its connection was lost)."
    run.save(update_fields=["outcome", "error"])
    run.steps.using(alias).filter(outcome="running").update(outcome="interrupted")


def interrupted_message(run: MigrationRun, alias: str) -> str:
    """Tell the user about a run that a killed process left open, and what it was running."""
    step = run.steps.using(alias).filter(outcome="interrupted").order_by("position").first()
    return (
        "The audit log shows that run #%d (pid %s on %s, started %s) ended without finishing%s; "
        "it is now marked interrupted."
        % (
            run.pk,
            run.pid,
            run.host or "an unknown host",
            run.started.isoformat(timespec="seconds"),
            " while %s %s.%s"
            % ("unapplying" if step.backwards else "applying", step.app_label, step.name)
            if step
            else "",
        )
    )


def _os_user() -> str:
    """The operating-system user, or "" where there is none (a container without passwd)."""
    try:
        return getpass.getuser()[:150]
    except (OSError, KeyError):  # pragma: no cover - depends on the environment
        return ""
