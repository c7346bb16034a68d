"""labels that collide with an app label and a reserved word."""
