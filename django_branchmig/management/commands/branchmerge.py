"""``branchmerge TARGET TARGET ...``: write a merge migration over heads of one app.

Like ``makemigrations --merge``, it prints each branch's operations and writes
an empty migration that depends on the heads, named the way Django names it.
Unlike it, the heads are chosen (labelled heads may stay apart), the branches
are analysed first (``django_branchmig.analysis``), a merge of conflicting
branches is refused unless ``--force``, and nothing is asked.

The merge declares no ``branch_labels``: labels reach every same-app descendant
through merge points, so it carries its parents' labels already, and declaring
one of them again would be an error (``branchmig.E002``). It is written with
``BranchMigrationWriter`` all the same, so that the file is what the package's
other writers produce.
"""

from __future__ import annotations

import os
from itertools import combinations
from typing import Any

from django.core.management.base import CommandError
from django.core.management.utils import run_formatters
from django.db.migrations import Migration
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.utils import get_migration_name_timestamp

from ...analysis import CONFLICTING, OPAQUE, Analysis, analyse_heads, format_table
from ...graph import BranchGraph
from ...targets import resolve_node
from ...types import Key, dotted
from ...writer import BranchMigrationWriter
from ..base import USAGE, BranchCommand, disk_loader, graph_errors, target_errors
from .branchheads import relative_path


