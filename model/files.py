"""Opening files that may be hostile, and sweeping up what an interrupted write left.

:func:`open_regular` opens a file for reading only if it is a regular file:
a FIFO named ``digit.png`` or ``model.npz`` would otherwise make ``open``
wait for a writer forever, and a device would never end.  It opens without
blocking, checks what it opened (``fstat``, so nothing can be swapped in
between), and can refuse a file larger than the caller's limit before
anything is read.

:func:`remove_stale` deletes the temporary files of saves and downloads that
were killed before they could clean up (``kill -9``, a power cut): files
matching the writer's pattern that nobody has touched for :data:`STALE`
seconds (a live writer touches its file all the time).

:func:`atomic_write` writes a file whole or not at all.
"""
from __future__ import annotations

import os
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

STALE = 600          # seconds untouched after which a temporary file is a leftover


class NotRegularFile(OSError):
    """The path names a pipe, a device or a socket, not a file."""


class FileTooLarge(OSError):
    """The file is larger than its kind may be."""


def open_regular(path, max_bytes=None):
    """``path`` opened for binary reading, if it is a regular file of at most ``max_bytes``.

    Raises FileNotFoundError, IsADirectoryError, PermissionError (as ``open``
    does), :class:`NotRegularFile` or :class:`FileTooLarge`; never blocks.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(f"{path} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path} is not a regular file (a pipe, device or socket)")
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(f"{path} is too large ({info.st_size:,} bytes; at most "
                               f"{max_bytes:,} expected)")
        if nonblocking:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def size_of(file):
    """The size in bytes of an open file."""
    return os.fstat(file.fileno()).st_size


def remove_stale(folder, patterns, age=STALE):
    """Delete the files in ``folder`` matching any glob of ``patterns`` untouched for
    ``age`` seconds; returns their names.  A folder that is not there holds none."""
    folder, removed = Path(folder), []
    now = time.time()
    for pattern in patterns:
        for path in folder.glob(pattern) if folder.is_dir() else []:
            try:
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > age:
                    path.unlink()
                    removed.append(path.name)
            except OSError:
                continue          # gone meanwhile, or not ours to remove
    return removed


NEW_FILE_MODE = 0o644      # a new file: the owner writes, everyone reads (less with a umask)


def _umask():
    """The process' umask, read without changing it where the platform says it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)          # elsewhere: the only way to read it is to set it
    os.umask(mask)
    return mask


def safe_mode(path):
    """The permissions a save of ``path`` gets: the replaced file's, made safe (the owner
    may always read and write it; nobody else may write it, nobody execute it), or for a
    new file :data:`NEW_FILE_MODE` less the umask.  A file made unreadable (000) or
    writable by all (0666) never passes that on."""
    try:
        old = os.stat(path).st_mode & 0o777
    except (OSError, ValueError):
        return NEW_FILE_MODE & ~_umask()
    return (old & 0o644) | 0o600


@contextmanager
def atomic_write(path, exclusive=False):
    """Write ``path`` whole or not at all: ``with atomic_write(p) as f: f.write(...)``.

    ``f`` is a binary file beside ``path`` named ``.<name>.<random>.tmp``; when the
    block ends it is flushed to disk and moved over ``path`` in one step
    (``os.replace``), with safe permissions (:func:`safe_mode`).  With
    ``exclusive``, ``path`` must not exist: it is created in one step (a hard link
    to the finished file, or where links are not had, ``O_EXCL``), and
    FileExistsError is raised if another writer made it first; two writers
    never replace each other's file.  On any error, Ctrl-C included, the
    temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = NEW_FILE_MODE & ~_umask() if exclusive else safe_mode(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        if exclusive:
            _create_exclusively(temp, path)
        else:
            os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _create_exclusively(temp, path):
    """Give the finished file ``temp`` the name ``path``, which must not exist."""
    try:
        os.link(temp, path)           # atomic, and fails if path exists
        return
    except FileExistsError:
        raise
    except OSError:                   # no hard links here (FAT, some network shares)
        pass
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))   # claim the name
    try:
        os.replace(temp, path)
    except BaseException:
        Path(path).unlink(missing_ok=True)          # the empty claim, not someone's file
        raise
