"""Run every benchmark case side by side with Django and print the table.

``python -m bench.run [--sizes 2000,10000,50000] [--repeat 5] [--quick]``

Every measurement is a fresh process, so neither side profits from the other's
imports or caches: a ``python manage.py ...`` for the commands, a
``python -m bench.probe ...`` for what is measured inside one process (there,
Django's loader and our graph are timed in the same process, one after the
other, because ours reads what Django built). A row and its Django
counterpart are measured in the same run, alternating which goes first, and
reported as the median of the per-repeat ratios with their min and max.
Peak memory is the child's ``ru_maxrss`` for commands and the ``tracemalloc``
peak of each phase for in-process rows.

Results go to stdout and to ``bench/out/results.json``; ``bench/plot.py`` draws
them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import Project, Spec, generate

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

#: Targets from issues 3 and 6: ratio of ours to Django's that must not be exceeded.
GRAPH_TARGET = 0.05
COMMAND_TARGET = 1.05
ADMIN_TARGET = 1.0


@dataclass
class Row:
    case: str
    size: int | None
    ours: list[float] = field(default_factory=list)
    django: list[float] = field(default_factory=list)
    ours_mb: float | None = None
    django_mb: float | None = None
    target: float | None = None
    note: str = ""
    #: Set when the case was not measured; the reason replaces the numbers.
    skipped: str = ""
    #: The machine's 1-minute load average when the row was finished.
    load: float | None = None

    @property
    def ratios(self) -> list[float]:
        return [o / d for o, d in zip(self.ours, self.django) if d]

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        if self.ours and self.django:
            ratios = self.ratios
            data.update(
                ours_median=statistics.median(self.ours),
                django_median=statistics.median(self.django),
                ratio_median=statistics.median(ratios),
                ratio_min=min(ratios),
                ratio_max=max(ratios),
                met=None if self.target is None else statistics.median(ratios) <= self.target,
            )
        return data


# Processes ---------------------------------------------------------------------


class ChildFailed(RuntimeError):
    pass


def run_child(
    args: Sequence[str], cwd: Path, env: dict[str, str], timeout: float = 3600
) -> tuple[float, float, str]:
    """Run one process; return its wall time (s), its peak RSS (MB) and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would give the max of all.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        if process.returncode:
            raise ChildFailed(
                "%s exited with %d in %s:\n%s"
                % (" ".join(args), process.returncode, cwd, err.read().decode(errors="replace"))
            )
    return elapsed, usage.ru_maxrss / 1024, stdout


def snapshot(target: Path) -> dict[str, str]:
    """Copy the package as it is now, so edits made during a long run do not mix in."""
    source = REPO / "django_branchmig"
    shutil.copytree(
        source, target / "django_branchmig", ignore=shutil.ignore_patterns("__pycache__")
    )
    digest = hashlib.sha256()
    for path in sorted((target / "django_branchmig").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(target)).encode())
            digest.update(path.read_bytes())
    return {"package_sha256": digest.hexdigest()[:16], "commit": git_describe()}


