"""Merge analysis: what two parallel branches touch, and whether their order matters.

Two branches are parallel when neither head is an ancestor of the other. A merge
migration lets Django apply them in either order, so a merge is only safe when
the order does not matter. Two tests decide that, both on Django's own project
states and without a database:

- *touches*: every built-in operation is mapped to the models, fields, tables,
  indexes, constraints, options and managers it changes, following
  ``RenameModel`` and ``RenameField`` so that a rename on one side and a change
  on the other are seen to be about the same thing. Branches *overlap* when
  both touch the same model; a reference (a relation to a model) only overlaps
  with creating, deleting or renaming that model.
- *order*: from the project state at the branches' common ancestors, apply the
  left branch then the right one, and the right then the left. Neither order
  may raise, the two states must be equal (indexes and constraints compared as
  sets), and when the branches overlap the merged state must still render
  (every relation resolves).

The verdict is ``conflicting`` when the order test fails, else ``opaque`` when a
side holds an operation whose effect cannot be read (``RunSQL``,
``RunPython``, ``SeparateDatabaseAndState``, custom operations), else
``commuting`` when the branches overlap, else ``independent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db.migrations import operations as ops
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.migrations.utils import resolve_relation

from .graph import BranchGraph
from .types import Key, dotted

INDEPENDENT = "independent"
COMMUTING = "commuting"
CONFLICTING = "conflicting"
OPAQUE = "opaque"

#: Kinds of things an operation touches; overlap rows use all but RELATION.
MODEL, FIELD, TABLE, INDEX, CONSTRAINT, OPTIONS, MANAGERS = (
    "model",
    "field",
    "table",
    "index",
    "constraint",
    "options",
    "managers",
)
RELATION = "relation"
_FINE = (FIELD, TABLE, INDEX, CONSTRAINT, OPTIONS, MANAGERS)

_OPAQUE_TYPES = (ops.RunSQL, ops.RunPython, ops.SeparateDatabaseAndState)
# Present in Django 5.2; looked up by name so that a release without them still works.
_ALTER_INDEX_TOGETHER: Any = getattr(ops, "AlterIndexTogether", ())
_ALTER_CONSTRAINT: Any = getattr(ops, "AlterConstraint", ())

#: A model as named at the branches' common ancestors: ``(app_label, model_name_lower)``.
ModelId = tuple[str, str]


@dataclass(frozen=True)
class OperationRef:
    """One operation of a branch: its migration, position and description."""

    key: Key
    index: int
    description: str

    def __str__(self) -> str:
        return "%s: %s" % (dotted(self.key), self.description)


@dataclass(frozen=True)
class Overlap:
    """One row of the overlap table: something both branches touch.

    ``kind`` is ``"model"`` for the model as a whole (every operation of each
    side on it), or the finer thing both sides touch: ``"field"``,
    ``"index"``, ``"constraint"`` (``name`` holds its name), ``"table"``,
    ``"options"`` or ``"managers"``.
    """

    model_key: ModelId
    model: str
    name: str | None
    kind: str
    left: tuple[OperationRef, ...]
    right: tuple[OperationRef, ...]


@dataclass(frozen=True)
class Analysis:
    """The verdict on two parallel branches, and why."""

    verdict: str
    left: tuple[Key, ...]
    right: tuple[Key, ...]
    overlaps: tuple[Overlap, ...] = ()
    #: Operations whose effect cannot be read, as ``("left" | "right", operation)``.
    opaque: tuple[tuple[str, OperationRef], ...] = ()
    #: Why the order test failed, for a ``conflicting`` verdict.
    error: str | None = None

    @property
    def models(self) -> list[ModelId]:
        """The models both branches touch."""
        return list(dict.fromkeys(overlap.model_key for overlap in self.overlaps))

    @property
    def model_names(self) -> list[str]:
        """The models both branches touch, as the operations name them (``shop.Order``)."""
        return list(dict.fromkeys(overlap.model for overlap in self.overlaps))


@dataclass(frozen=True)
class _Touch:
    model: ModelId
    kind: str
    name: str | None


class _Names:
    """Follow one branch's renames back to the names at the common ancestors."""

    def __init__(self) -> None:
        self._models: dict[ModelId, ModelId] = {}
        self._fields: dict[tuple[ModelId, str], str] = {}
        self._renamed_away: set[ModelId] = set()

    def copy(self) -> _Names:
        other = _Names()
        other._models = dict(self._models)
        other._fields = dict(self._fields)
        other._renamed_away = set(self._renamed_away)
        return other

    def model(self, app_label: str, name: str) -> ModelId:
        key = (app_label, name.lower())
        return self._models.get(key, key)

    def field(self, model: ModelId, name: str) -> str:
        return self._fields.get((model, name.lower()), name.lower())

    def create_model(self, app_label: str, name: str) -> ModelId:
        key = (app_label, name.lower())
        if key in self._renamed_away:  # A new model takes the name of a renamed one.
            self._models[key] = (app_label, "%s (new)" % name.lower())
        return self.model(app_label, name)

    def rename_model(self, app_label: str, old: str, new: str) -> None:
        identity = self.model(app_label, old)
        self._models.pop((app_label, old.lower()), None)
        self._renamed_away.add((app_label, old.lower()))
        self._models[(app_label, new.lower())] = identity

    def rename_field(self, model: ModelId, old: str, new: str) -> None:
        identity = self.field(model, old)
        self._fields.pop((model, old.lower()), None)
        self._fields[(model, new.lower())] = identity


