"""Write synthetic Django projects whose migrations branch, merge and depend on each other.

Every project is real: the migrations create small models and add nullable
integer fields to them, so ``migrate`` can apply them; ``models.py`` holds the
union of every branch, which is the state once every head is applied, so the
autodetector that a no-op ``migrate`` runs finds no changes.

Shape of one app (``S`` squashed, ``*`` a migration, ``M`` a merge)::

    0001 - 0002 - ... - 00S   (replaced by 0001_squashed_00S when squashing)
                          \\
                           * - * - * - M - * - * - ... - *    trunk head, no label
                            \\         /    \\
                             * - * --'      * - * - *         head of branch "b12"

A branch either carries a label of its own (declared on its first migration)
and stays open to the end, or has no label and is merged back into the trunk,
so the heads of every app carry distinct label sets and django_branchmig's
conflict policy accepts them. A label may be declared again in a later app (a
branch spanning apps), whose first migration then depends on the declaring
migration of the earlier app. Migrations depend on migrations of earlier apps
only, so the graph has no cycle.

Run ``python -m bench.generate DIR --size 2000`` to write one project.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

Key = tuple[str, str]


@dataclass(frozen=True)
class Spec:
    """What to generate. ``size`` is ``apps * migrations_per_app`` migration files."""

    apps: int = 10
    migrations_per_app: int = 200
    models_per_app: int = 5
    #: Chance that a trunk migration starts a branch (so becomes a branch point).
    branch_share: float = 0.05
    #: Share of branches that carry a label and stay open; the others are merged back.
    labelled_share: float = 0.4
    #: Share of labelled branches that reuse the label of an earlier app (spanning apps).
    spanning_share: float = 0.3
    #: Mean length of a branch that is merged back.
    branch_length: int = 3
    #: Chance that a migration also depends on a migration of an earlier app.
    cross_app_share: float = 0.05
    #: Share of apps whose first ``squash_length`` migrations are squashed.
    squash_share: float = 0.2
    squash_length: int = 10
    seed: int = 0

    @property
    def size(self) -> int:
        return self.apps * self.migrations_per_app

    @classmethod
    def for_size(cls, size: int, per_app: int = 200, **options: object) -> Spec:
        """Return a spec of about ``size`` migrations, ``per_app`` per app."""
        apps = max(1, round(size / per_app))
        return cls(apps=apps, migrations_per_app=max(1, size // apps), **options)


@dataclass
class Migration:
    name: str
    dependencies: list[Key]
    operations: list[tuple[str, ...]]
    labels: tuple[str, ...] = ()
    replaces: list[Key] = field(default_factory=list)
    initial: bool = False


@dataclass
class _Branch:
    tip: Key
    label: str | None
    left: int


@dataclass
class Project:
    """A generated project, described enough for the benchmarks to pick targets."""

    path: Path
    spec: Spec
    apps: dict[str, list[Migration]]
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return sum(len(migrations) for migrations in self.apps.values())

    def meta(self) -> dict[str, object]:
        """Facts about the graph: labels, where they are declared, a trunk node per app."""
        labels: dict[str, list[str]] = {}
        replaced = set()
        trunk: dict[str, str] = {}
        for app_label, migrations in self.apps.items():
            for migration in migrations:
                for label in migration.labels:
                    labels.setdefault(label, []).append(app_label)
                replaced.update(migration.replaces)
        for app_label, migrations in self.apps.items():
            names = [m.name for m in migrations if not m.labels and not m.replaces]
            middle = [n for n in names[len(names) // 2 :] if (app_label, n) not in replaced]
            trunk[app_label] = middle[0] if middle else names[-1]
        return {
            "spec": asdict(self.spec),
            "files": self.files,
            "graph_nodes": self.files - len(replaced),
            "apps": list(self.apps),
            "labels": labels,
            "spanning_labels": sorted(k for k, v in labels.items() if len(v) > 1),
            "trunk_node": trunk,
            "generate_seconds": round(self.seconds, 3),
        }


def plan_app(
    app_label: str,
    spec: Spec,
    rng: random.Random,
    earlier: dict[str, list[Migration]],
    open_labels: list[tuple[str, Key]],
    counter: list[int],
    squashed: bool = False,
) -> list[Migration]:
    """Return the migrations of one app; ``open_labels`` collects labels others may span."""
    total = spec.migrations_per_app
    squash = spec.squash_length if squashed and total > spec.squash_length + 6 else 0
    budget = total - 1 if squash else total
    models = ["Model%d" % i for i in range(spec.models_per_app)]
    migrations: list[Migration] = []
    used_labels: set[str] = set()

    def add(parents: list[Key], operations: list[tuple[str, ...]], **kwargs: object) -> Key:
        number = len(migrations) + 1
        kind = "merge" if not operations and len(parents) > 1 else "step"
        name = "%04d_%s" % (number, "initial" if number == 1 else kind)
        dependencies = list(parents)
        if earlier and operations and rng.random() < spec.cross_app_share:
            other = rng.choice(list(earlier))
            target = rng.choice(earlier[other])
            dependencies.append((other, target.name))
        migrations.append(Migration(name, dependencies, operations, **kwargs))  # type: ignore[arg-type]
        return (app_label, name)

    def add_field() -> list[tuple[str, ...]]:
        counter[0] += 1
        return [("add", rng.choice(models).lower(), "f%d" % counter[0])]

    trunk = add([], [("create", model) for model in models], initial=True)
    active: list[_Branch] = []
    while len(migrations) < budget:
        remaining = budget - len(migrations)
        unlabelled = [b for b in active if b.label is None]
        due = [b for b in unlabelled if b.left <= 0]
        if due or (unlabelled and remaining <= len(unlabelled) + 1):
            branch = (due or unlabelled)[0]
            trunk = add([trunk, branch.tip], [])
            active.remove(branch)
            continue
        if remaining <= 1:
            trunk = add([trunk], add_field())
            continue
        may_branch = len(migrations) > squash + 1
        if may_branch and rng.random() < spec.branch_share:
            labelled = rng.random() < spec.labelled_share
            if labelled and remaining >= len(unlabelled) + 2:
                label, parents = _choose_label(app_label, spec, rng, open_labels, used_labels)
                used_labels.add(label)
                tip = add([trunk, *parents], add_field(), labels=(label,))
                if not parents:
                    open_labels.append((label, tip))
                active.append(_Branch(tip, label, 0))
                continue
            if not labelled and remaining >= len(unlabelled) + 3:
                length = rng.randint(1, max(1, 2 * spec.branch_length - 1))
                tip = add([trunk], add_field())
                active.append(_Branch(tip, None, length - 1))
                continue
        if active and rng.random() < 0.5:
            branch = rng.choice(active)
            branch.tip = add([branch.tip], add_field())
            branch.left -= 1
        else:
            trunk = add([trunk], add_field())
    if squash:
        replaced = migrations[:squash]
        external = [d for m in replaced for d in m.dependencies if d[0] != app_label]
        squashed = Migration(
            "0001_squashed_%04d" % squash,
            list(dict.fromkeys(external)),
            [op for m in replaced for op in m.operations],
            replaces=[(app_label, m.name) for m in replaced],
            initial=True,
        )
        migrations.insert(squash, squashed)
    return migrations


def _choose_label(
    app_label: str,
    spec: Spec,
    rng: random.Random,
    open_labels: list[tuple[str, Key]],
    used: set[str],
) -> tuple[str, list[Key]]:
    """Reuse a label of an earlier app (depending on its declaration), or make a new one."""
    candidates = [(label, key) for label, key in open_labels if key[0] != app_label]
    candidates = [(label, key) for label, key in candidates if label not in used]
    if candidates and rng.random() < spec.spanning_share:
        label, key = rng.choice(candidates[-20:])
        return label, [key]
    return "b%d" % (len(open_labels) + 1), []


def plan_project(spec: Spec) -> dict[str, list[Migration]]:
    """Return every app's migrations, apps in dependency order."""
    rng = random.Random(spec.seed)
    width = max(3, len(str(spec.apps - 1)))
    apps: dict[str, list[Migration]] = {}
    open_labels: list[tuple[str, Key]] = []
    counter = [0]
    for index in range(spec.apps):
        app_label = "app%0*d" % (width, index)
        # Exactly ``squash_share`` of the apps are squashed, spread evenly.
        squashed = int((index + 1) * spec.squash_share) > int(index * spec.squash_share)
        apps[app_label] = plan_app(
            app_label, spec, rng, apps, open_labels, counter, squashed=squashed
        )
    _unique_labels(apps)
    return apps


