"""Static migration packages, one per scenario, selected with MIGRATION_MODULES."""
