"""The working tree: the one file reader, the environment, and writing a report where asked.

Every read of a user's file goes through `read_text`, so a missing file, a directory, a permission
problem or a file that is not UTF-8 is the same one-line error wherever it happens.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping

from promotelint.model.errors import InputError

# The largest file promotelint reads. CloudFormation's own limit for a template is 1 MB; reading
# is linear, but a file many times that size is a mistake or an attack, not a stack.
MAX_FILE_BYTES = 64 * 2**20


def read_text(path: str | os.PathLike, *, expect: str = "a UTF-8 text file", root: str | None = None) -> str:
    """The file's text; `expect` names what the file should be, for the fix of a binary file.
    Only a regular file is read: a FIFO or a device would block or never end. A path inside the
    project (`root`, else the git work tree holding it, else the current directory) must stay inside
    it once its links are followed: see `contained`."""
    contained(path, root)
    try:
        with open(path, "rb", opener=_open_regular) as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"larger than {MAX_FILE_BYTES // 2**20} MiB, the most promotelint reads",
                             file=os.fspath(path), fix=f"pass {expect} of a reasonable size")
        return data.decode("utf-8")
    except FileNotFoundError:
        raise InputError("no such file or directory", file=os.fspath(path), fix="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=os.fspath(path), fix=f"pass {expect}") from None
    except UnicodeDecodeError:
        raise InputError("not a text file (not UTF-8)", file=os.fspath(path), fix=f"pass {expect}") from None
    except _NotRegular:
        raise InputError("not a regular file (a device, FIFO or socket)", file=os.fspath(path),
                         fix=f"pass {expect}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("a symbolic link that loops", file=os.fspath(path),
                             fix="point the link at a file") from None
        raise InputError(f"cannot read: {exc.strerror or exc}", file=os.fspath(path),
                         fix="check the file's permissions") from None


class _NotRegular(Exception):
    pass


def contained(path: str | os.PathLike, root: str | None = None) -> None:
    """Refuse a path that lies in the project but leads outside it through a symbolic link (of the
    file or of a directory on the way): a committed revision cannot hold such a link's target, and
    the working tree must not either, or a link in a pull request would print a file of the machine
    that runs the check. The project is `root` (--root), else the git work tree holding the path,
    else the current directory if it holds it; a path outside all of them was given by the user and
    is read as given."""
    given = os.path.abspath(path)
    project = root if root is not None else _project_of(os.path.dirname(given))
    if project is None or not within(given, project):
        return
    real = os.path.realpath(given)
    if not within(real, os.path.realpath(project)):
        raise InputError(f"a link to {real}, outside {project}: promotelint reads only the project's files",
                         file=os.fspath(path), fix="copy the file into the project, or link within it")


def _project_of(directory: str) -> str | None:
    tree = git_work_tree(directory)
    if tree is not None:
        return tree
    cwd = os.getcwd()
    return cwd if within(directory, cwd) else None


def git_work_tree(directory: str) -> str | None:
    """The git work tree holding `directory` (`.git` is a file in worktrees), or None."""
    probe = directory
    while not os.path.exists(os.path.join(probe, ".git")):
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
    return probe


def _open_regular(path: str, flags: int) -> int:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; the check then refuses it.
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _NotRegular(path)
    return fd


def write_text(path: str | os.PathLike, text: str, *, append: bool = False) -> None:
    """Write a report the user asked for (--output, --summary): never anything else."""
    try:
        with open(path, "a" if append else "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(text)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", file=os.fspath(path),
                         fix="check the directory exists and is writable") from None


class FilesystemReader:
    """The serverless compiler's reader (read_text, exists, boundary) over the working tree.
    `root` is the user's --root: the limit of `${file()}` for a service outside any git work tree."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root_option = os.path.abspath(root) if root is not None else None

    def read_text(self, path: str) -> str:
        return read_text(path, root=self.root_option)

    def exists(self, path: str) -> bool:
        return os.path.isfile(path)

    def boundary(self, service_dir: str) -> tuple[str, str]:
        """Where `${file()}` may read for the service, and what that limit is: the git work tree
        holding it (`.git` is a file in worktrees), else --root, else the current directory when it
        holds the service, else the service directory's parent."""
        here = os.path.abspath(service_dir)
        tree = git_work_tree(here)
        if tree is not None:
            return tree, "the git work tree"
        if self.root_option is not None:
            if not within(here, self.root_option):
                raise InputError(f"the service is outside --root {self.root_option}", file=service_dir,
                                 fix="pass a --root that holds the service")
            return self.root_option, "--root"
        cwd = os.getcwd()
        if within(here, cwd):
            return cwd, "the current directory"
        return os.path.dirname(here), "the service directory's parent"


def within(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or under it (both absolute, or both relative to one place)."""
    rel = os.path.relpath(path, directory)
    return rel != os.pardir and not rel.startswith(os.pardir + os.sep)


def environment(env: Mapping[str, str] | None = None, env_file: str | os.PathLike | None = None) -> dict[str, str]:
    """The environment `${env:}` reads: `env` (None: this process's), plus a dotenv file's
    variables (`--env-file`), which win over it. The file is read as the framework reads a
    service's `.env` (dotenv 16, then dotenv-expand 10): one format, one reader."""
    out = dict(os.environ if env is None else env)
    if env_file is not None:
        from promotelint.serverless.dotenv import ExpansionError, dotenv_expand, dotenv_parse

        parsed = dotenv_parse(read_text(env_file))
        others = {key: value for key, value in out.items() if key not in parsed}  # the file's values win
        try:
            out.update(dotenv_expand(parsed, others))
        except ExpansionError as exc:
            raise InputError(str(exc), file=os.fspath(env_file), fix="remove the reference of the variable to itself") \
                from None
    return out