class _Side:
    """What one branch touches, operation by operation."""

    def __init__(self, migrations: Sequence[Any], display: dict[Any, str]) -> None:
        self.keys = tuple((m.app_label, m.name) for m in migrations)
        self.touches: list[tuple[_Touch, OperationRef]] = []
        self.opaque: list[OperationRef] = []
        names = _Names()
        for migration in migrations:
            for index, operation in enumerate(migration.operations):
                ref = OperationRef(
                    (migration.app_label, migration.name), index, operation.describe()
                )
                found, opaque = _touches(operation, migration.app_label, names, display)
                self.touches += [(touch, ref) for touch in found]
                if opaque:
                    self.opaque.append(ref)


def _touches(
    op: Any, app_label: str, names: _Names, display: dict[Any, str]
) -> tuple[list[_Touch], bool]:
    """Return what ``op`` touches, and whether it is opaque; follow its renames."""
    if isinstance(op, ops.SeparateDatabaseAndState):
        found, _ = _many(op.database_operations, app_label, names.copy(), display)
        state_found, _ = _many(op.state_operations, app_label, names, display)
        return found + state_found, True
    if isinstance(op, ops.RunSQL):
        return _many(op.state_operations, app_label, names, display)[0], True
    if isinstance(op, _OPAQUE_TYPES) or not isinstance(op, Operation):
        return [], True

    def model(name: str) -> ModelId:
        identity = names.model(app_label, name)
        display.setdefault(identity, name)
        return identity

    def field(model_id: ModelId, name: str) -> _Touch:
        identity = names.field(model_id, name)
        display.setdefault((model_id, identity), name)
        return _Touch(model_id, FIELD, identity)

    if isinstance(op, ops.CreateModel):
        created = names.create_model(app_label, op.name)
        display.setdefault(created, op.name)
        found = [_Touch(created, MODEL, None)]
        for _, column in op.fields:
            found += _relations(column, app_label, op.name_lower, names)
        for base in op.bases or ():
            if isinstance(base, str) and "." in base:
                found.append(_Touch(names.model(*resolve_relation(base)), RELATION, None))
        return found, False
    if isinstance(op, (ops.DeleteModel, ops.AlterModelOptions)):
        kind = MODEL if isinstance(op, ops.DeleteModel) else OPTIONS
        return [_Touch(model(op.name), kind, None)], False
    if isinstance(op, ops.RenameModel):
        found = [_Touch(model(op.old_name), MODEL, None)]
        names.rename_model(app_label, op.old_name, op.new_name)
        return found, False
    if isinstance(op, (ops.AlterModelTable, ops.AlterModelTableComment)):
        return [_Touch(model(op.name), TABLE, None)], False
    if isinstance(op, ops.AlterModelManagers):
        return [_Touch(model(op.name), MANAGERS, None)], False
    if isinstance(op, (ops.AlterUniqueTogether, _ALTER_INDEX_TOGETHER)):
        model_id = model(op.name)
        kind = CONSTRAINT if isinstance(op, ops.AlterUniqueTogether) else INDEX
        found = [_Touch(model_id, kind, op.option_name)]
        fields = dict.fromkeys(name for group in op.option_value or () for name in group)
        return found + [field(model_id, name) for name in fields], False
    if isinstance(op, ops.AlterOrderWithRespectTo):
        model_id = model(op.name)
        found = [_Touch(model_id, OPTIONS, "order_with_respect_to"), field(model_id, "_order")]
        if op.order_with_respect_to:
            found.append(field(model_id, op.order_with_respect_to))
        return found, False
    if isinstance(op, ops.RenameField):
        model_id = model(op.model_name)
        found = [field(model_id, op.old_name)]
        names.rename_field(model_id, op.old_name, op.new_name)
        return found, False
    if isinstance(op, (ops.AddField, ops.RemoveField, ops.AlterField)):
        model_id = model(op.model_name)
        found = [field(model_id, op.name)]
        definition = getattr(op, "field", None)
        if definition is not None:
            found += _relations(definition, app_label, op.model_name_lower, names)
        return found, False
    if isinstance(op, (ops.AddIndex, ops.AddConstraint)):
        model_id = model(op.model_name)
        thing = op.index if isinstance(op, ops.AddIndex) else op.constraint
        kind = INDEX if isinstance(op, ops.AddIndex) else CONSTRAINT
        columns = [name.lstrip("-") for name in getattr(thing, "fields", ()) or ()]
        return [_Touch(model_id, kind, thing.name)] + [field(model_id, c) for c in columns], False
    if isinstance(op, (ops.RemoveIndex, ops.RemoveConstraint, _ALTER_CONSTRAINT)):
        kind = INDEX if isinstance(op, ops.RemoveIndex) else CONSTRAINT
        return [_Touch(model(op.model_name), kind, op.name)], False
    if isinstance(op, ops.RenameIndex):
        model_id = model(op.model_name)
        found = [_Touch(model_id, INDEX, op.new_name)]
        if op.old_name:
            found.append(_Touch(model_id, INDEX, op.old_name))
        return found + [field(model_id, name) for name in op.old_fields or ()], False
    return [], True  # A custom operation: its effect cannot be read.


