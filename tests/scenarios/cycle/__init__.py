"""0001_initial and 0002_b depend on each other."""
