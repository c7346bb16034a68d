"""Fault points: ``BRANCHMIG_FAULT=app.name:kind`` makes migration ``app.name`` fail at its end.

The point runs after the migration's schema work, inside its transaction where there is one:
the hardest place to fail, since everything before it must be undone or reported.
"""

import os
import signal
import time

from django.db import migrations

KINDS = ("exception", "ddl", "sigint", "sigkill")


def point(module_name):
    """The ``RunPython`` fault point of the migration module ``module_name``."""
    app_label, name = module_name.split(".")[-2:]
    where = "%s.%s" % (app_label, name)

    def fault(apps, schema_editor):
        target, _, kind = os.environ.get("BRANCHMIG_FAULT", "").rpartition(":")
        if target != where:
            return
        if kind == "exception":
            raise RuntimeError("injected fault in %s" % where)
        if kind == "ddl":
            schema_editor.execute("ALTER TABLE campaign_no_such_table ADD COLUMN broken integer")
        if kind == "sigint":
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)  # The KeyboardInterrupt arrives here, at the latest.
        if kind == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(30)
        raise AssertionError("unknown fault kind %r" % kind)

    # Not atomic: on MariaDB an atomic RunPython refuses DDL before sending it to the server.
    return migrations.RunPython(fault, migrations.RunPython.noop, atomic=False)
