"""io/workers.py: a function over items in forked workers gives what the plain loop gives, in
order; a worker's failure or death stops the run with WorkerError, and no worker is left behind."""

from __future__ import annotations

import os
import sys
import time

import pytest

from promotelint.io.workers import WorkerError, forked_child, forked_map

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the forked workers are Linux's alone")


@pytest.fixture
def forks(monkeypatch):
    """The pids of the workers forked: each must be waited for by the time forked_map is done."""
    pids, fork = [], os.fork

    def recorded():
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return pids


def _no_worker_left(pids) -> bool:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # waited for already
        return False
    return bool(pids)


@pytest.mark.parametrize("workers", [1, 2, 3, 20])
def test_the_results_are_the_loops_in_order_and_each_is_told(workers, forks):
    items = [(lambda n=n: n * n) for n in range(17)]  # not picklable: the workers inherit them
    told = []
    assert forked_map(lambda f: (f(), os.getpid()), items, workers, done=lambda *c: told.append(c))[3][0] == 9
    results = forked_map(lambda f: f(), items, workers)
    assert results == [n * n for n in range(17)]
    assert told == [(n, 17) for n in range(1, 18)]
    assert _no_worker_left(forks)


def test_the_work_is_shared_and_each_worker_starts_first():
    started = []

    def slow(n):  # (long enough that the first worker cannot take every item before the second starts)
        time.sleep(0.01)
        return os.getpid(), tuple(started)

    results = forked_map(slow, list(range(40)), 2, start=lambda: started.append("started"))
    assert {started for _, started in results} == {("started",)}  # in each worker, not here
    assert started == [] and len({pid for pid, _ in results}) == 2 and os.getpid() not in {p for p, _ in results}


def test_a_large_result_crosses_the_pipe_whole_and_many_items_are_queued():
    big = "x" * (3 << 20)
    assert forked_map(lambda n: big[n:], [0, 1, 2], 2) == [big, big[1:], big[2:]]
    many = list(range(5000))  # 20 kB of numbers: more than is written before the workers start
    assert forked_map(lambda n: n + 1, many, 3) == [n + 1 for n in many]


def test_a_function_that_raises_stops_the_run_with_its_traceback(forks):
    def fails(n):
        if n == 5:
            raise ValueError("item five is bad")
        return n

    with pytest.raises(WorkerError, match="^ValueError: item five is bad$") as raised:
        forked_map(fails, list(range(12)), 3)
    assert "Traceback" in str(raised.value.__cause__) and "in fails" in str(raised.value.__cause__)  # for --debug
    assert _no_worker_left(forks)


def test_a_start_that_raises_is_said_at_the_first_item(forks):
    def start():
        raise OSError("no such thing")

    with pytest.raises(WorkerError, match="no such thing"):
        forked_map(lambda n: n, [1, 2], 2, start=start)
    assert _no_worker_left(forks)


def test_a_worker_that_dies_is_noticed(forks):
    def dies(n):
        if n == 3:
            os._exit(7)
        return n

    with pytest.raises(WorkerError, match=r"a worker process ended \(exit code 7\)"):
        forked_map(dies, list(range(8)), 2)
    assert _no_worker_left(forks)


def test_an_unpicklable_result_is_said(forks):
    with pytest.raises(WorkerError, match="pickle"):
        forked_map(lambda n: (lambda: n), [1], 1)
    assert _no_worker_left(forks)


def test_a_forked_child_writes_to_its_pipe_and_says_how_it_ended(forks):
    def wrote(fd):
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(b"text")

    for work, said, status in ((wrote, b"text", 0), (lambda fd: 1 / 0, b"", 1)):
        pid, read = forked_child(work)
        with os.fdopen(read, "rb") as pipe:
            assert pipe.read() == said  # (the writing end is the child's alone: the read ends)
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == status


def test_a_refused_fork_leaves_no_pipe_open(monkeypatch):
    def refused():
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError):
        forked_child(lambda fd: None)
    assert set(os.listdir("/proc/self/fd")) == before
