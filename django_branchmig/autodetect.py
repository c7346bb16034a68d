"""Place the migrations ``makemigrations`` writes on the branch graph.

Django's autodetector compares the models with the state of *every* migration, all heads
included, and ``arrange_for_graph`` then builds the new migration on the app's first head in name
order. The operations are right whichever branch the migration lands on: they are what the models
add to all that exists. Comparing with the state at the chosen head instead would copy the other
branches' operations into the new migration, and applying both branches would then do them
twice. Only the place is arbitrary, so these functions take Django's arranged ``changes`` and:

- move the app's new migration onto the node chosen with ``--head`` (and renumber it from there);
- refuse to guess when the app has several heads and none was chosen;
- add the dependencies its operations need from other branches: a model or field that the
  migrations below the new one do not create, created by a migration on another branch;
- check the graph the new migrations would make: no cycle, no new conflict, no taken name.

They work on the changes, not on the autodetector class, so that another app's autodetector
(django-syzygy's, say) can produce the operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.db.migrations import operations as ops
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.operations.fields import FieldOperation
from django.db.migrations.operations.models import (
    AlterTogetherOptionOperation,
    IndexOperation,
    ModelOperation,
)
from django.db.migrations.state import ProjectState

from .graph import DEPENDENCY, PARENT, BranchGraph, GraphError
from .labels import label_error
from .targets import TargetError, parse, resolve_node
from .types import Key, dotted

#: ``(app_label, model_name_lower, field_name_lower or None)``: a model, or a field of one.
Ref = tuple[str, str, str | None]

#: Exit codes, as the commands use them: a refusal, and a usage error.
REFUSED = 1
USAGE = 2


class PlacementError(ValueError):
    """The new migrations cannot be placed; the message says why and what to do."""

    def __init__(self, message: str, returncode: int = REFUSED) -> None:
        super().__init__(message)
        self.returncode = returncode


@dataclass
class Placement:
    """Where ``makemigrations`` builds: the options, and the graph they were checked against."""

    loader: Any
    graph: BranchGraph
    #: The node chosen with ``--head``, or None to build on the app's only head.
    base: Key | None = None
    #: The label ``--branch-label`` declares on the new branch.
    label: str | None = None
    #: ``--check``: report changes even in an app with several heads (Django's exit 1).
    lenient: bool = False
    #: What was added, for the report: ``[(dependency, [refs it provides])]``.
    added: list[tuple[Key, list[Ref]]] = field(default_factory=list)


# Choosing the base --------------------------------------------------------------------------


def resolve_base(
    text: str, graph: BranchGraph, app_labels: Sequence[str], label: str | None
) -> Key:
    """Resolve ``--head`` to one node of the app being changed.

    ``LABEL@head`` names that branch's head in the app being changed, even when the branch
    spans apps. Without ``--branch-label`` the node must be a head; with it, any node.
    """
    target = parse(text)
    resolved = text
    if target.kind == "head" and target.scope not in graph.apps and len(app_labels) == 1:
        heads = [h for h in graph.heads(app_labels[0]) if target.scope in graph.labels(h)]
        if len(heads) == 1:
            resolved = dotted(heads[0]) + ("%+d" % target.steps if target.steps else "")
    key = resolve_node(resolved, graph)
    named = dotted(key) if text.strip() == dotted(key) else "%r (%s)" % (text, dotted(key))
    if app_labels and key[0] not in app_labels:
        choices = [suggest(graph, h) for a in app_labels for h in graph.heads(a)]
        raise TargetError(
            "--head %s is not in %s. %s"
            % (
                named,
                "app %r" % app_labels[0]
                if len(app_labels) == 1
                else "apps %s" % ", ".join(repr(a) for a in app_labels),
                "Name one of its migrations, e.g. %s." % " or ".join(choices)
                if choices
                else "It has no migrations yet: its first one needs no --head.",
            )
        )
    children = graph.children(key)
    if children and label is None:
        raise TargetError(
            "--head %s is not a head of app %r: %s build%s on it. Build on a head, or start a "
            "new branch there with --branch-label LABEL."
            % (
                named,
                key[0],
                ", ".join(describe(graph, c) for c in children),
                "s" if len(children) == 1 else "",
            )
        )
    return key


def check_label(label: str, graph: BranchGraph, app_label: str, installed: Iterable[str]) -> None:
    """Refuse a ``--branch-label`` that is invalid or already declared in the app."""
    error = label_error(label, installed)
    if error:
        raise TargetError("Invalid --branch-label: %s." % error)
    declared = graph.declarations(label).get(app_label)
    if declared:
        raise TargetError(
            "Branch label %r is already declared in app %r by %s. Choose another label, or "
            "build on that branch with --head %s@head."
            % (label, app_label, ", ".join(dotted(k) for k in declared), label)
        )


def describe(graph: BranchGraph, key: Key) -> str:
    labels = sorted(graph.labels(key))
    return dotted(key) + (" [%s]" % ", ".join(labels) if labels else "")


def suggest(graph: BranchGraph, head: Key) -> str:
    """Return a ``--head`` value that names ``head``: ``LABEL@head`` when one does."""
    app_heads = graph.heads(head[0])
    for label in sorted(graph.labels(head)):
        if [h for h in app_heads if label in graph.labels(h)] == [head]:
            return "%s@head" % label
    return dotted(head)


def several_heads(graph: BranchGraph, app_label: str, leaves: Sequence[Key]) -> str:
    """The refusal for an app with several heads and no ``--head``, listing the choices."""
    rows = [(describe(graph, h), "--head %s" % suggest(graph, h)) for h in leaves]
    width = max(len(row[0]) for row in rows)
    return (
        "App %r has %d heads, so the new migration has no single place to go:\n%s\n"
        "Choose one with --head, or merge the heads first with 'python manage.py branchmerge'."
        % (
            app_label,
            len(leaves),
            "\n".join("  %s  %s" % (name.ljust(width), option) for name, option in rows),
        )
    )


# Placing the changes ------------------------------------------------------------------------


def place(changes: dict[str, list[Any]], placement: Placement) -> list[str]:
    """Move, complete and check Django's arranged ``changes``; return notes to print.

    Raise ``PlacementError`` when they cannot be written. With ``placement.lenient``
    (``--check``, which writes nothing) the reasons become notes instead.
    """
    loader, graph = placement.loader, placement.graph
    notes: list[str] = []
    new_apps = {app for app, migrations in changes.items() if migrations}
    renames: dict[Key, Key] = {}
    try:
        for app_label in sorted(new_apps):
            leaves = loader.graph.leaf_nodes(app_label)
            if placement.base is not None and app_label == placement.base[0]:
                renames.update(_move(changes[app_label], loader, placement.base))
                if placement.label:
                    changes[app_label][0].branch_labels = (placement.label,)
            elif len(leaves) > 1:
                raise PlacementError(several_heads(graph, app_label, leaves), USAGE)
        _rename(changes, renames)
        new = {(m.app_label, m.name): m for migrations in changes.values() for m in migrations}
        guesses = _drop_guessed_leaves(new.values(), loader)
        for migration in _ordered(new, loader):
            placement.added += _add_needed(migration, new, placement)
            _restore_unexplained(migration, guesses.get(id(migration), []))
        check_graph(
            graph, {k: _resolved(m, loader) for k, m in new.items()}, _labels(new), placement
        )
        taken = [key for key in new if key in graph or key in loader.disk_migrations]
        if taken:
            raise PlacementError(
                "Migration %s already exists. Choose another name with --name."
                % ", ".join(dotted(k) for k in taken)
            )
    except PlacementError as exc:
        if not placement.lenient:
            raise
        notes.append(str(exc))
    for dependency, refs in placement.added:
        branch = sorted(graph.labels(dependency))
        notes.append(
            "Added dependency on %s%s: the new operations need %s."
            % (
                dotted(dependency),
                " (branch %s)" % ", ".join(branch) if branch else "",
                " and ".join(_ref_name(ref) for ref in refs),
            )
        )
    return notes


def _move(migrations: list[Any], loader: Any, base: Key) -> dict[Key, Key]:
    """Re-point the app's first new migration from Django's head to ``base``; renumber."""
    first = migrations[0]
    app_label = first.app_label
    leaf = [d for d in first.dependencies if d[0] == app_label and d in loader.graph.nodes]
    first.dependencies = [d for d in first.dependencies if d not in leaf] + [base]
    number = (MigrationAutodetector.parse_number(base[1]) or 0) + 1
    renames = {}
    for offset, migration in enumerate(migrations):
        name = re.sub(r"\A\d+", "%04i" % (number + offset), migration.name, count=1)
        if name != migration.name:
            renames[(app_label, migration.name)] = (app_label, name)
            migration.name = name
    return renames


def _rename(changes: Mapping[str, list[Any]], renames: Mapping[Key, Key]) -> None:
    if not renames:
        return
    for migrations in changes.values():
        for migration in migrations:
            migration.dependencies = [
                renames.get(tuple(d), d) if not hasattr(d, "setting") else d
                for d in migration.dependencies
            ]


def _drop_guessed_leaves(migrations: Iterable[Any], loader: Any) -> dict[int, list[Any]]:
    """Drop dependencies on the first head of an app that has several; return them.

    For an operation that needs another app's model, the autodetector depends on that app's
    first leaf node in name order; with labelled branches that is a guess. Dropping it lets
    ``_add_needed`` depend on the migration that creates the model instead.
    """
    dropped: dict[int, list[Any]] = {}
    for migration in migrations:
        kept = []
        for dependency in migration.dependencies:
            app_label = dependency[0]
            leaves = loader.graph.leaf_nodes(app_label)
            if (
                app_label != migration.app_label
                and not hasattr(dependency, "setting")
                and len(leaves) > 1
                and tuple(dependency) == leaves[0]
            ):
                dropped.setdefault(id(migration), []).append(dependency)
            else:
                kept.append(dependency)
        migration.dependencies = kept
    return dropped


def _restore_unexplained(migration: Any, guesses: list[Any]) -> None:
    """Put back a guessed dependency on an app none of whose models the operations name.

    Such an operation is one ``requirements`` does not know; Django's guess is then safer
    than nothing.
    """
    named = {
        ref[0]
        for operation in migration.operations
        for ref in requirements(operation, migration.app_label)[0]
    }
    migration.dependencies += [guess for guess in guesses if guess[0] not in named]


def _resolved(migration: Any, loader: Any) -> list[Key]:
    """The migration's dependencies as graph keys (``__first__`` resolved, unmigrated dropped)."""
    keys = []
    for dependency in migration.dependencies:
        if dependency[0] == "__setting__":  # The autodetector's form of swappable_dependency().
            model = getattr(settings, dependency[1], "")
            dependency = (model.partition(".")[0], "__first__")
        try:
            key = loader.check_key(tuple(dependency), migration.app_label)
        except ValueError:  # An unknown app: nothing in the graph.
            continue
        if key is not None:
            keys.append(tuple(key))
    return keys


