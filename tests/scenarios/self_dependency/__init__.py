"""0001_initial depends on itself."""