def _many(
    operations: Iterable[Any], app_label: str, names: _Names, display: dict[Any, str]
) -> tuple[list[_Touch], bool]:
    found: list[_Touch] = []
    opaque = False
    for operation in operations:
        touched, hidden = _touches(operation, app_label, names, display)
        found += touched
        opaque = opaque or hidden
    return found, opaque


def _relations(field: Any, app_label: str, model_name: str, names: _Names) -> list[_Touch]:
    """The models a field points to (``to`` and ``through``), as references."""
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return []
    found = []
    for target in (remote.model, getattr(remote, "through", None)):
        if target is not None:
            found.append(
                _Touch(
                    names.model(*resolve_relation(target, app_label, model_name)), RELATION, None
                )
            )
    return found


def _meet(a: _Touch, b: _Touch) -> bool:
    """Whether two touches of one model make the branches overlap."""
    if a.kind == RELATION or b.kind == RELATION:
        return MODEL in (a.kind, b.kind)
    return True


def overlaps(
    left: Sequence[Any], right: Sequence[Any], state: ProjectState | None = None
) -> tuple[Overlap, ...]:
    """Return the overlap table of two branches, given as lists of ``Migration``.

    ``state`` (at the common ancestors) only supplies the models' own names for
    display; without it, names are as the operations spell them.
    """
    return _overlaps(*_sides(left, right, state))


def _sides(
    left: Sequence[Any], right: Sequence[Any], state: ProjectState | None
) -> tuple[_Side, _Side, dict[Any, str]]:
    display: dict[Any, str] = {}
    if state is not None:
        display.update({key: model_state.name for key, model_state in state.models.items()})
    return _Side(left, display), _Side(right, display), display