def _ordered(new: Mapping[Key, Any], loader: Any) -> list[Any]:
    """The new migrations, each after the new ones it depends on."""
    order: list[Any] = []
    seen: set[Key] = set()

    def visit(key: Key) -> None:
        if key in seen:
            return
        seen.add(key)
        for dependency in _resolved(new[key], loader):
            if dependency in new:
                visit(dependency)
        order.append(new[key])

    for key in sorted(new):
        visit(key)
    return order


def _add_needed(
    migration: Any, new: Mapping[Key, Any], placement: Placement
) -> list[tuple[Key, list[Ref]]]:
    """Depend on what the operations need and the migrations below them do not create."""
    loader, graph = placement.loader, placement.graph
    added: dict[Key, list[Ref]] = {}
    for _ in range(len(graph) + 1):
        below, state = _state_below(migration, new, loader, graph)
        missing = [
            ref
            for ref in missing_refs(migration.operations, migration.app_label, state)
            if ref[0] in loader.migrated_apps
        ]
        if not missing:
            break
        found: dict[Key, list[Ref]] = {}
        for ref in missing:
            creator = find_creator(ref, graph, below)
            if creator is None:
                raise PlacementError(
                    "The operations of %s.%s need %s, which no migration creates. Add a "
                    "migration that creates it, or check the models."
                    % (migration.app_label, migration.name, _ref_name(ref))
                )
            found.setdefault(creator, []).append(ref)
        for creator, refs in found.items():
            migration.dependencies.append(creator)
            added.setdefault(creator, []).extend(refs)
    else:  # pragma: no cover - every round adds a node of the finite graph
        raise PlacementError("Cannot resolve what %s.%s needs." % (migration.app_label, migration))
    # A creator that another added creator already depends on is redundant; the same-app
    # parent chosen with --head always stays.
    redundant = {
        key
        for key in added
        if any(key in graph.ancestors([other]) for other in added if other != key)
    }
    migration.dependencies = [d for d in migration.dependencies if tuple(d) not in redundant]
    return [(key, refs) for key, refs in added.items() if key not in redundant]


