"""Admin registrations: the migration-graph page and the read-only audit log.

Django's admin autodiscovery imports this package; each part lives in its own module.
"""

from . import audit, graph  # noqa: F401  (registers the model admins)