def _overlaps(left: _Side, right: _Side, display: dict[Any, str]) -> tuple[Overlap, ...]:
    by_model: dict[ModelId, tuple[list[Any], list[Any]]] = {}
    for position, side in enumerate((left, right)):
        for touch, ref in side.touches:
            by_model.setdefault(touch.model, ([], []))[position].append((touch, ref))
    rows: list[Overlap] = []

    def label(model_id: ModelId) -> str:
        return "%s.%s" % (model_id[0], display.get(model_id, model_id[1]))

    for model_id in sorted(by_model, key=label):
        on_left, on_right = by_model[model_id]
        pairs = [(a, b) for a in on_left for b in on_right if _meet(a[0], b[0])]
        if not pairs:
            continue
        left_things = {(t.kind, t.name) for t, _ in on_left if t.kind in _FINE}
        shared = [
            thing
            for thing in dict.fromkeys((t.kind, t.name) for t, _ in on_right)
            if thing in left_things
        ]
        fine = []
        for kind, name in sorted(
            shared, key=lambda thing: (_FINE.index(thing[0]), thing[1] or "")
        ):
            refs = [_refs(side, kind, name) for side in (on_left, on_right)]
            shown = display.get((model_id, name), name) if kind == FIELD else name
            fine.append(Overlap(model_id, label(model_id), shown, kind, refs[0], refs[1]))
        whole = (
            tuple(dict.fromkeys(a[1] for a, _ in pairs)),
            tuple(dict.fromkeys(b[1] for _, b in pairs)),
        )
        listed_left = {ref for row in fine for ref in row.left}
        listed_right = {ref for row in fine for ref in row.right}
        if not fine or set(whole[0]) - listed_left or set(whole[1]) - listed_right:
            rows.append(Overlap(model_id, label(model_id), None, MODEL, *whole))
        rows += fine
    return tuple(rows)


class ModelOverlaps:
    """Which models two sides both touch, reading each migration's operations once.

    ``W001`` compares every pair of heads of an app, and a migration above several
    heads takes part in many pairs. Without renames, what a migration touches does
    not depend on what came before it on its side, so it is read once, as three
    sets of models (touched as a whole or in part, referenced, created or deleted
    or renamed), and a side is the union of its migrations' sets. A side that
    renames a model or a field falls back to the ordered walk of ``overlaps()``.
    Either way the models are those of ``overlaps()``'s rows.
    """

    def __init__(self, graph: BranchGraph) -> None:
        self._graph = graph
        self._read: dict[Key, _Read] = {}
        self._created: dict[ModelId, str] | None = None

    def __call__(self, left: Iterable[Key], right: Iterable[Key]) -> list[tuple[ModelId, str]]:
        """The models both sides touch with their names (``shop.Order``), sorted by name."""
        reads = [[self._read_once(key) for key in side] for side in (left, right)]
        if any(read.renames for side in reads for read in side):
            table = overlaps([r.migration for r in reads[0]], [r.migration for r in reads[1]])
            found = frozenset(row.model_key for row in table)
        else:
            left_reads, right_reads = reads
            found = (_union(left_reads, "strong") & _union(right_reads, "strong")) | (
                (_union(left_reads, "referenced") & _union(right_reads, "whole"))
                | (_union(right_reads, "referenced") & _union(left_reads, "whole"))
            )
        labels = {m: "%s.%s" % (m[0], self._name(m, reads)) for m in found}
        return [(m, labels[m]) for m in sorted(found, key=labels.__getitem__)]

    def _read_once(self, key: Key) -> _Read:
        read = self._read.get(key)
        if read is None:
            read = self._read[key] = _Read(self._graph.migration(key))
        return read

    def _name(self, model_id: ModelId, reads: list[list[_Read]]) -> str:
        """The model's class name in the project, else as created, else as first spelled."""
        try:
            class_name = global_apps.get_registered_model(*model_id)._meta.object_name
        except LookupError:
            class_name = None
        if class_name:
            return class_name
        if self._created is None:
            self._created = {}
            for key in self._graph.nodes:
                for op in getattr(self._graph.migration(key), "operations", ()):
                    if isinstance(op, (ops.CreateModel, ops.RenameModel)):
                        name = op.name if isinstance(op, ops.CreateModel) else op.new_name
                        self._created[(key[0], name.lower())] = name
        if model_id in self._created:
            return self._created[model_id]
        spelled = (r.display[model_id] for side in reads for r in side if model_id in r.display)
        return next(spelled, model_id[1])


def _union(reads: list[_Read], part: str) -> frozenset[ModelId]:
    return frozenset().union(*[getattr(read, part) for read in reads])