class Command(BranchCommand):
    help = (
        "Write a merge migration over two or more heads of one app, after printing each "
        "branch's operations and an analysis of whether the branches conflict. Reads and "
        "writes migration files only."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "args",
            nargs="*",
            metavar="TARGET",
            help="The heads to merge (two or more), e.g. shop.0004_promo billing@head.",
        )
        parser.add_argument(
            "--name", help="Use this name after the number instead of merge_<head>_<head>."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the migration file; write nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write the merge even when the analysis finds that the branches conflict.",
        )
        super().add_arguments(parser)

    def handle(
        self,
        *targets: str,
        name: str | None,
        dry_run: bool,
        force: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        if name is not None and not name.isidentifier():
            raise CommandError(
                "The migration name %r is not a valid Python identifier." % name, returncode=USAGE
            )
        with graph_errors():
            loader = disk_loader()
            graph = BranchGraph.from_loader(loader)
        heads = chosen_heads(graph, targets)
        writer = BranchMigrationWriter(merge_migration(heads, name))
        if (heads[0][0], writer.migration.name) in graph or os.path.exists(writer.path):
            raise CommandError(
                "%s already exists (%s). Choose another name with --name."
                % (dotted((heads[0][0], writer.migration.name)), relative_path(writer.path)),
                returncode=USAGE,
            )
        analyses = [(a, b, analyse_heads(graph, loader, a, b)) for a, b in combinations(heads, 2)]
        if verbosity >= 1:
            self.show(graph, heads, analyses)
        conflicting = [(a, b, found) for a, b, found in analyses if found.verdict == CONFLICTING]
        if conflicting and not force:
            raise CommandError(
                "%s Make the branches agree first (change one of them), or write the merge "
                "anyway with --force." % conflict_summary(conflicting)
            )
        if verbosity >= 1 and conflicting:
            self.stdout.write(
                "Writing the merge although the branches conflict (--force).", self.style.WARNING
            )
        if verbosity >= 1 and any(found.verdict == OPAQUE for _, _, found in analyses):
            self.stdout.write(
                "Some operations cannot be analysed (RunSQL, RunPython, "
                "SeparateDatabaseAndState or custom operations): check by hand that the "
                "branches can run in either order.",
                self.style.WARNING,
            )
        if dry_run:
            if verbosity >= 1:
                self.stdout.write(
                    self.style.MIGRATE_HEADING(
                        "Merge migration %s (not written, --dry-run):" % relative_path(writer.path)
                    )
                )
            self.stdout.write(writer.as_string())
            return
        with open(writer.path, "w", encoding="utf-8") as handle:
            handle.write(writer.as_string())
        run_formatters([writer.path], stderr=self.stderr)
        if verbosity >= 1:
            self.stdout.write("Created new merge migration %s" % relative_path(writer.path))
            labels = sorted(set().union(*(graph.labels(head) for head in heads)))
            if labels:
                self.stdout.write(
                    "It carries the branch labels of its parents: %s." % ", ".join(labels)
                )

    def show(
        self, graph: BranchGraph, heads: list[Key], analyses: list[tuple[Key, Key, Analysis]]
    ) -> None:
        """Print each branch's operations, as ``makemigrations --merge`` does, and the analysis."""
        self.stdout.write(self.style.MIGRATE_HEADING("Merging %s" % heads[0][0]))
        common = set.intersection(*(graph.ancestors([head]) for head in heads))
        for head in heads:
            labels = sorted(graph.labels(head))
            title = dotted(head) + (" [%s]" % ", ".join(labels) if labels else "")
            self.stdout.write(self.style.MIGRATE_LABEL("  Branch %s" % title))
            for key in graph.sorted(graph.ancestors([head]) - common):
                self.stdout.write("    %s" % dotted(key))
                for operation in graph.migration(key).operations:
                    self.stdout.write("      %s" % operation.formatted_description())
        for a, b, found in analyses:
            style = self.style.ERROR if found.verdict == CONFLICTING else self.style.SUCCESS
            if found.verdict == OPAQUE:
                style = self.style.WARNING
            self.stdout.write(
                self.style.MIGRATE_HEADING("Analysis of %s and %s: " % (dotted(a), dotted(b)))
                + style(found.verdict)
            )
            if found.overlaps:
                for line in format_table(found).split("\n"):
                    self.stdout.write("  " + line)
            for side, ref in found.opaque:
                self.stdout.write("  Cannot be analysed (%s): %s" % (side, ref))
            if found.error:
                self.stdout.write("  %s" % found.error, self.style.ERROR)


def chosen_heads(graph: BranchGraph, targets: tuple[str, ...]) -> list[Key]:
    """Resolve the targets to two or more distinct heads of one app, or exit with status 2."""
    if not targets:
        raise CommandError(
            "Name the heads to merge, e.g. 'python manage.py branchmerge shop.0004_a "
            "shop.0004_b'. %s" % several_heads(graph),
            returncode=USAGE,
        )
    given: dict[Key, list[str]] = {}
    for target in targets:
        with target_errors():
            key = resolve_node(target, graph)
        if not graph.is_head(key):
            raise CommandError(
                "%s is not a head: %s %s on it. %s"
                % (
                    dotted(key),
                    ", ".join(dotted(child) for child in graph.children(key)),
                    "builds" if len(graph.children(key)) == 1 else "build",
                    heads_of(graph, key[0]),
                ),
                returncode=USAGE,
            )
        given.setdefault(key, []).append(target)
    apps = sorted({key[0] for key in given})
    if len(apps) > 1:
        raise CommandError(
            "The heads belong to different apps (%s); a merge migration joins heads of one app. "
            "Run branchmerge once per app." % ", ".join(dotted(key) for key in given),
            returncode=USAGE,
        )
    for key, texts in given.items():
        if len(texts) > 1:
            raise CommandError(
                "%s is given %d times (%s). Give each head once."
                % (dotted(key), len(texts), ", ".join(repr(t) for t in texts)),
                returncode=USAGE,
            )
    if len(given) < 2:
        (key,) = given
        raise CommandError(
            "Merging needs two or more heads; %r names one, %s. %s"
            % (targets[0], dotted(key), heads_of(graph, key[0])),
            returncode=USAGE,
        )
    return graph.sorted(given)


def heads_of(graph: BranchGraph, app_label: str) -> str:
    heads = graph.heads(app_label)
    if len(heads) == 1:
        return "App %r has a single head, %s: there is nothing to merge." % (
            app_label,
            heads[0][1],
        )
    return "The heads of %s are %s." % (app_label, ", ".join(_head(graph, h) for h in heads))


def several_heads(graph: BranchGraph) -> str:
    apps = [app for app in graph.apps if len(graph.heads(app)) > 1]
    if not apps:
        return "No app has several heads."
    return "Apps with several heads: %s." % "; ".join(
        "%s (%s)" % (app, ", ".join(_head(graph, h) for h in graph.heads(app))) for app in apps
    )


def _head(graph: BranchGraph, key: Key) -> str:
    labels = sorted(graph.labels(key))
    return key[1] + (" [%s]" % ", ".join(labels) if labels else "")


def merge_migration(heads: list[Key], name: str | None) -> Migration:
    """An empty migration over ``heads``, named as ``makemigrations --merge`` names it."""
    numbers = [MigrationAutodetector.parse_number(head[1]) for head in heads]
    biggest = max((n for n in numbers if n is not None), default=1)
    parts = ["%04i" % (biggest + 1)]
    if name:
        parts.append(name)
    else:
        leaf_names = "_".join(sorted(head[1] for head in heads))
        parts += ["merge", get_migration_name_timestamp() if len(leaf_names) > 47 else leaf_names]
    subclass = type("Migration", (Migration,), {"dependencies": list(heads), "operations": []})
    return subclass("_".join(parts), heads[0][0])


def conflict_summary(conflicting: list[tuple[Key, Key, Analysis]]) -> str:
    """Say which pairs of heads conflict, and why."""
    sentences = []
    for a, b, found in conflicting:
        error = found.error or ""
        sentences.append(
            "Refusing to merge %s and %s: their branches conflict. %s%s"
            % (dotted(a), dotted(b), error, "" if error.endswith(".") else ".")
        )
    return " ".join(sentences)
