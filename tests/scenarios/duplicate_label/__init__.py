"""one label declared twice in shop."""