class _Read:
    """What one migration touches, read on its own (valid while its side renames nothing)."""

    def __init__(self, migration: Any) -> None:
        self.migration = migration
        self.display: dict[Any, str] = {}
        kinds: dict[ModelId, set[str]] = {}
        for touch, _ in _Side([migration], self.display).touches:
            kinds.setdefault(touch.model, set()).add(touch.kind)
        self.strong = frozenset(m for m, found in kinds.items() if found - {RELATION})
        self.referenced = frozenset(m for m, found in kinds.items() if RELATION in found)
        self.whole = frozenset(m for m, found in kinds.items() if MODEL in found)
        self.renames = _renames(migration.operations)


def _renames(operations: Iterable[Any]) -> bool:
    """Whether ``operations`` rename a model or a field, nested ones included."""
    for op in operations:
        if isinstance(op, (ops.RenameModel, ops.RenameField)):
            return True
        if isinstance(op, ops.SeparateDatabaseAndState) and _renames(
            [*op.database_operations, *op.state_operations]
        ):
            return True
        if isinstance(op, ops.RunSQL) and _renames(op.state_operations):
            return True
    return False


def _refs(touches: list[Any], kind: str, name: str | None) -> tuple[OperationRef, ...]:
    return tuple(dict.fromkeys(ref for t, ref in touches if (t.kind, t.name) == (kind, name)))


# The order test ----------------------------------------------------------------


class _OrderFailure(Exception):
    pass


def _apply(state: ProjectState, migrations: Sequence[Any], what: str) -> ProjectState:
    state = state.clone()
    for migration in migrations:
        for operation in migration.operations:
            try:
                operation.state_forwards(migration.app_label, state)
            except Exception as exc:
                raise _OrderFailure(
                    "%s fails at %s (%s): %s: %s"
                    % (
                        what,
                        dotted((migration.app_label, migration.name)),
                        operation.describe(),
                        type(exc).__name__,
                        exc,
                    )
                ) from exc
    return state


def _normalised(model_state: Any) -> Any:
    """A copy whose indexes and constraints are sorted: their order is not meaningful."""
    clone = model_state.clone()
    for option in ("indexes", "constraints"):
        if option in clone.options:
            clone.options[option] = sorted(clone.options[option], key=lambda obj: obj.name)
    return clone


def _difference(first: ProjectState, second: ProjectState) -> str | None:
    """Describe the first difference between two project states, or return None."""
    for key in sorted(set(first.models) | set(second.models)):
        if key not in first.models or key not in second.models:
            return "model %s exists in one order only" % dotted(key)
        a, b = first.models[key], second.models[key]
        if a == b or _normalised(a) == _normalised(b):
            continue
        model = "%s.%s" % (key[0], a.name)
        if set(a.fields) != set(b.fields):
            return "%s has fields %s in one order and %s in the other" % (
                model,
                ", ".join(sorted(a.fields)),
                ", ".join(sorted(b.fields)),
            )
        for name in sorted(a.fields):
            if a.fields[name].deconstruct()[1:] != b.fields[name].deconstruct()[1:]:
                return "field %s of %s differs" % (name, model)
        a, b = _normalised(a), _normalised(b)
        for option in sorted(set(a.options) | set(b.options)):
            if a.options.get(option) != b.options.get(option):
                return "option %s of %s differs" % (option, model)
        return "the bases or managers of %s differ" % model
    return None


def _render_error(state: ProjectState) -> str | None:
    """Render the state's models, as ``migrate`` does, and return why it fails."""
    try:
        state.apps  # noqa: B018  (rendering is the check)
    except Exception as exc:
        return "%s: %s" % (type(exc).__name__, exc)
    return None


def _order_error(
    base: ProjectState, left: Sequence[Any], right: Sequence[Any], overlap: bool
) -> str | None:
    name_left = "branch %s" % dotted((left[-1].app_label, left[-1].name))
    name_right = "branch %s" % dotted((right[-1].app_label, right[-1].name))
    try:
        left_first = _apply(
            _apply(base, left, "Applying %s" % name_left),
            right,
            "Applying %s after %s" % (name_right, name_left),
        )
        right_first = _apply(
            _apply(base, right, "Applying %s" % name_right),
            left,
            "Applying %s after %s" % (name_left, name_right),
        )
    except _OrderFailure as exc:
        return str(exc)
    difference = _difference(left_first, right_first)
    if difference:
        return "%s then %s differs from the reverse order: %s." % (
            name_left.capitalize(),
            name_right,
            difference,
        )
    if not overlap:
        return None
    error = _render_error(left_first)
    if error is None:
        return None
    # Blame the merge only if each branch is valid on its own.
    if _render_error(_apply(base, left, "")) or _render_error(_apply(base, right, "")):
        return None
    return "The merged project state is invalid: %s" % error


