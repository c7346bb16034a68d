"""Profile one management command on a generated project: where does the time go?

``python -m bench.profile --size 10000 [--db empty|full] [--top 25] COMMAND [ARG ...]``

For example ``python -m bench.profile --size 10000 branchmigrate --plan`` and
``python -m bench.profile --size 10000 migrate --plan``. ``--db full`` records
every migration as applied first (for no-op runs and ``branchcurrent``). The
graph build and queries alone: ``python -m bench.probe profile`` inside a
project, or ``python -m bench.run --profile``.
"""

from __future__ import annotations

import argparse
import pstats
import sys
import tempfile

from bench.generate import Spec
from bench.run import Bench, parse_args, run_child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--db", choices=("empty", "full"), default="empty")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("name a management command, e.g. 'branchmigrate --plan'")
    bench = Bench(parse_args(["--sizes", str(args.size)]))
    try:
        project = bench.project("profile-%d" % args.size, Spec.for_size(args.size))
        db = bench.work / "profile.sqlite3"
        if args.db == "full":
            bench.setup_full_db(project, db, warm=True)
        env = bench.env(project, str(db))
        with tempfile.NamedTemporaryFile(suffix=".prof") as output:
            command = [sys.executable, "-m", "cProfile", "-o", output.name]
            seconds, rss, _ = run_child(
                [*command, str(project.path / "manage.py"), *args.command], project.path, env
            )
            print(
                "%s on %d migrations: %.2fs under cProfile, peak RSS %.0f MB"
                % (" ".join(args.command), args.size, seconds, rss)
            )
            stats = pstats.Stats(output.name)
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    finally:
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