def git_describe() -> str:
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.repeat: int = args.repeat
        self.rows: list[Row] = []
        self.generation: list[dict[str, Any]] = []
        self.work = Path(tempfile.mkdtemp(prefix="branchmig-bench-"))
        self.started = time.perf_counter()
        self.source = snapshot(self.work / "src")
        self.profiles: dict[int, dict[str, str]] = {}

    # Environment ---------------------------------------------------------------

    def env(self, project: Project, db: str | None = None, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        # The snapshot comes first: the whole run measures one version of the package.
        paths = (str(self.work / "src"), str(REPO), os.environ.get("PYTHONPATH", ""))
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        env["DJANGO_SETTINGS_MODULE"] = "settings"
        env.pop("BENCH_WITHOUT_BRANCHMIG", None)
        if db is not None:
            env["BENCH_DB_NAME"] = db
        env.update(extra)
        return env

    def manage(self, project: Project, *args: str) -> list[str]:
        return [sys.executable, str(project.path / "manage.py"), *args]

    def log(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        print("[%6.0fs] %s" % (elapsed, message), file=sys.stderr, flush=True)

    def project(self, name: str, spec: Spec) -> Project:
        project = generate(self.work / name, spec)
        start = time.perf_counter()
        # Both sides then import compiled modules, as a deployed project does.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j", "0", str(project.path)], check=True
        )
        compiled = time.perf_counter() - start
        self.generation.append(
            {
                "project": name,
                "files": project.files,
                "apps": spec.apps,
                "generate_s": round(project.seconds, 3),
                "compile_s": round(compiled, 3),
            }
        )
        self.log(
            "generated %s: %d migrations in %.1fs (+%.1fs compileall)"
            % (name, project.files, project.seconds, compiled)
        )
        return project

    def setup_full_db(self, project: Project, path: Path, warm: bool) -> None:
        """Apply the contrib apps, record every generated migration, warm up once."""
        env = self.env(project, str(path))
        for app in ("contenttypes", "auth"):
            run_child(self.manage(project, "migrate", app, "-v0"), project.path, env)
        run_child([sys.executable, "-m", "bench.probe", "record"], project.path, env)
        if warm:
            # The first no-op run creates content types and permissions; time later ones.
            run_child(self.manage(project, "migrate", "-v0"), project.path, env)

    # Measuring -----------------------------------------------------------------

    def pair(
        self,
        row: Row,
        ours: Sequence[str],
        django: Sequence[str],
        cwd: Path,
        env_ours: dict[str, str],
        env_django: dict[str, str] | None = None,
        before: Callable[[], None] | None = None,
        repeat: int | None = None,
    ) -> Row:
        """Alternate the two commands ``repeat`` times; ``before`` runs untimed before each."""
        env_django = env_django or env_ours
        ours_rss: list[float] = []
        django_rss: list[float] = []
        for index in range(repeat or self.repeat):
            sides = [("ours", ours, env_ours), ("django", django, env_django)]
            if index % 2:
                sides.reverse()
            for side, args, env in sides:
                if before is not None:
                    before()
                seconds, rss, _ = run_child(args, cwd, env)
                if side == "ours":
                    row.ours.append(seconds)
                    ours_rss.append(rss)
                else:
                    row.django.append(seconds)
                    django_rss.append(rss)
        row.ours_mb = statistics.median(ours_rss)
        row.django_mb = statistics.median(django_rss)
        self.add(row)
        return row

    def add(self, row: Row) -> None:
        row.load = round(os.getloadavg()[0], 2)
        self.rows.append(row)
        data = row.summary()
        if row.skipped:
            self.log("%s @ %s: %s" % (row.case, row.size, row.skipped))
        else:
            self.log(
                "%s @ %s: ours %.3fs django %.3fs ratio %.3f"
                % (
                    row.case,
                    row.size,
                    data["ours_median"],
                    data["django_median"],
                    data["ratio_median"],
                )
            )

    # Cases ---------------------------------------------------------------------

    def in_process(
        self, project: Project, size: int, full_db: Path, repeat: int, everything: bool
    ) -> None:
        """Graph build and queries against Django's loader build, in one process each.

        Without ``everything`` (large sizes) only the disk probe runs: no applied
        overlay and no memory probe, whose ``tracemalloc`` makes it slow.
        """
        cwd = project.path
        env = self.env(project, str(full_db))
        probe = [sys.executable, "-m", "bench.probe"]
        disk: list[dict[str, float]] = []
        current: list[dict[str, float]] = []
        for index in range(repeat):
            kinds = ["disk", "current"] if everything else ["disk"]
            for kind in kinds if index % 2 == 0 else reversed(kinds):
                result = json.loads(run_child([*probe, kind], cwd, env)[2])
                (disk if kind == "disk" else current).append(result)
        memory: dict[str, float | None] = dict.fromkeys(
            ["django", "graph", "heads", "targets", "plan", "policy", "django_connected"]
        )
        memory["current"] = None
        if everything:
            memory = json.loads(run_child([*probe, "memory"], cwd, env)[2])
        cases = [
            ("graph build (from_loader)", ["graph"], "graph"),
            ("graph + heads and conflicts", ["graph", "heads"], "heads"),
            ("graph + target resolution", ["graph", "targets"], "targets"),
            ("graph + planning", ["graph", "plan"], "plan"),
            ("conflict policy (migrate's detect_conflicts)", ["policy"], "policy"),
        ]
        for case, parts, memory_key in cases:
            row = Row(case, size, target=GRAPH_TARGET, note="vs MigrationLoader(None)")
            row.ours = [sum(result[p] for p in parts) for result in disk]
            row.django = [result["django"] for result in disk]
            row.ours_mb = memory[memory_key]
            row.django_mb = memory["django"]
            self.add(row)
        if not current:
            return
        row = Row(
            "graph + applied overlay + branchcurrent report",
            size,
            target=GRAPH_TARGET,
            note="vs MigrationLoader(connection)",
        )
        row.ours = [result["current"] for result in current]
        row.django = [result["django"] for result in current]
        row.ours_mb = memory["current"]
        row.django_mb = memory["django_connected"]
        self.add(row)
        row = Row(
            "admin layout + JSON (page_data, applied overlay)",
            size,
            target=ADMIN_TARGET,
            note="vs MigrationLoader(connection)",
        )
        row.ours = [result["admin"] for result in current]
        row.django = [result["django"] for result in current]
        row.ours_mb = memory.get("admin")
        row.django_mb = memory["django_connected"]
        self.add(row)

    def commands(self, project: Project, size: int, full_db: Path, repeat: int) -> None:
        cwd = project.path
        full = self.env(project, str(full_db))
        self.pair(
            Row("branchheads (process)", size, note="vs showmigrations --list"),
            self.manage(project, "branchheads"),
            self.manage(project, "showmigrations", "--list"),
            cwd,
            full,
            repeat=repeat,
        )
        self.pair(
            Row("branchcurrent (process)", size, note="vs showmigrations --list"),
            self.manage(project, "branchcurrent"),
            self.manage(project, "showmigrations", "--list"),
            cwd,
            full,
            repeat=repeat,
        )

    def migrate_commands(self, project: Project, size: int, full_db: Path) -> None:
        cwd = project.path
        full = self.env(project, str(full_db))
        empty = self.env(project, str(self.work / ("empty-%d.sqlite3" % size)))
        self.pair(
            Row("branchmigrate --plan", size, target=COMMAND_TARGET, note="vs migrate --plan"),
            self.manage(project, "branchmigrate", "--plan"),
            self.manage(project, "migrate", "--plan"),
            cwd,
            empty,
        )
        self.pair(
            Row("no-op branchmigrate", size, target=COMMAND_TARGET, note="vs no-op migrate"),
            self.manage(project, "branchmigrate"),
            self.manage(project, "migrate"),
            cwd,
            full,
        )

    def install_overhead(self, size: int) -> None:
        """Plain ``migrate`` with and without django_branchmig, on a project Django accepts."""
        spec = Spec.for_size(size, labelled_share=0.0)
        project = self.project("unlabelled-%d" % size, spec)
        size = project.files
        full_db = self.work / ("unlabelled-full-%d.sqlite3" % size)
        self.setup_full_db(project, full_db, warm=True)
        empty = self.env(project, str(self.work / ("unlabelled-empty-%d.sqlite3" % size)))
        full = self.env(project, str(full_db))
        for name, env, args in (
            ("migrate --plan", empty, ["migrate", "--plan"]),
            ("no-op migrate", full, ["migrate"]),
        ):
            without = dict(env, BENCH_WITHOUT_BRANCHMIG="1")
            self.pair(
                Row(
                    "%s, app installed (unlabelled project)" % name,
                    size,
                    note="vs same without django_branchmig",
                ),
                self.manage(project, *args),
                self.manage(project, *args),
                project.path,
                env,
                without,
            )
        shutil.rmtree(project.path, ignore_errors=True)

    def apply(self, size: int) -> None:
        """Apply ``size`` migrations on a fresh database, ours against ``migrate``."""
        spec = Spec.for_size(size, per_app=100)
        project = self.project("apply-%d" % size, spec)
        size = project.files
        db = self.work / ("apply-%d.sqlite3" % size)

        def fresh_sqlite() -> None:
            db.unlink(missing_ok=True)

        env = self.env(project, str(db))
        self.pair(
            Row("apply (SQLite)", size, target=COMMAND_TARGET, note="branchmigrate vs migrate"),
            self.manage(project, "branchmigrate"),
            self.manage(project, "migrate"),
            project.path,
            env,
            before=fresh_sqlite,
        )
        self.apply_postgresql(project, size)

    def apply_postgresql(self, project: Project, size: int) -> None:
        row = Row(
            "apply (PostgreSQL)", size, target=COMMAND_TARGET, note="branchmigrate vs migrate"
        )
        if self.args.no_postgresql:
            row.skipped = "skipped (--no-postgresql)"
            self.add(row)
            return
        try:
            import psycopg
        except ImportError:
            row.skipped = "skipped: psycopg is not installed"
            self.add(row)
            return
        name = "branchmig_bench_%d" % os.getpid()
        params = {
            "host": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
            "port": os.environ.get("BENCH_PG_PORT", "5432"),
            "user": os.environ.get("BENCH_PG_USER", "postgres"),
            "password": os.environ.get("BENCH_PG_PASSWORD", ""),
            "dbname": "postgres",
        }
        try:
            admin = psycopg.connect(**params, autocommit=True, connect_timeout=5)
        except psycopg.Error as exc:
            row.skipped = "skipped: PostgreSQL not reachable (%s)" % str(exc).splitlines()[0]
            self.add(row)
            return

        def fresh_database() -> None:
            admin.execute('DROP DATABASE IF EXISTS "%s"' % name)
            admin.execute('CREATE DATABASE "%s"' % name)

        env = self.env(project, name, BENCH_DB="postgresql")
        try:
            self.pair(
                row,
                self.manage(project, "branchmigrate"),
                self.manage(project, "migrate"),
                project.path,
                env,
                before=fresh_database,
            )
        finally:
            admin.execute('DROP DATABASE IF EXISTS "%s"' % name)
            admin.close()

    # Driver --------------------------------------------------------------------

    def run(self) -> None:
        args = self.args
        for size in args.sizes:
            large = size > args.process_max
            repeat = min(self.repeat, args.large_repeat) if large else self.repeat
            project = self.project("project-%d" % size, Spec.for_size(size))
            size = project.files
            full_db = self.work / ("full-%d.sqlite3" % size)
            if args.in_process_only:
                self.setup_full_db(project, full_db, warm=False)
                self.in_process(project, size, full_db, repeat, everything=True)
                shutil.rmtree(project.path, ignore_errors=True)
                continue
            if not large or args.large_commands:
                self.setup_full_db(project, full_db, warm=not large)
            self.in_process(project, size, full_db, repeat, everything=not large)
            if not large or args.large_commands:
                self.commands(project, size, full_db, repeat)
            if not large:
                self.migrate_commands(project, size, full_db)
            if args.profile:
                env = self.env(project, str(full_db))
                probe = [sys.executable, "-m", "bench.probe", "profile"]
                self.profiles[size] = json.loads(run_child(probe, project.path, env)[2])
            shutil.rmtree(project.path, ignore_errors=True)
        if args.install_size:
            self.install_overhead(args.install_size)
        if args.apply:
            self.apply(args.apply)

    def cleanup(self) -> None:
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)


