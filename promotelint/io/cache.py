"""A content-hash cache of compiled sides, so that the unchanged base side of a promotion is not
compiled again on every run (issue 14).

An entry is found by what the compile is asked (the service's config path, the working directory
relative paths are read from, the reader's revision, stage, region, --param, the engine with all
its facts, promotelint's version and the fingerprint of its code) and is used only while everything
the compile read is unchanged: every file it read (its text's SHA-256, or the error reading it
gave), every file it asked about (`exists`), the `${file()}` boundary it was given, and every
environment variable it read (its value, or its absence; all of them when the compile iterated the
environment). The entry stores those answers; a lookup asks the same questions again, through the
same reader, and any other answer is a miss (and the side is compiled and stored again).

Where: $PROMOTELINT_CACHE_DIR, else $XDG_CACHE_HOME/promotelint, else ~/.cache/promotelint: the
user's cache directory, never inside the repository being checked (a cache there is not used), a
directory only its owner may write (else it is not used: an entry is a pickle). `--no-cache`
(CompileSettings.cache) turns it off. A cache that cannot be read or written is no cache: the run
compiles as without one. An entry holds no secret: variables are kept as hashes, and a side whose
template holds a value the reports mask (model/secrets.py) is not stored.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from promotelint import __version__
from promotelint.model.digest import sha256
from promotelint.model.template import Template

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1  # of the entries: a change here makes every old entry a miss
_ALL = "*"  # the compile iterated the whole environment


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("PROMOTELINT_CACHE_DIR"):
        return Path(env["PROMOTELINT_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "promotelint"


def compiled(request: tuple, reader: Any, env: Mapping[str, str], repository: str,
             compile: Callable[[Any, Mapping[str, str]], Template]) -> Template:
    """compile(reader, env), or the template an earlier run compiled from the same answers.
    `request` is what the compile is asked (see the module's docstring); `repository` is the
    directory the cache must stay out of."""
    directory = _usable(cache_dir(), repository)
    if directory is None:
        return compile(reader, env)
    path = directory / (sha256(repr((FORMAT, __version__, _code(), request)).encode()).hexdigest() + ".pickle")
    entry = _load(path)
    if entry is not None and _still(entry[0], reader, env):
        return entry[1]
    recording = RecordingReader(reader)
    recorded_env = RecordingEnv(env)
    template = compile(recording, recorded_env)
    if template.secrets:  # an entry never holds a secret: a side that read one is compiled each run
        return template
    answers = (tuple(recording.answers.items()), tuple(recorded_env.reads.items()))
    _store(path, (answers, template))
    return template


class RecordingReader:
    """The compiler's reader, recording each answer it gives (read_text, exists, boundary)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.answers: dict[tuple, Any] = {}

    def read_text(self, path: str) -> str:
        answer, text = _read(self._reader, path)
        self.answers.setdefault(("read_text", path), answer)
        if text is None:
            return self._reader.read_text(path)  # raises as it did
        return text

    def exists(self, path: str) -> bool:
        answer = self._reader.exists(path)
        self.answers.setdefault(("exists", path), answer)
        return answer

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._reader, name)
        if name != "boundary":
            return value

        def boundary(service_dir: str) -> Any:
            answer = _ask(value, service_dir)
            self.answers.setdefault(("boundary", service_dir), answer)
            return value(service_dir)
        return boundary


class RecordingEnv(dict):
    """The environment, recording which variables the compile read (and what they held).
    Variables the compile set itself (from .env files) are not the environment's: not recorded.
    Iterating it, or copying it other than with .copy(), records the whole environment."""

    def __init__(self, env: Mapping[str, str], reads: dict | None = None, written: set | None = None) -> None:
        super().__init__(env)
        self._origin = dict(env) if reads is None else env
        self.reads: dict[str, str | None] = {} if reads is None else reads
        self._written: set[str] = set() if written is None else written

    def _read(self, name: Any) -> None:
        if name not in self._written and name not in self.reads:
            self.reads[name] = _digest(self._origin.get(name))

    def _all(self) -> None:
        self.reads[_ALL] = sha256(repr(sorted(self._origin.items())).encode()).hexdigest()

    def __getitem__(self, name: Any) -> Any:
        self._read(name)
        return super().__getitem__(name)

    def get(self, name: Any, default: Any = None) -> Any:
        self._read(name)
        return super().get(name, default)

    def __contains__(self, name: Any) -> bool:
        self._read(name)
        return super().__contains__(name)

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> RecordingEnv:
        out = RecordingEnv(self._origin, self.reads, set(self._written))
        dict.clear(out)
        dict.update(out, dict.items(self))
        return out

    def __setitem__(self, name: Any, value: Any) -> None:
        self._written.add(name)
        super().__setitem__(name, value)

    def __delitem__(self, name: Any) -> None:
        self._written.add(name)
        super().__delitem__(name)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, value in dict(*args, **kwargs).items():
            self[name] = value

    def setdefault(self, name: Any, default: Any = None) -> Any:
        self._read(name)
        if not super().__contains__(name):
            self[name] = default
        return super().__getitem__(name)

    def pop(self, name: Any, *default: Any) -> Any:
        self._read(name)
        self._written.add(name)
        return super().pop(name, *default)

    def __reduce__(self) -> Any:
        self._all()
        return (dict, (dict(dict.items(self)),))