def _unique_labels(apps: dict[str, list[Migration]]) -> None:
    """Check that no label is declared twice in one app (branchmig.E002)."""
    for app_label, migrations in apps.items():
        seen: set[str] = set()
        for migration in migrations:
            for label in migration.labels:
                if label in seen:
                    raise AssertionError("label %s declared twice in %s" % (label, app_label))
                seen.add(label)


# Writing --------------------------------------------------------------------

SETTINGS = '''"""Settings of a synthetic benchmark project (written by bench/generate.py)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "benchmark-not-secret"
DEBUG = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

BENCH_APPS = %(apps)r
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_branchmig",
    *BENCH_APPS,
]
# The baseline "Django without django_branchmig" (only for projects Django accepts).
if os.environ.get("BENCH_WITHOUT_BRANCHMIG"):
    INSTALLED_APPS.remove("django_branchmig")

if os.environ.get("BENCH_DB", "sqlite") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("BENCH_DB_NAME", "branchmig_bench"),
            "USER": os.environ.get("BENCH_PG_USER", "postgres"),
            "PASSWORD": os.environ.get("BENCH_PG_PASSWORD", ""),
            "HOST": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("BENCH_PG_PORT", "5432"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCH_DB_NAME", str(BASE_DIR / "db.sqlite3")),
        }
    }
'''

