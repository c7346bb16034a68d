"""Take the screenshots of the admin's migration-graph page shown in the README and the docs.

Run from the repository root, with playwright installed and Debian's Chromium::

    python docs/screenshots.py [--chromium /usr/bin/chromium] [--out docs/_static]

It copies ``testproject/`` to a temporary directory (the demo's own database is
left alone), applies part of the graph there so that the page shows applied
and unapplied migrations side by side, creates a superuser, starts
``runserver`` and saves ``admin-graph-light.png`` and ``admin-graph-dark.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
#: Targets applied before the screenshot: one branch of each app stays unapplied.
APPLIED = ("catalog@heads", "orders.0006", "accounting.0002_invoice")
TARGET = "invoicing@head"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(project: Path, *args: str, **env: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
    )


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("runserver did not start on port %d" % port)


def shoot(chromium: str, out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "testproject"
        shutil.copytree(
            ROOT / "testproject", project, ignore=shutil.ignore_patterns("db.sqlite3*")
        )
        _manage(project, "branchmigrate", "--noinput", "-v", "0", *APPLIED)
        _manage(project, "branchmigrate", "--noinput", "-v", "0", "auth", "admin", "sessions")
        _manage(
            project,
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "admin@example.com",
            DJANGO_SUPERUSER_PASSWORD="demo-password",
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:%d" % port],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(port)
            return _pages(chromium, "http://127.0.0.1:%d" % port, out)
        finally:
            server.terminate()
            server.wait(10)


def _pages(chromium: str, base: str, out: Path) -> list[Path]:
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        for scheme in ("light", "dark"):
            page = browser.new_page(
                viewport={"width": 1500, "height": 900}, color_scheme=scheme, device_scale_factor=1
            )
            # The admin's navigation sidebar takes room the graph needs.
            page.add_init_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
            page.goto(base + "/admin/login/?next=/admin/django_branchmig/migrationgraph/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", "demo-password")
            page.click("input[type=submit]")
            page.wait_for_selector("#djbm-svg[data-ready]")
            page.fill("#djbm-target", TARGET)
            page.click("#djbm-target-form button[type=submit]")
            page.wait_for_selector(".djbm-plan-list")
            page.fill("#djbm-search", "orders.0003_order_total")
            page.press("#djbm-search", "Enter")
            page.wait_for_selector(".djbm-operations")
            page.fill("#djbm-search", "")
            page.wait_for_timeout(400)
            path = out / ("admin-graph-%s.png" % scheme)
            page.screenshot(path=str(path))
            written.append(path)
            page.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_static")
    args = parser.parse_args(argv)
    for path in shoot(args.chromium, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
