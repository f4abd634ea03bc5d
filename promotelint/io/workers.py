"""A function over items in forked worker processes (Linux), its results in the items' order.

A repository's services are checked one per core (app.check_pairs). The standard library's
ProcessPoolExecutor costs a check more than its work needs: its import (concurrent.futures,
logging, multiprocessing: ~30 ms of a start), two threads in this process, and a pickle of every
item and of the function for each call. Forked workers already hold both: the items' numbers are
written at once to one pipe that every worker reads (4 bytes a number; Linux gives each read to
one reader, whole, and the pipe holds only whole numbers), so a worker takes the next item the
moment it is free; each sends its results back, pickled, through a pipe of its own.

A worker whose function raises sends the traceback instead, and a worker that dies is noticed by
its pipe's end and its exit status: either stops the run with WorkerError, once the workers are
stopped. `forked_child` is the fork itself, which cli/output's side-by-side rendering of the report
formats uses too.
"""

from __future__ import annotations

import os
import pickle

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

_SIZE = 8  # bytes of a result's length, before its pickle
_READ = 1 << 20


class WorkerError(RuntimeError):
    """A worker's function raised (its last line; the worker's traceback is the cause), or a
    worker died."""


class _WorkerTraceback(Exception):
    """The traceback a worker sent, shown (with --debug) as the cause of WorkerError."""

    def __str__(self) -> str:
        return "\n" + self.args[0]


def forked_map(fn: Callable[[Any], Any], items: Sequence[Any], workers: int,
               start: Callable[[], None] = lambda: None,
               done: Callable[[int, int], None] = lambda count, total: None) -> list[Any]:
    """[fn(item) for item in items], computed by `workers` processes forked from this one (which
    must run no other thread), each of which first runs start(); done(count, total) is called as
    each result arrives. The results must pickle; the items and functions need not."""
    import select

    total = len(items)
    results: list[Any] = [None] * total
    answers: dict[int, int] = {}  # the pipe's end a worker writes its results to -> its pid
    statuses: dict[int, int] = {}  # pid -> wait status, of the workers waited for
    tasks, numbers = os.pipe()
    finished = False
    try:
        # the items' numbers: the first PIPE_BUF bytes of them before the workers start (an empty
        # pipe takes them at once), the rest once they read; each write whole (POSIX: a write of
        # at most PIPE_BUF bytes to a pipe is never split), so the pipe holds only whole numbers
        queued = b"".join(index.to_bytes(4, "little") for index in range(total))
        os.write(numbers, queued[:_PIPE_BUF])
        for _ in range(min(workers, total)):
            pid, answer_read = forked_child(lambda answer: _serve(fn, items, start, tasks, answer),
                                            close=(numbers, *answers))
            answers[answer_read] = pid
        os.close(tasks)
        tasks = -1
        for at in range(_PIPE_BUF, len(queued), _PIPE_BUF):
            os.write(numbers, queued[at:at + _PIPE_BUF])
        os.close(numbers)
        numbers = -1
        poller = select.poll()
        for fd in answers:
            poller.register(fd, select.POLLIN)
        buffers = {fd: bytearray() for fd in answers}
        count, open_ends = 0, len(answers)
        while count < total:
            if not open_ends:
                raise WorkerError(f"the workers ended with {total - count} of {total} items not done")
            for fd, _ in poller.poll():
                buffer = buffers[fd]
                chunk = os.read(fd, _READ)
                if not chunk:  # the worker left: all taken, or it died
                    poller.unregister(fd)
                    open_ends -= 1
                    status = _reap(answers[fd], statuses, kill=False)
                    if status != 0:
                        raise WorkerError(f"a worker process ended ({_said(status)})")
                    continue
                buffer += chunk
                while len(buffer) >= _SIZE and len(buffer) >= _SIZE + int.from_bytes(buffer[:_SIZE], "little"):
                    size = int.from_bytes(buffer[:_SIZE], "little")
                    index, ok, value = pickle.loads(buffer[_SIZE:_SIZE + size])
                    del buffer[:_SIZE + size]
                    if not ok:
                        raise WorkerError(value.rstrip().rpartition("\n")[2]) from _WorkerTraceback(value)
                    results[index] = value
                    count += 1
                    done(count, total)
        finished = True
        return results
    finally:  # the workers stop: their pipes closed, they leave (on a failure they are killed)
        for fd in (tasks, numbers, *answers):
            if fd >= 0:
                os.close(fd)
        for pid in answers.values():
            _reap(pid, statuses, kill=not finished)


_PIPE_BUF = 4096  # (select.PIPE_BUF on Linux: the largest write to a pipe that is never split)


def forked_child(work: Callable[[int], None], close: Sequence[int] = ()) -> tuple[int, int]:
    """A forked child that closes `close`, runs work(fd) with the writing end of a new pipe, and
    leaves (os._exit: never back into the caller's code, nor its exit functions; exit code 0 once
    work returned, else 1): its pid and the pipe's reading end. The writing end is closed here
    before this returns (a process holding it, the pipe would never end for its reader). OSError
    when no pipe or process is to be had; nothing is then left open."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        raise
    if pid == 0:
        code = 1
        try:
            for fd in (read, *close):
                os.close(fd)
            work(write)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _serve(fn: Callable[[Any], Any], items: Sequence[Any], start: Callable[[], None], tasks: int,
           answers: int) -> None:
    """A worker: start(), then item numbers in, results out (or the traceback of what raised, for
    start() at the first item), until the numbers end."""
    failed = None
    try:
        start()
    except Exception:
        failed = _traceback()
    while True:
        head = os.read(tasks, 4)  # (whole or nothing: see the module's docstring)
        if not head:
            return
        index = int.from_bytes(head, "little")
        try:
            if failed is not None:
                raise WorkerError(failed)
            data = pickle.dumps((index, True, fn(items[index])), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # (a bug: the caller raises it; KeyboardInterrupt ends the worker)
            data = pickle.dumps((index, False, failed or _traceback()), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(answers, len(data).to_bytes(_SIZE, "little") + data)


def _traceback() -> str:
    import traceback  # (only on a failure: its import, with linecache and tokenize, is ~8 ms a worker)

    return traceback.format_exc()


def _reap(pid: int, statuses: dict[int, int], kill: bool) -> int | None:
    """Wait for a worker, killed first when `kill` and it is still there: its wait status."""
    if pid not in statuses:
        try:
            found, status = os.waitpid(pid, os.WNOHANG if kill else 0)
            if found == 0:
                import signal

                os.kill(pid, signal.SIGKILL)
                found, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        statuses[pid] = status
    return statuses[pid]


def _said(status: int | None) -> str:
    if status is None:
        return "no status"
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
