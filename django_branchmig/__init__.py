"""Alembic-style branching for Django migrations."""

__version__ = "0.1.0"