MANAGE = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def _operation(op: tuple[str, ...]) -> str:
    if op[0] == "create":
        return (
            "        migrations.CreateModel(\n"
            "            name=%r,\n"
            '            fields=[("id", models.AutoField(primary_key=True, serialize=False))],\n'
            "        ),\n" % op[1]
        )
    return "        migrations.AddField(%r, %r, models.IntegerField(null=True)),\n" % (
        op[1],
        op[2],
    )


def migration_source(migration: Migration) -> str:
    lines = [
        "from django.db import migrations, models\n",
        "\n\n",
        "class Migration(migrations.Migration):\n",
    ]
    if migration.initial:
        lines.append("    initial = True\n")
    if migration.labels:
        lines.append("    branch_labels = %r\n" % (migration.labels,))
    if migration.replaces:
        lines.append("    replaces = %r\n" % (migration.replaces,))
    lines.append("    dependencies = %r\n" % (migration.dependencies,))
    lines.append("    operations = [\n")
    lines.extend(_operation(op) for op in migration.operations)
    lines.append("    ]\n")
    return "".join(lines)


def models_source(migrations: list[Migration]) -> str:
    """The union of every branch: each model with every field any migration adds."""
    fields: dict[str, list[str]] = {}
    for migration in migrations:
        if migration.replaces:
            continue
        for op in migration.operations:
            if op[0] == "create":
                fields.setdefault(op[1], [])
            else:
                model = next(m for m in fields if m.lower() == op[1])
                fields[model].append(op[2])
    parts = ["from django.db import models\n"]
    for model, names in fields.items():
        parts.append("\n\nclass %s(models.Model):\n" % model)
        parts.append("    id = models.AutoField(primary_key=True)\n")
        parts.extend("    %s = models.IntegerField(null=True)\n" % name for name in names)
    return "".join(parts)


def generate(path: Path | str, spec: Spec) -> Project:
    """Write the project described by ``spec`` into ``path`` (created, must be empty)."""
    start = time.perf_counter()
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError("%s is not empty" % root)
    apps = plan_project(spec)
    for app_label, migrations in apps.items():
        package = root / app_label / "migrations"
        package.mkdir(parents=True)
        (root / app_label / "__init__.py").write_text("")
        (root / app_label / "models.py").write_text(models_source(migrations))
        (package / "__init__.py").write_text("")
        for migration in migrations:
            (package / (migration.name + ".py")).write_text(migration_source(migration))
    (root / "settings.py").write_text(SETTINGS % {"apps": list(apps)})
    (root / "manage.py").write_text(MANAGE)
    project = Project(root, spec, apps)
    project.seconds = time.perf_counter() - start
    (root / "bench_meta.json").write_text(json.dumps(project.meta(), indent=1))
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--size", type=int, default=2000, help="migration files (default 2000)")
    parser.add_argument("--per-app", type=int, default=200)
    parser.add_argument("--models-per-app", type=int, default=5)
    parser.add_argument("--branch-share", type=float, default=Spec.branch_share)
    parser.add_argument("--labelled-share", type=float, default=Spec.labelled_share)
    parser.add_argument("--spanning-share", type=float, default=Spec.spanning_share)
    parser.add_argument("--cross-app-share", type=float, default=Spec.cross_app_share)
    parser.add_argument("--squash-share", type=float, default=Spec.squash_share)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    spec = Spec.for_size(
        args.size,
        per_app=args.per_app,
        models_per_app=args.models_per_app,
        branch_share=args.branch_share,
        labelled_share=args.labelled_share,
        spanning_share=args.spanning_share,
        cross_app_share=args.cross_app_share,
        squash_share=args.squash_share,
        seed=args.seed,
    )
    project = generate(args.path, spec)
    json.dump(project.meta(), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
