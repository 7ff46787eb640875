"""Writing files and folders so that a reader never sees half of one.

- `write_atomic`: temp file in the same folder, flushed to the disk, then renamed over the target.
- `building_dir`: a whole output folder (the site) built beside its target and swapped in only
  when the build succeeded; a killed or failed build leaves the previous folder whole.
- `clean_stale`: what killed runs left behind (`<name>.tmp-<pid>`, `<name>.old-<pid>`) goes away
  at the next run, once the process that made it is gone.
- `describe_os_error`: a full disk or a read-only folder in one French line naming the folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP, OLD = "tmp", "old"
# `<name>.tmp-<pid>` (a folder being built, a file being written: `.<name>.tmp-<pid>-xxxx`)
# and `<name>.old-<pid>` (a folder being replaced).
_LEFTOVER = re.compile(r"^(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)(?:-[^/]*)?$")


def name_error(exc: BaseException, path: Path | str) -> None:
    """Give a system error raised while writing under `path` that path, when it names none
    (a failed `write()` does not say which file): `describe_os_error` can then name it."""
    if isinstance(exc, OSError) and exc.filename is None:
        exc.filename = str(path)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (some file systems refuse: then nothing more to do)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes | str, mode: int = 0o644, *,
                 durable: bool = True) -> Path:
    """Replace `path` with `data` in one step (text is written as UTF-8 with `\\n` endings).

    `mode` is applied before the rename: 0o644 for published files, 0o600 for secrets.
    `durable` flushes the file to the disk before the rename and the folder after it, so that
    a power cut leaves either the old or the new content, never an empty file. Bulk outputs
    that are checked when read back (the PDF cache) or rebuilt anyway may skip it: it costs a
    few milliseconds per file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{TMP}-{os.getpid()}-", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        name_error(exc, tmp)
        raise
    if durable:
        _fsync_dir(path.parent)
    return path


def commit_file(tmp: Path | str, target: Path | str, mode: int = 0o644) -> Path:
    """Finish a file written at `tmp` by another library: mode, flush to disk, rename, flush."""
    os.chmod(tmp, mode)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    _fsync_dir(Path(target).parent)
    return Path(target)


def temp_path(target: Path | str) -> Path:
    """Where to write `target` before renaming it: `.<name>.tmp-<pid>` beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}.{TMP}-{os.getpid()}")


# -- leftovers of killed runs ----------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, from an earlier run that had the same number: not in use
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number we cannot check): leave it
    return True


def remove(path: Path | str) -> None:
    """Delete a file or a folder tree, quietly: what cannot be deleted now is retried later."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            path.unlink()


def clean_stale(folder: Path | str, name: str | None = None) -> None:
    """Remove the temp files and folders of dead processes in `folder` (only those of `name`).

    A folder `<name>.old-<pid>` whose `<name>` is missing was cut between the two renames of a
    swap: it is put back rather than deleted.
    """
    folder = Path(folder)
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return
    for entry in entries:
        match = _LEFTOVER.match(entry)
        if not match:
            continue
        base = match["name"]
        names = {base, base[1:]} if base.startswith(".") else {base}  # `.x.tmp-1-…` is x's
        if (name is not None and name not in names) or _pid_alive(int(match["pid"])):
            continue
        path = folder / entry
        if match["kind"] == OLD and not os.path.lexists(folder / base):
            with contextlib.suppress(OSError):
                os.rename(path, folder / base)
                continue
        remove(path)


# -- swapping a whole folder -----------------------------------------------------------------

def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_dir(new: Path | str, target: Path | str) -> None:
    """Put folder `new` in place of folder `target` (which may not exist), then delete the old.

    Readers see the old folder or the new one, never a mix: the two are exchanged in one step
    where the system allows it, else by two renames (`clean_stale` repairs a cut between them).
    """
    new, target = Path(new), Path(target)
    if not os.path.lexists(target):
        os.rename(new, target)
    elif _exchange(new, target):
        remove(new)  # `new` now holds the previous folder
    else:
        old = target.with_name(f"{target.name}.{OLD}-{os.getpid()}")
        remove(old)
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
        remove(old)
    _fsync_dir(target.parent)


def _fresh_work_dir(path: Path) -> Path:
    """An empty `<path>.tmp-<pid>` beside `path`, after deleting what killed runs left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path.parent, path.name)
    work = path.with_name(f"{path.name}.{TMP}-{os.getpid()}")
    remove(work)
    work.mkdir()
    return work


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file, read by blocks (PDFs, ZIPs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def building_dir(target: Path | str) -> Iterator[Path]:
    """A fresh folder `<target>.tmp-<pid>` beside `target`; it replaces `target` on success.

    On any error, Ctrl-C included, the fresh folder is deleted and `target` is left as it was;
    a `kill -9` leaves the fresh folder, which the next run deletes.
    """
    target = Path(os.path.realpath(target))  # a symlinked site folder: build beside the real one
    work = _fresh_work_dir(target)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.is_dir() else None
        yield work
        if mode is not None:
            os.chmod(work, mode)  # the new folder keeps the old one's permissions
        replace_dir(work, target)
    except BaseException as exc:
        remove(work)
        name_error(exc, work)
        raise


@contextlib.contextmanager
def scratch_dir(path: Path | str) -> Iterator[Path]:
    """A private working folder `<path>.tmp-<pid>`, always deleted at the end."""
    work = _fresh_work_dir(Path(path).absolute())
    try:
        yield work
    except BaseException as exc:
        name_error(exc, work)
        raise
    finally:
        remove(work)


# -- system errors in French -----------------------------------------------------------------

def _folder_of(path: str) -> Path:
    """The folder the user knows: `site.tmp-123/fiches/x.pdf` is reported as `site`, and
    `dist/.x.zip.tmp-123` (a file being written) as `dist`."""
    parts = Path(path).parts
    for index, part in enumerate(parts):
        match = _LEFTOVER.match(part)
        if match:
            if part.startswith("."):
                return Path(*parts[:index])
            return Path(*parts[:index], match["name"])
    shown = Path(path)
    return shown if shown.is_dir() else shown.parent


def _existing_folder(path: Path) -> Path:
    """The nearest folder that exists: the one that refused the new file or folder."""
    while not path.is_dir() and path.parent != path:
        path = path.parent
    return path


def describe_os_error(exc: OSError) -> str:
    """One French line for a system error, naming the folder concerned (no traceback)."""
    where = exc.filename2 or exc.filename
    path = os.fsdecode(where) if where is not None else ""
    folder = str(_folder_of(path)) if path else "le dossier de sortie"
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (f"Plus de place sur le disque pour écrire dans {folder} : libérez de la place "
                "puis relancez la commande")
    locked = _existing_folder(_folder_of(path)) if path else None
    if code == errno.EROFS or (code in (errno.EACCES, errno.EPERM) and locked is not None
                               and not os.access(locked, os.W_OK)):
        folder = str(locked) if locked is not None else folder
        return (f"Impossible d'écrire dans {folder} : dossier en lecture seule ou sans droit "
                "d'écriture ; choisissez un autre dossier ou demandez les droits")
    if code in (errno.EACCES, errno.EPERM):
        return f"accès refusé à {path or folder} : vérifiez les droits de ce fichier"
    if code == errno.ENOENT:
        return f"{path or folder} est introuvable"
    if code == errno.EIO:
        return (f"erreur du disque en lisant ou en écrivant dans {folder} : vérifiez le disque "
                "ou la clé USB")
    reason = exc.strerror or type(exc).__name__
    return f"problème système avec {path or folder} ({reason})"