# Reporting ----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import django

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def fit_exponent(sizes: Sequence[float], costs: Sequence[float]) -> float | None:
    """Least-squares slope of log(cost) against log(size): 1 is linear growth."""
    import math

    points = [(math.log(s), math.log(c)) for s, c in zip(sizes, costs) if s > 0 and c > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    denominator = sum((x - mean_x) ** 2 for x, _ in points)
    if not denominator:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / denominator


def exponents(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Fit the growth exponent of each case that was measured at several sizes."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("ours_median") is not None and row["size"]:
            by_case.setdefault(row["case"], []).append(row)
    fitted = {}
    for case, case_rows in by_case.items():
        if len(case_rows) < 2:
            continue
        sizes = [r["size"] for r in case_rows]
        fitted[case] = {
            "ours": fit_exponent(sizes, [r["ours_median"] for r in case_rows]),
            "django": fit_exponent(sizes, [r["django_median"] for r in case_rows]),
            "sizes": sizes,
        }
    return fitted


def table(rows: Sequence[dict[str, Any]]) -> str:
    header = (
        "case",
        "size",
        "ours (s)",
        "django (s)",
        "ratio (min–max)",
        "peak MB ours/django",
        "target",
        "met?",
    )
    lines = []
    for row in rows:
        size = "{:,}".format(row["size"]) if row["size"] else "—"
        target = "≤ %.2f" % row["target"] if row["target"] is not None else "—"
        if row["skipped"]:
            lines.append((row["case"], size, row["skipped"], "", "", "", target, "—"))
            continue
        memory = (
            "%.0f / %.0f" % (row["ours_mb"], row["django_mb"])
            if row["ours_mb"] is not None
            else "not measured"
        )
        met = "—" if row["met"] is None else ("yes" if row["met"] else "no")
        lines.append(
            (
                row["case"],
                size,
                "%.3f" % row["ours_median"],
                "%.3f" % row["django_median"],
                "%.3f (%.3f–%.3f)" % (row["ratio_median"], row["ratio_min"], row["ratio_max"]),
                memory,
                target,
                met,
            )
        )
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        out.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths)) + " |")
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="2000,10000,50000",
        help="project sizes in migrations, comma-separated (default 2000,10000,50000)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per side (default 5)")
    parser.add_argument(
        "--process-max",
        type=int,
        default=10000,
        help="largest size for the migrate/branchmigrate cases (default 10000); larger "
        "sizes run the in-process graph cases only, --large-repeat times",
    )
    parser.add_argument("--large-repeat", type=int, default=3)
    parser.add_argument(
        "--large-commands",
        action="store_true",
        help="also run branchheads and branchcurrent at sizes above --process-max",
    )
    parser.add_argument(
        "--apply", type=int, default=500, help="migrations to apply (0 to skip; default 500)"
    )
    parser.add_argument(
        "--install-size",
        type=int,
        default=2000,
        help="size of the 'app installed vs not' case (0 to skip; default 2000)",
    )
    parser.add_argument(
        "--in-process-only",
        action="store_true",
        help="only the in-process rows (graph, queries, overlay, admin page, memory) at every "
        "size; with --apply 0 --install-size 0 it is a quick rerun after a change to the graph",
    )
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the graph queries")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 migrations, 2 repeats, apply 100: a smoke run"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.apply, args.install_size = "2000", 2, 100, 2000
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.cleanup()
    rows = [row.summary() for row in bench.rows]
    results = {
        "machine": machine(),
        "measured": bench.source,
        "arguments": {k: v if not isinstance(v, Path) else str(v) for k, v in vars(args).items()},
        "seconds": round(time.perf_counter() - bench.started, 1),
        "generation": bench.generation,
        "rows": rows,
        "exponents": exponents(rows),
        "profiles": {str(k): v for k, v in bench.profiles.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(table(rows))
    print()
    for case, fit in results["exponents"].items():
        print(
            "exponent of %s over %s: ours %s, django %s"
            % (case, fit["sizes"], _fmt(fit["ours"]), _fmt(fit["django"]))
        )
    print("\nwrote %s in %.0fs" % (args.out, results["seconds"]))
    return 0


def _fmt(value: float | None) -> str:
    return "—" if value is None else "%.2f" % value


if __name__ == "__main__":
    sys.exit(main())