def _reading_all(name: str) -> Callable:
    method = getattr(dict, name)

    def reading_all(self: RecordingEnv, *args: Any) -> Any:
        self._all()
        return method(self, *args)
    return reading_all


# What reads every variable (or depends on all of them) keys the entry on the whole environment.
for _name in ("__iter__", "keys", "items", "values", "__len__", "__eq__", "__repr__", "popitem", "clear", "__or__"):
    setattr(RecordingEnv, _name, _reading_all(_name))


def _read(reader: Any, path: str) -> tuple[tuple, str | None]:
    """(the answer to record, the text or None when reading failed)."""
    from promotelint.model.errors import InputError

    try:
        text = reader.read_text(path)
    except InputError as exc:
        return ("error", str(exc)), None
    return ("text", sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()), text


def _ask(question: Callable[[str], Any], argument: str) -> Any:
    from promotelint.model.errors import InputError

    try:
        return ("ok", question(argument))
    except InputError as exc:
        return ("error", str(exc))


def _still(answers: tuple, reader: Any, env: Mapping[str, str]) -> bool:
    """Whether the reader and the environment give the answers an entry was made from."""
    files, reads = answers
    for name, value in reads:
        if name == _ALL:
            if value != sha256(repr(sorted(dict(env).items())).encode()).hexdigest():
                return False
        elif _digest(env.get(name)) != value:
            return False
    for (kind, argument), answer in files:
        if kind == "read_text":
            now: Any = _read(reader, argument)[0]
        elif kind == "exists":
            now = reader.exists(argument)
        else:
            now = _ask(reader.boundary, argument) if hasattr(reader, "boundary") else None
        if now != answer:
            return False
    return True


_CODE: list[str] = []


def _digest(value: str | None) -> str | None:
    """What an entry keeps of a variable's value: its hash (an entry holds no value of the environment)."""
    return None if value is None else sha256(str(value).encode("utf-8", "surrogatepass")).hexdigest()


def _code() -> str:
    """A fingerprint of promotelint's own modules: a changed compiler is a new cache even before its
    version number changes. Installed by pip, the install's RECORD (every file with its hash, written
    again by every install) is read; from a checkout or an editable install, the names, sizes and
    modification times of the modules (~150 files: the stat calls cost a small service's run more
    than its cache saves)."""
    if not _CODE:
        digest = sha256()
        package = Path(__file__).resolve().parent.parent
        record = package.parent / f"promotelint-{__version__}.dist-info" / "RECORD"
        try:
            digest.update(record.read_bytes())
            _CODE.append("record:" + digest.hexdigest())
            return _CODE[0]
        except OSError:
            pass
        folders = [str(package)]
        while folders:  # (scandir: no listing of the bytecode folders, no second stat per file)
            folder = folders.pop()
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.name.endswith((".py", ".json", ".yml")):
                    info = entry.stat()
                    digest.update(f"{folder}/{entry.name}:{info.st_size}:{info.st_mtime_ns}\n".encode())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _usable(directory: Path, repository: str) -> Path | None:
    """The cache directory, made if need be, or None: inside the repository, or writable by others."""
    try:
        directory = directory.expanduser().resolve()
        inside = os.path.relpath(directory, os.path.realpath(repository))
        if inside == os.curdir or not inside.startswith(os.pardir):
            return None
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
        return directory
    except (OSError, ValueError):
        return None


def _load(path: Path) -> tuple | None:
    try:
        with open(path, "rb") as f:
            entry = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign file is a miss, never an error
        return None
    return entry if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Template) else None


def _store(path: Path, entry: tuple) -> None:
    # (tempfile.mkstemp, without importing tempfile: it and `random` cost a cold start ~10 ms here)
    temporary = os.path.join(path.parent, f".entry-{os.getpid()}-{os.urandom(6).hex()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return  # no entry this time (the name taken, the directory gone): never an error
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # whole entries only, even with runs in parallel
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
