"""0002_order depends on a migration that does not exist."""
