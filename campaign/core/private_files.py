"""Files that hold a secret or personal data: private to the app's user from their first byte.

Modes are given to ``os.open`` and ``mkdir`` and then set exactly with chmod, so they hold
whatever the process's umask is, and a file is never readable by others even for a moment.
Imports nothing from Django: settings.py uses it for ``var/secret_key``.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

logger = logging.getLogger(__name__)


def private_dir(path: Path, *, root: Path | None = None) -> Path:
    """Create folder ``path`` with mode 0700, with any missing parents, and return it.

    An existing folder is tightened to 0700 too, and so is each folder from ``root`` (one of
    ``path``'s parents, e.g. VAR_DIR) down to it, so an install from before keeps no open folder.
    """
    path = Path(path)
    tighten = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(tighten):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    tighten.append(path)
    if root is not None and path.is_relative_to(root):
        tighten += [p for p in path.parents if p.is_relative_to(root)]
    for folder in tighten:
        _chmod(folder, PRIVATE_DIR_MODE)
    return path


def open_private(path: Path | str, *, append: bool = False) -> BinaryIO:
    """Open ``path`` for writing in binary mode; a new file is created 0600.

    An existing regular file is truncated (or appended to) and made 0600 as well; a device or
    pipe (``/dev/stdout``) keeps its mode.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, PRIVATE_FILE_MODE)  # O_CREAT's mode only applies to a new file
        return os.fdopen(fd, "ab" if append else "wb")
    except BaseException:
        os.close(fd)
        raise


def write_private_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (0600) unless the file exists; True when this call wrote it.

    Written under a temporary name and linked into place, so concurrent first starts (web and
    worker) agree on one file and nobody reads a half-written one.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open_private(partial) as stream:
        stream.write(data)
    try:
        os.link(partial, path)
    except FileExistsError:
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True


def make_private(path: Path) -> None:
    """Tighten an existing file to 0600 (one written by an older version of the app)."""
    _chmod(path, PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except PermissionError:
        logger.warning("Cannot make %s private (mode %o): not its owner", path, mode)
