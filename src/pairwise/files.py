"""Writing output files safely: a failure or a kill never leaves a half-written file behind.

A regular file (new or existing) is written through a temporary file in its folder and renamed over
the old one. A symbolic link is followed, and its target is replaced as an editor would, so the link
stays a link. A named pipe or a device (`/dev/stdout`, a FIFO another program reads) is written
directly: renaming over it would replace the node with a regular file nobody reads. Any failure is an
`OutputError` naming the file; nothing reports a file as written that was not.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from pairwise.errors import PairwiseError


class OutputError(PairwiseError):
    """An output file could not be written (the old one, if any, is untouched)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write `content` to `path`: atomically for a regular file, directly for a pipe or device."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = _resolved(Path(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(path, error.strerror or str(error)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(path, "it is a folder")
    try:
        if mode is not None and not stat.S_ISREG(mode):
            _write_stream(target, data)
        else:
            _replace_regular_file(target, data)
    except OSError as error:
        raise OutputError(path, error.strerror or str(error)) from None


def _resolved(path: Path) -> Path:
    """The file a path names: through any symbolic links (a dangling one names its target)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _write_stream(target: Path, data: bytes) -> None:
    """Write to a pipe or a device as it is; a failed write (a full device) is an error."""
    with open(target, "wb", buffering=0) as stream:
        view = memoryview(data)
        while view:
            written = stream.write(view)
            if not written:
                raise OSError(f"{target} accepted no more data")
            view = view[written:]


def _replace_regular_file(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename it over the old file.

    The existing file (if any) is replaced only once the new one is complete on disk.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        # mkstemp makes the file private; give it the mode an ordinary new file (or the old one) has
        os.chmod(temporary, _mode_for(target))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(target: Path) -> int:
    """The old file's permissions, else what the umask gives a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
