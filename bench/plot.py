"""Draw cost against project size, ours and Django's, on log-log axes.

``python -m bench.plot [RESULTS.json ...] [--out docs/_static/benchmarks.png]``

Reads what ``bench.run`` wrote (several files are merged: a run of the large
sizes may be kept apart from the others), plots the cases measured at several sizes, and
prints the exponent of each series fitted by least squares on log-log axes
(1 means the cost grows linearly with the number of migrations).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_PNG = HERE.parent / "docs" / "_static" / "benchmarks.png"

#: (case in results.json, label of ours, label of Django's counterpart)
SERIES = [
    ("graph + planning", "graph build + planning (in process)", "MigrationLoader(None)"),
    ("branchheads (process)", "manage.py branchheads", "manage.py showmigrations --list"),
    ("branchmigrate --plan", "manage.py branchmigrate --plan", "manage.py migrate --plan"),
    ("no-op branchmigrate", "no-op branchmigrate", "no-op migrate"),
]


def fit(sizes: list[float], costs: list[float]) -> float:
    """Least-squares exponent ``k`` of ``cost = a * size ** k``."""
    slope, _ = np.polyfit(np.log(sizes), np.log(costs), 1)
    return float(slope)


def series(rows: list[dict[str, Any]]) -> list[tuple[str, list[int], list[float], str, int]]:
    """Each (label, sizes, median costs, side, case index) measured at two sizes or more."""
    found = []
    for index, (case, ours_label, django_label) in enumerate(SERIES):
        measured = sorted(
            (r for r in rows if r["case"] == case and r.get("ours_median") is not None),
            key=lambda r: r["size"],
        )
        if len(measured) < 2:
            continue
        sizes = [r["size"] for r in measured]
        found.append((ours_label, sizes, [r["ours_median"] for r in measured], "ours", index))
        if django_label:
            costs = [r["django_median"] for r in measured]
            found.append((django_label, sizes, costs, "django", index))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="*", type=Path, default=[HERE / "out" / "results.json"])
    parser.add_argument("--out", type=Path, default=DEFAULT_PNG)
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [json.loads(path.read_text()) for path in args.results]
    results = runs[0]
    found = series([row for run in runs for row in run["rows"]])
    if not found:
        print("No case was measured at two sizes or more; nothing to plot.", file=sys.stderr)
        return 1
    figure, axes = plt.subplots(figsize=(8, 5.5), dpi=110)
    colours = plt.get_cmap("tab10")
    for label, sizes, costs, side, index in found:
        exponent = fit(sizes, costs)
        print("%-40s exponent %.2f over %s" % (label, exponent, sizes))
        axes.plot(
            sizes,
            costs,
            color=colours(index),
            marker="o" if side == "ours" else "s",
            linestyle="-" if side == "ours" else "--",
            label="%s (k=%.2f)" % (label, exponent),
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("migrations in the project")
    axes.set_ylabel("median seconds")
    machine = results.get("machine", {})
    axes.set_title(
        "Cost against project size — solid: django-branchmig, dashed: Django\n"
        "%s × %s, Python %s, Django %s"
        % (machine.get("cpus"), machine.get("cpu"), machine.get("python"), machine.get("django")),
        fontsize=9,
    )
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out)
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
