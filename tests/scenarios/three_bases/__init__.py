"""shop has three bases: the trunk, 'audit' and 'reports' (after payments)."""