def _state_below(
    migration: Any, new: Mapping[Key, Any], loader: Any, graph: BranchGraph
) -> tuple[set[Key], ProjectState]:
    """The existing nodes below ``migration``, and the state it will be applied to."""
    existing: set[Key] = set()
    below_new: list[Any] = []

    def visit(current: Any) -> None:
        for dependency in _resolved(current, loader):
            if dependency in new:
                if new[dependency] not in below_new:
                    visit(new[dependency])
                    below_new.append(new[dependency])
            else:
                existing.add(dependency)

    visit(migration)
    state = loader.graph.make_state(
        nodes=graph.sorted(existing), at_end=True, real_apps=loader.unmigrated_apps
    )
    for other in below_new:
        state = other.mutate_state(state, preserve=False)
    return graph.ancestors(existing), state


# What operations need -----------------------------------------------------------------------


def missing_refs(operations: Iterable[Any], app_label: str, state: ProjectState) -> list[Ref]:
    """Models and fields the operations need that neither ``state`` nor they create."""
    created: set[Ref] = set()
    missing: list[Ref] = []
    for operation in operations:
        needed, provided = requirements(operation, app_label)
        for ref in needed:
            model: Ref = (ref[0], ref[1], None)
            if model in created or ref in created:
                continue
            if (ref[0], ref[1]) not in state.models:
                ref = model
            elif ref[2] is None or ref[2] in _field_names(state, ref):
                continue
            if ref not in missing and model not in missing:
                missing.append(ref)
        created.update(provided)
    return missing


