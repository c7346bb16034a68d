"""The read-only audit log of ``branchmigrate`` runs."""
