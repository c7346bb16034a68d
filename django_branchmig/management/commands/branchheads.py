"""``branchheads [APP ...]``: the heads of each app and the branch labels they carry."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.management.base import CommandError

from ...graph import BranchGraph
from ...types import dotted
from ..base import USAGE, BranchCommand


class Command(BranchCommand):
    help = (
        "List the heads of every app with migrations, or of the given apps, with their "
        "branch labels. Reads migration files only."
    )
    # Like showmigrations: a graph with errors is what these commands help to look at.
    offers_json = True

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*", metavar="APP", help="Only these apps.")
        super().add_arguments(parser)

    def handle(self, *app_labels: str, json: bool, verbosity: int, **options: Any) -> None:
        graph, _ = self.load(None)
        selected = selected_apps(graph, app_labels)
        if json:
            self.write_json(
                {
                    "heads": [
                        {"app": app, "name": name, "labels": sorted(graph.labels((app, name)))}
                        for app_label in selected
                        for app, name in graph.heads(app_label)
                    ]
                }
            )
            return
        conflicts = graph.conflicts()
        for app_label in selected:
            self.stdout.write(app_label, self.style.MIGRATE_LABEL)
            for head in graph.heads(app_label):
                line = " " + head[1]
                if graph.labels(head):
                    line += " [%s]" % ", ".join(sorted(graph.labels(head)))
                if verbosity >= 2:
                    line += " (%s)" % relative_path(graph.source(head))
                self.stdout.write(line)
            for heads in conflicts.get(app_label, []):
                self.stdout.write(
                    " Conflict: %s carry the same branch labels. Label one branch, or merge "
                    "them with 'python manage.py branchmerge %s'."
                    % (
                        ", ".join(name for _, name in heads),
                        " ".join(dotted(head) for head in heads),
                    ),
                    self.style.WARNING,
                )


def selected_apps(graph: BranchGraph, app_labels: Sequence[str]) -> list[str]:
    """Return the apps to show (all apps with migrations by default), or exit with status 2."""
    problems = []
    for app_label in dict.fromkeys(app_labels):
        if app_label in graph.apps:
            continue
        try:
            apps.get_app_config(app_label)
        except LookupError:
            problems.append("No installed app with label '%s'." % app_label)
        else:
            problems.append("App '%s' has no migrations." % app_label)
    if problems:
        raise CommandError(
            "%s Apps with migrations: %s." % (" ".join(problems), ", ".join(graph.apps)),
            returncode=USAGE,
        )
    return list(dict.fromkeys(app_labels)) or list(graph.apps)


def relative_path(path: str) -> str:
    """Return ``path`` relative to the current directory when it is below it, as Django does."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