def requirements(operation: Any, app_label: str) -> tuple[list[Ref], list[Ref]]:
    """What one operation needs to exist, and what it creates.

    RunSQL, RunPython and SeparateDatabaseAndState need nothing that can be named; the
    autodetector does not write them.
    """
    needed: list[Ref] = []
    provided: list[Ref] = []
    if isinstance(operation, ops.CreateModel):
        model = operation.name_lower
        provided.append((app_label, model, None))
        provided += [(app_label, model, name.lower()) for name, _ in operation.fields]
        for base in operation.bases or ():
            needed += _model_refs(base, app_label, model)
        for _, model_field in operation.fields:
            needed += _related(model_field, app_label, model)
    elif isinstance(operation, ops.RenameModel):
        needed.append((app_label, operation.old_name_lower, None))
        provided.append((app_label, operation.new_name_lower, None))
    elif isinstance(operation, FieldOperation):
        model = operation.model_name_lower
        if isinstance(operation, ops.AddField):
            needed.append((app_label, model, None))
            provided.append((app_label, model, operation.name_lower))
        elif isinstance(operation, ops.RenameField):
            needed.append((app_label, model, operation.old_name_lower))
            provided.append((app_label, model, operation.new_name_lower))
        else:
            needed.append((app_label, model, operation.name_lower))
        altered = getattr(operation, "field", None)
        if altered is not None:
            needed += _related(altered, app_label, model)
    elif isinstance(operation, IndexOperation):
        model = operation.model_name_lower
        needed.append((app_label, model, None))
        item = getattr(operation, "index", None) or getattr(operation, "constraint", None)
        for name in getattr(item, "fields", None) or ():
            needed.append((app_label, model, name.lstrip("-").lower()))
    elif isinstance(operation, ModelOperation):
        model = operation.name_lower
        needed.append((app_label, model, None))
        if isinstance(operation, AlterTogetherOptionOperation):
            for together in operation.option_value or ():
                needed += [(app_label, model, name.lower()) for name in together]
        elif (
            isinstance(operation, ops.AlterOrderWithRespectTo) and operation.order_with_respect_to
        ):
            needed.append((app_label, model, operation.order_with_respect_to.lower()))
    return needed, provided


def _related(model_field: Any, app_label: str, model: str) -> list[Ref]:
    remote = getattr(model_field, "remote_field", None)
    if remote is None:
        return []
    refs = _model_refs(remote.model, app_label, model)
    refs += _model_refs(getattr(remote, "through", None), app_label, model)
    to_field = getattr(remote, "field_name", None)
    if refs and to_field:
        refs.append((refs[0][0], refs[0][1], to_field.lower()))
    return refs


