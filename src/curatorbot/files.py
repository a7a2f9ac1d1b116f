"""The files curatorbot writes, and the one way each kind is written.

- `check_output(path, option, inputs)`: a path given to `--output` or `--plan-out` is checked
  while the arguments are parsed, before any network work or catalog write: its folder exists
  and is writable, it is not a folder nor the file the command reads, and an existing file
  there is writable.
- `append_step_summary(text, environ)`: GitHub Actions' job summary, the file named by
  `$GITHUB_STEP_SUMMARY`, gets `text` appended (nothing happens outside Actions).
- `GuardedFile`: a file read at the start of a run and rewritten at its end (the catalog, for
  `update` and `lint --fix`). Creating one checks that the file can be replaced (a writable
  file in a writable folder) before any work is done. `replace` is compare-and-swap: when
  the file's bytes are no longer the ones read (a person edited it while the run went on),
  nothing is written and `FileWriteError` says so. The new bytes go to a temporary file in
  the same folder, with the old file's permissions and owner, which is then renamed over
  it: a crash or Ctrl-C leaves the old file whole. A symbolic link is followed: the file it
  points at is replaced and the link stays. When the owner cannot be kept (a file of
  another user, writable by this one), the bytes are written into the file in place.

A file or folder without any write permission bit is read-only here even for root, who
could otherwise write anything: a read-only catalog is its owner saying "do not touch".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from curatorbot.errors import FileWriteError

# Ask as the process will write: with its effective user and group, where the system can.
_EFFECTIVE = os.access in os.supports_effective_ids


def writable(path: Path, *, folder: bool = False) -> bool:
    """Whether this process may write `path` (enter and create files in it, for a folder),
    and some write permission bit is set on it."""
    mode = os.W_OK | os.X_OK if folder else os.W_OK
    try:
        bits = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, mode, effective_ids=_EFFECTIVE) and bool(bits & 0o222)


def check_output(path: Path, option: str, inputs: Iterable[Path] = ()) -> None:
    """FileWriteError unless `path` can be written as the output of `option`, and is none
    of the `inputs` the command reads (writing there would replace what it reads)."""
    if path.is_dir():
        raise FileWriteError(f"{path}: is a folder; give {option} a file path")
    for source in inputs:
        if path.exists() and source.exists() and os.path.samefile(path, source):
            raise FileWriteError(f"{path}: is the file this command reads ({source}); give "
                                 f"{option} another path")
    folder = path.parent
    if not folder.is_dir():
        raise FileWriteError(f"{path}: the folder {folder} does not exist; create it or "
                             f"give {option} another path")
    if path.exists():
        if not writable(path):
            raise FileWriteError(f"{path}: the file is read-only; make it writable or give "
                                 f"{option} another path")
    elif not writable(folder, folder=True):
        raise FileWriteError(f"{path}: the folder {folder} is not writable; give {option} "
                             "another path")


def append_step_summary(text: str, environ: Mapping[str, str] = os.environ) -> None:
    """Append `text` to the job summary named by `$GITHUB_STEP_SUMMARY`, when it is set."""
    path = environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text)


class GuardedFile:
    """A file read as `data` and replaced, compare-and-swap, at the end of a run."""

    def __init__(self, path: Path, data: bytes, what: str = "file") -> None:
        """`data` is what was read from `path` just now; FileWriteError when it could not
        be replaced later (read-only file, folder not writable)."""
        self.path = path
        self.what = what
        self.digest = hashlib.sha256(data).digest()
        self._target = Path(os.path.realpath(path))
        if not writable(self._target):
            raise FileWriteError(f"{path}: the {what} is read-only; make it writable "
                                 f"(chmod u+w {path}), or run without writing it")
        if not writable(self._target.parent, folder=True):
            raise FileWriteError(
                f"{path}: its folder {self._target.parent} is not writable (the {what} is "
                "replaced through a temporary file there); make the folder writable")

    def unchanged(self) -> bool:
        """Whether the file still holds exactly the bytes that were read."""
        try:
            return hashlib.sha256(self._target.read_bytes()).digest() == self.digest
        except OSError:
            return False

    def _check_unchanged(self) -> None:
        if not self.unchanged():
            raise FileWriteError(
                f"{self.path}: changed on disk while curatorbot was running (edited "
                "meanwhile?); nothing was written to it: run the command again")

    def replace(self, data: bytes) -> None:
        """Write `data` in place of the file, unless the file changed since it was read."""
        try:
            self._replace(data)
        except OSError as exc:  # full disk, a folder gone...: the old file is whole
            raise FileWriteError(f"{self.path}: cannot write the {self.what} "
                                 f"({exc.strerror or exc}); it was left as it was") from None

    def _replace(self, data: bytes) -> None:
        self._check_unchanged()  # also when the file was deleted or moved away meanwhile
        info = self._target.stat()
        fd, tmp = tempfile.mkstemp(prefix=f".{self._target.name}.", dir=self._target.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
            in_place = not _give(tmp, info)
            # Compared again as late as possible: a change made before this is never lost.
            self._check_unchanged()
            if in_place:
                _overwrite(self._target, data)
            else:
                os.replace(tmp, self._target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _give(tmp: str, info: os.stat_result) -> bool:
    """Give `tmp` the owner and group of `info`; False when this process may not."""
    if (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid()):
        return True
    try:
        os.chown(tmp, info.st_uid, info.st_gid)
    except PermissionError:
        return False
    return True


def _overwrite(target: Path, data: bytes) -> None:
    with target.open("r+b") as stream:
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())