# Entry points --------------------------------------------------------------------


def analyse(base: ProjectState, left: Sequence[Any], right: Sequence[Any]) -> Analysis:
    """Analyse two branches, each a list of ``Migration`` in the order they apply.

    ``base`` is the project state at the branches' common ancestors; it is not
    changed.
    """
    left_side, right_side, display = _sides(left, right, base)
    rows = _overlaps(left_side, right_side, display)
    opaque = tuple(("left", ref) for ref in left_side.opaque) + tuple(
        ("right", ref) for ref in right_side.opaque
    )
    error = _order_error(base, left, right, bool(rows)) if left and right else None
    if error:
        verdict = CONFLICTING
    elif opaque:
        verdict = OPAQUE
    elif rows:
        verdict = COMMUTING
    else:
        verdict = INDEPENDENT
    return Analysis(verdict, left_side.keys, right_side.keys, rows, opaque, error)


def branches(graph: BranchGraph, a: Key, b: Key) -> tuple[list[Key], list[Key], list[Key]]:
    """Split the ancestry of two heads: ``(common, left, right)``, each in apply order.

    ``left`` is what ``a`` needs and ``b`` does not, in every app; ``common``
    is what both need.
    """
    above_a, above_b = graph.ancestors([a]), graph.ancestors([b])
    return (
        graph.sorted(above_a & above_b),
        graph.sorted(above_a - above_b),
        graph.sorted(above_b - above_a),
    )


def head_pairs(graph: BranchGraph, app_label: str | None = None) -> list[tuple[Key, Key]]:
    """Every pair of heads of one app (of each app by default), in graph order."""
    pairs = []
    for label in graph.apps if app_label is None else (app_label,):
        heads = graph.heads(label)
        pairs += [(a, b) for position, a in enumerate(heads) for b in heads[position + 1 :]]
    return pairs


def base_state(graph: BranchGraph, keys: Iterable[Key], real_apps: Iterable[str] = ()) -> Any:
    """The project state after ``keys`` (closed under dependencies), applied in graph order."""
    state = ProjectState(real_apps=set(real_apps))
    for key in graph.sorted(keys):
        state = graph.migration(key).mutate_state(state, preserve=False)
    return state


def analyse_heads(graph: BranchGraph, loader: Any, a: Key, b: Key) -> Analysis:
    """Analyse the branches of heads ``a`` and ``b`` of a graph built from ``loader``."""
    common, left, right = branches(graph, a, b)
    state = base_state(graph, common, getattr(loader, "unmigrated_apps", ()))
    return analyse(
        state, [graph.migration(key) for key in left], [graph.migration(key) for key in right]
    )


# Rendering -----------------------------------------------------------------------


def format_table(analysis: Analysis) -> str:
    """Return the overlap table as plain text, one operation per line in each cell."""
    if not analysis.overlaps:
        return ""
    headers = (
        "Model",
        "Name",
        "Kind",
        "Left (%s)" % _head(analysis.left),
        "Right (%s)" % _head(analysis.right),
    )
    rows = [headers] + [
        (
            row.model,
            row.name or "-",
            row.kind,
            "\n".join(map(str, row.left)),
            "\n".join(map(str, row.right)),
        )
        for row in analysis.overlaps
    ]
    widths = [max(len(line) for row in rows for line in row[i].split("\n")) for i in range(4)]
    lines = []
    for row in rows:
        cells = [cell.split("\n") for cell in row]
        for n in range(max(len(cell) for cell in cells)):
            parts = [cell[n] if n < len(cell) else "" for cell in cells]
            padded = [part.ljust(width) for part, width in zip(parts, widths)] + [parts[4]]
            lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def _head(keys: tuple[Key, ...]) -> str:
    return dotted(keys[-1]) if keys else "nothing"
