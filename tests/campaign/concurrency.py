"""Race N processes that migrate one database, for R rounds; count double applies and failures.

Run it as a script to compare ``branchmigrate`` with Django's plain ``migrate``::

    python -m tests.campaign.concurrency --command branchmigrate --backend postgresql --rounds 20
    python -m tests.campaign.concurrency --command migrate --backend mysql --rounds 20

It uses its own database (``bm_campaign_concurrency``, or a file under the temporary directory
for SQLite), migrates Django's apps there once, then each round removes the campaign scenario's
tables and rows and starts the processes together. The test suite calls ``race()`` on the test
database.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIO_MODULES = {
    app: "tests.scenarios.campaign.%s" % app for app in ("shop", "payments", "inventory")
}
DATABASE = "bm_campaign_concurrency"


@dataclass
class Result:
    """What ``rounds`` rounds of ``processes`` racing processes did."""

    command: str
    rounds: int = 0
    processes: int = 0
    failed_processes: int = 0
    applied_twice: int = 0  # migrations with more than one django_migrations row, summed
    extra_rows: int = 0  # rows beyond one per migration, summed
    inconsistent_rounds: int = 0  # rounds whose schema does not match the record
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        lines = [
            "%s: %d rounds x %d processes in %.1fs"
            % (self.command, self.rounds, self.processes, self.seconds),
            "  failed processes: %d of %d" % (self.failed_processes, self.rounds * self.processes),
            "  migrations applied twice or more: %d (extra django_migrations rows: %d)"
            % (self.applied_twice, self.extra_rows),
            "  rounds whose schema does not match the record: %d" % self.inconsistent_rounds,
        ]
        lines.extend("  error x%d: %s" % (n, e) for e, n in self.errors.most_common(5))
        return "\n".join(lines)


def child_env(database_name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        BRANCHMIG_DB_NAME_DEFAULT=database_name,
        BRANCHMIG_MIGRATION_MODULES=json.dumps(SCENARIO_MODULES),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def reset(connection) -> None:
    """Remove the campaign's tables and its ``django_migrations`` rows, however many."""
    from tests.utils import TEST_APPS, drop_scenario_tables

    drop_scenario_tables(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app IN (%s)" % ", ".join(["%s"] * len(TEST_APPS)),
            list(TEST_APPS),
        )


def race(connection, command: str, rounds: int, processes: int) -> Result:
    """Start ``processes`` runs of ``command --noinput`` together, ``rounds`` times."""
    from tests.campaign.schema import mismatch
    from tests.utils import TEST_APPS

    env = child_env(str(connection.settings_dict["NAME"]))
    result = Result(command, processes=processes)
    started = time.monotonic()
    for _ in range(rounds):
        reset(connection)
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "django", command, "--noinput"],
                cwd=REPO_ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        for child in children:
            _, err = child.communicate()
            if child.returncode != 0:
                result.failed_processes += 1
                lines = [line for line in err.splitlines() if line.strip()]
                result.errors[lines[-1][:160] if lines else "exit %d" % child.returncode] += 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name, COUNT(*) FROM django_migrations GROUP BY app, name")
            counts = [n for app, _, n in cursor.fetchall() if app in TEST_APPS]
        result.applied_twice += sum(1 for n in counts if n > 1)
        result.extra_rows += sum(n - 1 for n in counts if n > 1)
        result.inconsistent_rounds += bool(mismatch(connection))
        result.rounds += 1
    reset(connection)
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--command", choices=["branchmigrate", "migrate"], required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--processes", type=int, default=8)
    args = parser.parse_args(argv)

    if args.backend == "sqlite":
        name = str(Path(tempfile.gettempdir()) / ("%s.sqlite3" % DATABASE))
    else:
        name = DATABASE
    os.environ.update(child_env(name))
    os.environ["BRANCHMIG_TEST_DB"] = args.backend
    sys.path.insert(0, str(REPO_ROOT))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if args.backend != "sqlite":
        with connection._nodb_cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS %s" % DATABASE)
            cursor.execute("CREATE DATABASE %s" % DATABASE)
    elif os.path.exists(name):
        os.remove(name)
    call_command(
        "branchmigrate", "admin", "auth", "contenttypes", "sessions", "django_branchmig",
        interactive=False, verbosity=0, stderr=io.StringIO(),
    )  # fmt: skip
    result = race(connection, args.command, args.rounds, args.processes)
    print("%s on %s" % (result.summary(), args.backend))
    return 0 if not (result.failed_processes or result.applied_twice) else 1


if __name__ == "__main__":
    sys.exit(main())
