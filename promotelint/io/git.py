"""Read a service as it is at a git revision, and what changed between two revisions.

Everything here runs `git`
as a subprocess; file contents come from one long-lived `git cat-file --batch` per revision, so a
service and all its `${file()}` fragments cost one process, not one per file.

Revisions are commit SHAs once resolved. A side is a commit, the working tree (WORKTREE) or the
index (INDEX, what `git commit` would record: the pre-commit hook's head).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from promotelint.io.files import MAX_FILE_BYTES, read_text
from promotelint.model.errors import InputError

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    import subprocess

WORKTREE = None  # the head side read from the working tree
INDEX = ":"  # the head side read from the index (staged content)

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: the base of a first commit
_SHALLOW_FIX = ("fetch the history first: `fetch-depth: 0` in actions/checkout, `GIT_DEPTH: 0` in "
                "GitLab CI, or `git fetch --unshallow origin` / `git fetch origin main`")


def _git(repo: str | os.PathLike, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    import subprocess  # here: a check that runs no git (two files outside a repository) starts without it

    try:
        proc = subprocess.run(["git", "-C", os.fspath(repo), *args], capture_output=True)
    except FileNotFoundError:
        raise InputError("git is not installed", fix="install git, or compare two files instead") from None
    if check and proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}", file=os.fspath(repo))
    return proc


def _z(out: bytes) -> list[str]:
    return [p for p in out.decode("utf-8", errors="surrogateescape").split("\0") if p]


def repo_root(cwd: str | os.PathLike = ".") -> Path:
    proc = _git(cwd, "rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        if b"dubious ownership" in proc.stderr:  # CI containers run as another user than the checkout's
            raise InputError("git refuses this repository: it belongs to another user", file=os.path.abspath(cwd),
                             fix=f"git config --global --add safe.directory {os.path.abspath(cwd)}")
        raise InputError("not inside a git repository", file=os.path.abspath(cwd),
                         fix="run promotelint from the repository, or compare two files without --base-ref")
    return Path(proc.stdout.decode().strip()).resolve()


def is_shallow(repo: str | os.PathLike) -> bool:
    return _git(repo, "rev-parse", "--is-shallow-repository", check=False).stdout.strip() == b"true"


def resolve_rev(repo: str | os.PathLike, rev: str, option: str = "--base-ref") -> str:
    """The commit SHA `rev` names: a branch, origin/main, a tag, a SHA, HEAD~1, or `A...B` (their
    merge base, as `git diff A...B` uses it). A revision missing from a shallow clone is an input
    error whose fix says how to fetch it."""
    if "..." in rev:
        left, right = rev.split("...", 1)
        a = resolve_rev(repo, left or "HEAD", option)
        b = resolve_rev(repo, right or "HEAD", option)
        proc = _git(repo, "merge-base", a, b, check=False)
        if proc.returncode != 0:
            if is_shallow(repo):
                raise InputError(f"{option} {rev}: no merge base in this shallow clone", fix=_SHALLOW_FIX)
            raise InputError(f"{option} {rev}: the two revisions have no common ancestor",
                             fix="pass a branch, tag or SHA instead of A...B")
        return proc.stdout.decode().strip()
    if rev.startswith("-"):
        raise InputError(f"{option} {rev!r} is not a revision", fix="pass a branch, tag, SHA or HEAD~1")
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    if is_shallow(repo):
        raise InputError(f"{option} {rev}: not in this shallow clone", fix=_SHALLOW_FIX)
    if rev == "HEAD" and _git(repo, "rev-list", "-n1", "--all", check=False).stdout.strip() == b"":
        return EMPTY_TREE  # no commit yet (a pre-commit hook on the first commit): everything is new
    raise InputError(f"{option} {rev}: unknown revision",
                     fix="check the name (`git rev-parse REV`), or `git fetch origin` for a remote branch")


class GitReader:
    """Reads files as they are at one commit (or in the index): the compiler's reader protocol.

    Paths are absolute or relative to the current directory, as the compiler builds them; `root`
    (the work tree, absolute) is where `${file()}` may read. Every path asked about is recorded in
    `touched` (repo-relative), so a caller knows which files a service depends on.
    """

    def __init__(self, root: str | os.PathLike, rev: str | None) -> None:
        self.root = os.fspath(Path(root).resolve())
        self.rev = rev  # commit SHA, or INDEX
        self.touched: set[str] = set()
        self._files: frozenset[str] | None = None
        self._links: frozenset[str] = frozenset()
        self._proc: subprocess.Popen | None = None
        # repo-relative path -> text: a revision's files do not change (the index's are read as
        # they were when `files` was first listed), and a monorepo's services read the same ones
        self._texts: dict[str, str] = {}

    def fresh(self) -> None:
        """Start recording what one service reads."""
        self.touched = set()

    def __getstate__(self) -> dict:  # a pipe cannot cross a process boundary; reopen lazily
        return {**self.__dict__, "_proc": None}

    def relative(self, path: str | os.PathLike) -> str | None:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
            return None
        return rel.replace(os.sep, "/")

    def files(self) -> frozenset[str]:
        if self._files is None:
            entries = tree_entries(self.root, self.rev)
            self._files = frozenset(path for _, path in entries)
            self._links = frozenset(path for mode, path in entries if mode == "120000")
        return self._files

    def _resolve(self, rel: str) -> str | None:
        """Follow symbolic links stored in git (their blob is the target path), within the tree."""
        for _ in range(16):
            if rel not in self.files() or rel not in self._links:
                return rel
            target = self.read_blob(rel).decode("utf-8", errors="surrogateescape")
            if target.startswith("/"):
                return None
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
            if rel.startswith("../") or rel == "..":
                return None
            self.touched.add(rel)
        return None

    def exists(self, path: str) -> bool:
        rel = self.relative(path)
        if rel is None:
            return False
        self.touched.add(rel)
        rel = self._resolve(rel)
        return rel is not None and rel in self.files()

    def read_text(self, path: str) -> str:
        rel = self.relative(path)
        if rel is not None:
            self.touched.add(rel)
            rel = self._resolve(rel)
        if rel is None or rel not in self.files():
            raise InputError(f"file not found at {self.label}", file=os.fspath(path))
        text = self._texts.get(rel)
        if text is None:
            try:
                text = self._texts[rel] = self.read_blob(rel).decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"not a text file (not UTF-8) at {self.label}", file=os.fspath(path)) from None
        return text

    @property
    def label(self) -> str:
        return "the index" if self.rev == INDEX else f"commit {self.rev[:12]}"

    def read_blob(self, rel: str) -> bytes:
        if "\n" in rel:  # cat-file --batch reads one name per line
            return _git(self.root, "cat-file", "blob", self._object_name(rel)).stdout
        proc = self._batch()
        proc.stdin.write(self._object_name(rel).encode("utf-8", errors="surrogateescape") + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise InputError(f"not a file at {self.label}", file=rel)
        size = int(header[2])
        if size > MAX_FILE_BYTES:
            proc.kill()  # the blob is still in the pipe: the next read starts a new batch
            proc.wait()
            self._proc = None
            raise InputError(f"larger than {MAX_FILE_BYTES // 2**20} MiB at {self.label}, the most promotelint reads",
                             file=rel, fix="keep templates and service files to a reasonable size")
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the contents
        return data

    def _object_name(self, rel: str) -> str:
        return f":0:{rel}" if self.rev == INDEX else f"{self.rev}:{rel}"

    def _batch(self) -> subprocess.Popen:
        import subprocess

        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(["git", "-C", self.root, "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._proc

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait()
            self._proc = None


class WorktreeReader:
    """Reads the working tree, recording what it was asked about like GitReader."""

    rev = WORKTREE
    label = "the working tree"

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.fspath(Path(root).resolve())
        self.touched: set[str] = set()
        # path -> text, and path -> whether it is a file, for one service (`fresh`): the compiler
        # reads its serverless.yml more than once (the engine's look, the load, the imports' ${cf:}),
        # each read resolving links twice; the working tree may change between the services of a
        # long-lived process, so the answers are not kept longer. A path answered was touched.
        self._texts: dict[str, str] = {}
        self._exists: dict[str, bool] = {}

    def fresh(self) -> None:
        """Start recording what one service reads (and asking the file system again)."""
        self.touched = set()
        self._texts = {}
        self._exists = {}

    relative = GitReader.relative

    def _touch(self, path: str) -> None:
        for p in {os.path.abspath(path), os.path.realpath(path)}:  # a link and its target
            rel = self.relative(p)
            if rel is not None:
                self.touched.add(rel)

    def exists(self, path: str) -> bool:
        found = self._exists.get(path)
        if found is None:
            self._touch(path)
            found = self._exists[path] = os.path.isfile(path)
        return found

    def read_text(self, path: str) -> str:
        text = self._texts.get(path)
        if text is None:
            self._touch(path)
            text = self._texts[path] = read_text(path)
        return text

    def files(self) -> frozenset[str]:
        """Tracked files still present plus untracked ones that are not ignored."""
        out = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        return frozenset(p for p in _z(out) if os.path.isfile(os.path.join(self.root, p)))

    def close(self) -> None:
        pass


def tree_entries(root: str | os.PathLike, rev: str) -> list[tuple[str, str]]:
    """(mode, repo-relative path) of every file git holds at a commit or in the index (INDEX)."""
    if rev == INDEX:
        out = _git(root, "ls-files", "-z", "--cached", "--stage").stdout
    else:
        out = _git(root, "ls-tree", "-r", "-z", "--full-tree", rev).stdout
    entries = [entry.split("\t", 1) for entry in _z(out)]
    return [(meta.split(" ", 1)[0], path) for meta, path in entries]


def reader_for(root: str | os.PathLike, rev: str | None) -> GitReader | WorktreeReader:
    return WorktreeReader(root) if rev is WORKTREE else GitReader(root, rev)


def changed_files(root: str | os.PathLike, base: str, head: str | None) -> frozenset[str]:
    """Repo-relative paths whose content differs between the base commit and the head side
    (a commit, the index, or the working tree including untracked files). Renames count as a
    removal plus an addition so both paths are seen."""
    args = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-color"]
    if head is WORKTREE:
        out = _git(root, *args, base).stdout
        out += b"\0" + _git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    elif head == INDEX:
        out = _git(root, *args, "--cached", base).stdout
    else:
        out = _git(root, *args, base, head).stdout
    return frozenset(_z(out))


def renamed_files(root: str | os.PathLike, base: str, head: str | None) -> dict[str, str]:
    """head path -> base path for files git sees as moved (content similar enough)."""
    args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-color", "--diff-filter=R"]
    if head is WORKTREE:
        # untracked files are not diffed, so a move that is not yet `git add`ed is not seen
        out = _git(root, *args, base).stdout
    elif head == INDEX:
        out = _git(root, *args, "--cached", base).stdout
    else:
        out = _git(root, *args, base, head).stdout
    parts = _z(out)
    moves = {}
    for i in range(0, len(parts) - 2, 3):
        moves[parts[i + 2]] = parts[i + 1]
    return moves


def grep_files(root: str | os.PathLike, rev: str | None, strings: tuple[str, ...],
               pathspecs: tuple[str, ...]) -> frozenset[str]:
    """Repo-relative paths of the side's files (matching `pathspecs`) that contain any of `strings`:
    one `git grep` instead of reading every file."""
    args = ["grep", "-l", "-z", "-I", "-F", *(a for s in strings for a in ("-e", s))]
    if rev is WORKTREE:
        args.insert(1, "--untracked")
    elif rev == INDEX:
        args.insert(1, "--cached")
    else:
        args.append(rev)
    proc = _git(root, *args, "--", *pathspecs, check=False)
    if proc.returncode not in (0, 1):  # 1: nothing found
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"git grep failed: {msg[-1] if msg else proc.returncode}", file=os.fspath(root))
    prefix = f"{rev}:" if rev not in (WORKTREE, INDEX) else ""
    return frozenset(p[len(prefix):] if prefix and p.startswith(prefix) else p for p in _z(proc.stdout))
