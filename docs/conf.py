"""Sphinx configuration for the django-branchmig documentation."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _release() -> str:
    """Read the version without importing the package, which would need Django settings."""
    try:
        return metadata.version("django-branchmig")
    except metadata.PackageNotFoundError:
        pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        match = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
        return match.group(1) if match else "unknown"


project = "django-branchmig"
author = "django-branchmig contributors"
copyright = "django-branchmig contributors"
release = _release()
version = ".".join(release.split(".")[:2])

# MyST reads the Markdown pages (the benchmark report).
extensions: list[str] = ["myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3
templates_path: list[str] = []
exclude_patterns = ["_build"]
root_doc = "index"
default_role = "literal"
highlight_language = "text"

html_theme = "furo"
html_title = f"django-branchmig {release}"
html_static_path: list[str] = []
