"""SPEC section 7 on the demo project: Django's own commands keep working with labelled heads.

Each test runs real ``manage.py`` processes in a copy of testproject/, on SQLite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.utils import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "testproject"
    shutil.copytree(
        REPO_ROOT / "testproject",
        target,
        ignore=shutil.ignore_patterns("db.sqlite3*", "__pycache__"),
    )
    return target


def manage(project: Path, *argv: str, module: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(REPO_ROOT)])
    command = [sys.executable, "-m", module] if module else [sys.executable, "manage.py"]
    return subprocess.run(
        command + list(argv), cwd=project, env=env, capture_output=True, text=True, check=False
    )


def test_migrate_applies_every_labelled_head(project):
    result = manage(project, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    assert "Applying accounting.0003_payment... OK" in result.stdout
    assert "Applying catalog.0003_searchterm_hits_and_more... OK" in result.stdout
    current = manage(project, "branchcurrent", "--check-heads")
    assert current.returncode == 0, current.stdout + current.stderr


def test_makemigrations_check_sees_no_changes(project):
    result = manage(project, "makemigrations", "--check", "--dry-run")
    assert (result.returncode, result.stdout) == (0, "No changes detected\n")
    # The demo's invoicing and gifting branches both change orders.Order: W001 says so.
    warnings = [line for line in result.stderr.splitlines() if "branchmig." in line]
    assert len(warnings) == 1 and "(branchmig.W001)" in warnings[0]


def test_manage_py_test_builds_the_test_database_through_migrate(project):
    result = manage(project, "test", "orders", "--noinput")
    assert result.returncode == 0, result.stderr
    assert "Ran 1 test" in result.stderr


def test_pytest_django_builds_the_test_database(project):
    result = manage(
        project,
        "-p",
        "pytest_django",
        "--ds=demo.settings",
        "-c",
        os.devnull,
        "--rootdir",
        str(project),
        "-q",
        "orders/tests.py",
        module="pytest",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_policy_off_restores_djangos_refusal(project):
    settings = project / "demo" / "settings.py"
    settings.write_text(settings.read_text() + '\nBRANCHMIG = {"CONFLICT_POLICY": "django"}\n')
    result = manage(project, "migrate", "--noinput")
    assert result.returncode == 1
    assert "Conflicting migrations detected; multiple leaf nodes" in result.stderr
