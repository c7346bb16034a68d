"""a label that is not an identifier."""
