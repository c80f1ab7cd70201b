"""One bot per database: an ``fcntl.flock`` on ``<db>.lock``, which holds the bot's pid.

``take`` is called by the bot at start (``namndbot run``, the demo, the tests'
bots) and held until it stops; a second bot on the same file gets a
:class:`LockError` naming the first one's process id. The kernel drops a flock
when its process ends, however it ends, so a bot killed with SIGKILL leaves no
lock behind (the file stays, with its stale pid; that is harmless).

``holder`` asks, without taking anything, whether a bot holds the lock
(``namndbot restore`` refuses then).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..domain.errors import NamndbotError


class LockError(NamndbotError):
    """Another process holds the database's lock, or the lock file can't be used."""


def lock_path(db_path: str | Path) -> Path:
    """``<database>.lock`` beside the file itself: a symbolic link to the database (or a path
    through one) names the same lock, so a second bot cannot start through it."""
    return Path(f"{os.path.realpath(db_path)}.lock")


def _pid(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def holder(db_path: str | Path) -> int | None:
    """The process id of a bot that holds the database's lock (0 if it can't be read), or None."""
    if str(db_path).startswith(("postgresql://", "postgres://")):
        return None  # no lock file: several bots may share a PostgreSQL database
    try:
        fd = os.open(lock_path(db_path), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _pid(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class BotLock:
    """The database's lock, held by this process until :meth:`release` (or its end)."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # no pid left behind after an orderly stop
        except OSError:
            pass
        os.close(fd)  # releases the flock

    def __enter__(self) -> BotLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def take(db_path: str | Path, *, what: str = "En annan bot") -> BotLock:
    """Take the database's lock for this process, or raise :class:`LockError` at once.

    ``what`` names, in the message, who is refused (a bot, a restore …)."""
    path = lock_path(db_path)
    if str(db_path) == ":memory:":
        return BotLock(path, None)  # a private database: nobody else can open it
    if str(db_path).startswith(("postgresql://", "postgres://")):
        return BotLock(path, None)  # PostgreSQL: any number of bots share the work (storage/shared.py)
    if not path.parent.is_dir():
        raise LockError(f"Mappen för databasen finns inte: {path.parent}.")
    try:
        # O_CLOEXEC: a child process (a subprocess of the bot) must not inherit the lock.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError(
            f"Låsfilen {path} kan inte öppnas ({exc.strerror}); namndbot behöver kunna skriva i databasens mapp."
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _pid(fd)
        os.close(fd)
        raise LockError(
            f"{what} använder redan databasen {db_path}"
            + (f" (process {pid})" if pid else "")
            + ". Två botar på samma databas skulle skicka varje meddelande två gånger.",
            hint="Stoppa den andra boten först, eller ange en annan databas med --db.",
        ) from None
    except OSError as exc:  # e.g. a file system without flock
        os.close(fd)
        raise LockError(f"Låsfilen {path} kan inte låsas ({exc.strerror}).") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError:
        pass  # the lock holds without the pid; the message then just lacks it
    return BotLock(path, fd)
