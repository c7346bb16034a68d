"""shop 0001-0003 replaced by 0001_squashed_0003_order; 0004 follows 0003."""