def _model_refs(target: Any, app_label: str, model: str) -> list[Ref]:
    if isinstance(target, str):
        if target == "self":
            return [(app_label, model, None)]
        if "." in target:
            other_app, name = target.split(".", 1)
            return [(other_app, name.lower(), None)]
        return [(app_label, target.lower(), None)]
    meta = getattr(target, "_meta", None)
    if meta is None or meta.abstract:
        return []
    return [(meta.app_label, meta.model_name, None)]


def _field_names(state: ProjectState, ref: Ref) -> set[str]:
    return {name.lower() for name in state.models[ref[0], ref[1]].fields}


def find_creator(ref: Ref, graph: BranchGraph, below: set[Key]) -> Key | None:
    """The last migration outside ``below`` that creates ``ref``, in Django's apply order."""
    for key in reversed(graph.nodes):
        if key[0] != ref[0] or key in below:
            continue
        migration = graph.migration(key)
        if migration is not None and any(
            ref in _provided(operation, key[0]) for operation in migration.operations
        ):
            return key
    return None


def _provided(operation: Any, app_label: str) -> Iterator[Ref]:
    if isinstance(operation, ops.SeparateDatabaseAndState):
        for inner in operation.state_operations:
            yield from _provided(inner, app_label)
        return
    yield from requirements(operation, app_label)[1]


def _ref_name(ref: Ref) -> str:
    app_label, model, field_name = ref
    with suppress(LookupError):
        model = global_apps.get_model(app_label, model)._meta.object_name
    if field_name is None:
        return "model %s.%s" % (app_label, model)
    return "field %s.%s.%s" % (app_label, model, field_name)


# Checking the result ------------------------------------------------------------------------


def _labels(new: Mapping[Key, Any]) -> dict[Key, tuple[str, ...]]:
    return {key: tuple(getattr(m, "branch_labels", ()) or ()) for key, m in new.items()}


def check_graph(
    graph: BranchGraph,
    new: Mapping[Key, Sequence[Key]],
    labels: Mapping[Key, tuple[str, ...]],
    placement: Placement | None = None,
) -> BranchGraph:
    """Return the graph with the ``new`` nodes (``{key: dependencies}``) added.

    Refuse a cycle, and a conflict that was not there before: two heads of one app that
    carry the same labels.
    """
    edges = graph.edges()
    edges += [
        (dependency, key, PARENT if dependency[0] == key[0] else DEPENDENCY)
        for key, dependencies in new.items()
        for dependency in dependencies
    ]
    declared = {key: graph.declared_labels(key) for key in graph.nodes}
    declared.update({key: value for key, value in labels.items() if value})
    try:
        extended = BranchGraph(edges, [*graph.nodes, *new], declared)
    except GraphError as exc:
        raise PlacementError(
            "The dependencies the new migrations need would make a cycle. %s Build on another "
            "head with --head, or split the change into several migrations." % exc
        ) from exc
    before = {tuple(group) for groups in graph.conflicts().values() for group in groups}
    for groups in extended.conflicts().values():
        for group in groups:
            if tuple(group) in before or not set(group) & set(new):
                continue
            raise PlacementError(_conflict_message(graph, extended, group, new, placement))
    return extended


def _conflict_message(
    graph: BranchGraph,
    extended: BranchGraph,
    group: list[Key],
    new: Mapping[Key, Sequence[Key]],
    placement: Placement | None,
) -> str:
    (created, *_) = [key for key in group if key in new]
    others = [key for key in group if key != created]
    labels = sorted(extended.labels(created))
    message = "The new migration %s would carry the same branch labels (%s) as %s: two heads " % (
        dotted(created),
        ", ".join(labels) or "none",
        ", ".join(dotted(k) for k in others),
    )
    message += "Django could not tell apart."
    reasons = [
        (key, refs)
        for key, refs in (placement.added if placement else [])
        if key[0] == created[0] and graph.labels(key)
    ]
    if reasons:
        message += " It needs %s, and depending on %s puts it on branch %s." % (
            " and ".join(_ref_name(ref) for _, refs in reasons for ref in refs),
            " and ".join(dotted(key) for key, _ in reasons),
            ", ".join(sorted({label for key, _ in reasons for label in graph.labels(key)})),
        )
    return message + (
        " Build it on that branch instead (--head %s), merge the heads first with "
        "'python manage.py branchmerge', or start a new branch with --branch-label LABEL."
        % " or --head ".join(suggest(graph, key) for key in others if key in graph)
    )
