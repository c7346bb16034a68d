"""Serialize ``branchmigrate`` runs on one database with a lock the database itself provides.

Django's ``django_migrations`` table has no unique constraint, so two processes that read the
applied state at the same time both apply, and both record, the same migrations. The lock lives
as long as the block: PostgreSQL holds a session-level advisory lock, MariaDB/MySQL a named
``GET_LOCK`` lock, SQLite an exclusive ``flock`` on a file beside the database file. Ending the
session (or process) releases the database locks and the file lock, so a crash never leaves one
behind.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

#: Seconds between two attempts to take a lock that is held elsewhere.
POLL_INTERVAL = 0.1

_LOCK_PREFIX = "django_branchmig:"
_A_YEAR = 365 * 24 * 3600


class LockTimeout(Exception):
    """Another process held the migration lock for longer than the timeout."""


@contextmanager
def migration_lock(connection: BaseDatabaseWrapper, timeout: float | None) -> Iterator[None]:
    """Hold the migration lock of ``connection``'s database for the duration of the block.

    Wait at most ``timeout`` seconds for it, or forever if ``timeout`` is None, then raise
    ``LockTimeout``. Release the lock however the block ends. On a backend that has no lock,
    warn and run the block.
    """
    vendor = connection.vendor
    if vendor == "postgresql":
        lock = _advisory_lock
    elif vendor == "mysql":
        lock = _named_lock
    elif vendor == "sqlite":
        lock = _file_lock
    else:
        warnings.warn(
            "django-branchmig cannot lock %s databases; database %r is migrated without the "
            "migration lock, so concurrent runs may apply a migration twice."
            % (connection.display_name, connection.alias),
            stacklevel=3,
        )
        yield
        return
    with lock(connection, timeout):
        yield


@contextmanager
def _advisory_lock(connection: BaseDatabaseWrapper, timeout: float | None) -> Iterator[None]:
    """Hold a PostgreSQL session-level advisory lock keyed on the database name."""
    digest = hashlib.sha256((_LOCK_PREFIX + _database_name(connection)).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    if timeout is None:
        _fetch(connection, "SELECT pg_advisory_lock(%s)", [key])
    elif not _poll(lambda: _fetch(connection, "SELECT pg_try_advisory_lock(%s)", [key]), timeout):
        raise _timeout_error(connection, timeout)
    try:
        yield
    finally:
        _release(connection, "SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _named_lock(connection: BaseDatabaseWrapper, timeout: float | None) -> Iterator[None]:
    """Hold a MariaDB/MySQL ``GET_LOCK`` lock named after the database (64 characters at most)."""
    name = _LOCK_PREFIX + _database_name(connection)
    if len(name) > 64:
        name = _LOCK_PREFIX + hashlib.sha256(name.encode()).hexdigest()[: 64 - len(_LOCK_PREFIX)]
    # MySQL waits forever for a negative timeout, MariaDB refuses one: wait a year instead.
    seconds = _A_YEAR if timeout is None else timeout
    # GET_LOCK returns 1 when it got the lock, 0 on timeout and NULL on an error such as the
    # thread being killed: only 1 means the block may run.
    if _fetch(connection, "SELECT GET_LOCK(%s, %s)", [name, seconds]) != 1:
        raise _timeout_error(connection, seconds)
    try:
        yield
    finally:
        _release(connection, "SELECT RELEASE_LOCK(%s)", [name])


@contextmanager
def _file_lock(connection: BaseDatabaseWrapper, timeout: float | None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<database file>.branchmig.lock``.

    The file is created if missing and never deleted: deleting it while another process waits
    on it would let a third process lock a new file with the same name.
    """
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        # Nobody else can see an in-memory database, so there is nothing to serialize.
        yield
        return
    if sys.platform == "win32":
        warnings.warn(
            "django-branchmig cannot lock SQLite databases on Windows; database %r is migrated "
            "without the migration lock." % connection.alias,
            stacklevel=4,
        )
        yield
        return
    import fcntl

    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    fd = os.open(name + ".branchmig.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        elif not _poll(lambda: _try_flock(fd), timeout):
            raise _timeout_error(connection, timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _poll(attempt: Callable[[], bool], timeout: float) -> bool:
    """Call ``attempt`` until it succeeds or ``timeout`` seconds have passed; try at least once."""
    deadline = time.monotonic() + timeout
    while not attempt():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(POLL_INTERVAL, remaining))
    return True


def _database_name(connection: BaseDatabaseWrapper) -> str:
    """Ask the server which database the session uses; NAME may be empty (a service file)."""
    sql = "SELECT current_database()" if connection.vendor == "postgresql" else "SELECT DATABASE()"
    return str(_fetch(connection, sql, []))


def _fetch(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _release(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> None:
    """Release a session lock; if the session cannot run a query, end it, which releases it too.

    A block that fails inside an outer ``atomic()`` leaves the transaction broken, and raising
    here would hide the block's own exception.
    """
    try:
        _fetch(connection, sql, params)
    except DatabaseError:
        connection.close()


def _timeout_error(connection: BaseDatabaseWrapper, timeout: float) -> LockTimeout:
    return LockTimeout(
        "Could not acquire the migration lock on database %r within %g second%s; another "
        "branchmigrate is running. Try again, or raise --lock-timeout."
        % (connection.alias, timeout, "" if timeout == 1 else "s")
    )
