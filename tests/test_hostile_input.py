"""Hostile input: arbitrary targets through the command, and malformed migration modules.

Whatever the text, ``branchmigrate`` either accepts the targets or exits with status 2 and a
message, before it sends a single query; it never shows a traceback. A malformed migration
module is a system-check error that names its file, never a crash of the check framework.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_branchmig.checks import check_branch_graph, check_parallel_branches
from tests.utils import run_command, scenario_settings, subprocess_command

WORDS = st.sampled_from(
    ["shop", "payments", "inventory", "billing", "heads", "head", "base", "zero", "current"]
    + ["0001", "0002_order", "0003", "@", ".", "+", "-", "1", "2", "99", "_", " ", "\t", "\x00"]
    + ["é", "🙂", "%s", "'", '"', ";", "--", "\\", "/"]
)
TARGETISH = st.lists(WORDS, max_size=8).map("".join)
TARGETS = st.lists(st.one_of(st.text(max_size=30), TARGETISH), min_size=1, max_size=3)


@pytest.mark.django_db
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(targets=TARGETS)
def test_any_target_is_accepted_or_refused_with_exit_2_before_any_query(targets):
    with scenario_settings("cross_app_label"), CaptureQueriesContext(connection) as queries:
        # After "--" every text is a target, as on a command line; "-x" is argparse's usage error.
        out, err, code = run_command("branchmigrate", "--", *targets, plan=True)
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("CommandError: ") and len(err) > len("CommandError: \n")
        assert "Traceback" not in err
        assert out == ""
        assert len(queries) == 0, [q["sql"] for q in queries]
    else:
        assert out.startswith("Planned operations:\n")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target, message",
    [
        ("shop@", "CommandError: Invalid target 'shop@'"),
        ("'; DROP TABLE django_migrations; --", "CommandError: Invalid target"),
        ("\x7f\u202e", "CommandError: Invalid target"),
        ("-:", "usage: "),
    ],
)
def test_a_real_process_exits_2_without_a_traceback(scenario, target, message):
    scenario("cross_app_label")
    result = subprocess_command("branchmigrate", "--noinput", target)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


# Malformed migration modules ---------------------------------------------------------------

INITIAL = """
    from django.db import migrations


    class Migration(migrations.Migration):
        {body}
        operations = []
"""


def messages_for(package: str) -> list[tuple[str, str]]:
    modules = {"shop": package, "payments": None, "inventory": None}
    with override_settings(MIGRATION_MODULES=modules):
        found = check_branch_graph() + check_parallel_branches()
    return [(message.id, message.msg) for message in found]


def path_of(package: str, name: str) -> str:
    import sys
    from pathlib import Path

    return str(Path(sys.modules[package].__file__).parent / ("%s.py" % name))


@pytest.mark.parametrize(
    "value, problem",
    [
        (
            "{'billing': 1}",
            "branch_labels must be a tuple of identifiers, not dict {'billing': 1}",
        ),
        ("b'billing'", "branch_labels must be a tuple of identifiers, not bytes b'billing'"),
        ("{'billing'}", "branch_labels must be a tuple of identifiers, not set {'billing'}"),
        ("42", "branch_labels must be a tuple of identifiers, not int 42"),
        (
            "(None,)",
            "None is not a valid branch label: use an identifier ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "(('billing',),)",
            "('billing',) is not a valid branch label: use an identifier ([A-Za-z_][A-Za-z0-9_]*)",
        ),
        (
            "('shop',)",
            "'shop' is the label of an installed app; a branch label must differ from app labels",
        ),
    ],
)
def test_bad_branch_labels_name_the_file(migration_package, value, problem):
    package = migration_package(
        {"0001_initial.py": INITIAL.replace("{body}", "branch_labels = %s" % value)}
    )
    assert messages_for(package) == [
        (
            "branchmig.E003",
            "shop.0001_initial (%s): %s" % (path_of(package, "0001_initial"), problem),
        )
    ]


def test_cross_app_cycle_names_the_files(migration_package):
    package = migration_package(
        {
            "0001_initial.py": INITIAL.replace("{body}", "dependencies = [('shop', '0002_b')]"),
            "0002_b.py": INITIAL.replace("{body}", "dependencies = [('shop', '0001_initial')]"),
        }
    )
    ((code, msg),) = messages_for(package)
    assert code == "branchmig.E004"
    assert msg.startswith("The migration graph has a cycle: ")
    assert path_of(package, "0001_initial") in msg and path_of(package, "0002_b") in msg


@pytest.mark.parametrize(
    "dependency",
    ["('payments', '0009_nope')", "('nosuchapp', '0001_initial')", "('shop', '0001_initial')"],
)
def test_missing_and_self_dependencies_name_the_file(migration_package, dependency):
    package = migration_package(
        {
            "0001_initial.py": INITIAL.replace("{body}", "dependencies = [%s]" % dependency),
        }
    )
    ((code, msg),) = messages_for(package)
    assert code == "branchmig.E004"
    assert path_of(package, "0001_initial") in msg


@pytest.mark.parametrize(
    "source, error",
    [
        ("import branchmig_no_such_module\n", "ModuleNotFoundError: No module named"),
        ("raise ValueError('broken at import')\n", "ValueError: broken at import"),
        ("def broken(:\n", "SyntaxError: "),
        ("from django.db import migrations\n", "0001_initial in app shop has no Migration class"),
    ],
)
def test_a_module_that_cannot_be_loaded_is_named(migration_package, source, error):
    package = migration_package({"0001_initial.py": source})
    ((code, msg),) = messages_for(package)
    assert code == "branchmig.E004"
    assert error in msg
    assert path_of(package, "0001_initial") in msg
