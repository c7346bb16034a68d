"""Benchmarks of django-branchmig side by side with Django (see docs/benchmarks.md)."""
