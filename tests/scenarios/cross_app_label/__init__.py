"""the 'billing' label in shop and payments; inventory runs before payments."""
