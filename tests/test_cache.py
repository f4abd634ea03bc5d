"""The compile cache (io/cache.py): an unchanged side is not compiled twice, and anything the
compile read that changed (a file, an environment variable), the engine or promotelint's version
make it compile again. --no-cache never reuses; the cache never lands in the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.app import compile_path
from promotelint.io import cache
from promotelint.serverless import service as compiler

ROOT = Path(__file__).resolve().parent.parent
SERVICE = """\
service: cached
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
  memorySize: ${env:PL_CACHE_MEMORY, 256}
custom: ${file(./custom.yml)}
functions:
  hello:
    handler: h.hello
    timeout: ${self:custom.timeout}
"""


@pytest.fixture
def counted(monkeypatch):
    """How many times the compiler really ran."""
    calls = []
    real = compiler.compile_service

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compiler, "compile_service", counting)
    return calls


@pytest.fixture
def service(tmp_path, monkeypatch):
    d = tmp_path / "repo" / "svc"
    d.mkdir(parents=True)
    (d / "serverless.yml").write_text(SERVICE)
    (d / "custom.yml").write_text("timeout: 10\n")
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.delenv("PL_CACHE_MEMORY", raising=False)
    return d


def fn(template):
    return template.data["Resources"]["HelloLambdaFunction"]["Properties"]


def test_an_unchanged_service_is_compiled_once(service, counted):
    first = compile_path(service, stage="dev")
    second = compile_path(service, stage="dev")
    assert counted == [1]
    assert second == first and second.origins == first.origins and second.data == first.data
    assert list(Path(os.environ["PROMOTELINT_CACHE_DIR"]).glob("*.pickle"))


def test_a_changed_environment_variable_it_reads_compiles_again(service, counted, monkeypatch):
    assert fn(compile_path(service, stage="dev"))["MemorySize"] == 256
    monkeypatch.setenv("PL_CACHE_UNREAD", "x")  # a variable the service does not read: still the same
    compile_path(service, stage="dev")
    assert counted == [1]
    monkeypatch.setenv("PL_CACHE_MEMORY", "1024")
    assert fn(compile_path(service, stage="dev"))["MemorySize"] == 1024
    assert counted == [1, 1]
    monkeypatch.delenv("PL_CACHE_MEMORY")
    assert fn(compile_path(service, stage="dev"))["MemorySize"] == 256


def test_a_changed_included_file_compiles_again(service, counted):
    assert fn(compile_path(service, stage="dev"))["Timeout"] == 10
    (service / "custom.yml").write_text("timeout: 20\n")
    assert fn(compile_path(service, stage="dev"))["Timeout"] == 20
    (service / "custom.yml").unlink()
    with pytest.raises(Exception):
        compile_path(service, stage="dev")
    assert len(counted) == 3


def test_a_file_that_appears_compiles_again(service, counted):
    (service / "serverless.yml").write_text(SERVICE.replace("${file(./custom.yml)}",
                                                            "${file(./extra.yml), file(./custom.yml)}"))
    assert fn(compile_path(service, stage="dev"))["Timeout"] == 10
    (service / "extra.yml").write_text("timeout: 30\n")
    assert fn(compile_path(service, stage="dev"))["Timeout"] == 30
    assert len(counted) == 2


def test_another_engine_stage_or_version_compiles_again(service, counted, monkeypatch):
    assert compile_path(service, stage="dev").provenance.engine == "v3"
    assert compile_path(service, stage="dev", engine="v4").provenance.engine == "v4"
    compile_path(service, stage="prod")
    assert len(counted) == 3
    monkeypatch.setattr(cache, "__version__", "999.0")
    compile_path(service, stage="dev")
    assert len(counted) == 4


def test_no_cache_compiles_every_time_and_stores_nothing(service, counted):
    compile_path(service, stage="dev", cache=False)
    compile_path(service, stage="dev", cache=False)
    assert counted == [1, 1]
    assert not list(Path(os.environ["PROMOTELINT_CACHE_DIR"]).glob("*"))


def test_the_cache_is_never_inside_the_repository(service, counted, monkeypatch):
    subprocess.run(["git", "init", "-q"], cwd=service.parent, check=True)
    inside = service.parent / ".cache"
    monkeypatch.setenv("PROMOTELINT_CACHE_DIR", str(inside))
    compile_path(service, stage="dev")
    compile_path(service, stage="dev")
    assert counted == [1, 1] and not inside.exists()


def test_a_torn_entry_is_a_miss(service, counted):
    compile_path(service, stage="dev")
    for entry in Path(os.environ["PROMOTELINT_CACHE_DIR"]).glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert fn(compile_path(service, stage="dev"))["Timeout"] == 10
    assert counted == [1, 1]


def test_recording_env_records_reads_not_writes():
    env = cache.RecordingEnv({"A": "1", "B": "2"})
    copy = env.copy()
    copy["C"] = "3"
    assert copy.get("A") == "1" and "C" in copy and "Z" not in copy and copy.setdefault("B", "x") == "2"
    assert env.reads == {"A": cache._digest("1"), "Z": None, "B": cache._digest("2")}  # kept as hashes
    dict(copy)  # a copy that reads every variable keys the entry on the whole environment
    assert "*" in env.reads


def test_cli_no_cache_option(service):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for extra in ([], ["--no-cache"]):
        proc = subprocess.run([sys.executable, "-m", "promotelint", "compile", str(service), *extra],
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        assert '"HelloLambdaFunction"' in proc.stdout


def test_a_git_base_side_is_compiled_once_and_a_changed_fragment_at_head_is_not_taken_from_it(
        tmp_path, counted, monkeypatch):
    from typer.testing import CliRunner

    from promotelint.cli.commands import app
    from tests.gitrepo import Repo, service as git_service, table_resources

    repo = Repo(tmp_path / "repo")
    repo.write("orders/serverless.yml", git_service("orders", fragment="./table.yml"))
    repo.write("orders/table.yml", table_resources("t1"))
    repo.commit("first")
    repo.write("orders/serverless.yml", git_service("orders", fragment="./table.yml", extra_function=True))
    monkeypatch.chdir(repo.path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    first = CliRunner().invoke(app, ["check", "--base-ref", "HEAD"])
    second = CliRunner().invoke(app, ["check", "--base-ref", "HEAD"])
    assert first.exit_code == second.exit_code == 0 and first.output == second.output, first.output
    assert len(counted) == 2  # base and head once each: the second run took both from the cache
    repo.write("orders/table.yml", table_resources("t2"))
    third = CliRunner().invoke(app, ["check", "--base-ref", "HEAD"])
    assert third.exit_code == 1 and "stateful-resource-replaced" in third.output
    assert len(counted) == 3  # the head side read the changed fragment: compiled again; the base not


def test_an_entry_never_holds_a_secret(service, counted, monkeypatch):
    """A side that read a value the reports mask is compiled each run, never stored; the variables
    an entry depends on are kept as hashes."""
    directory = Path(os.environ["PROMOTELINT_CACHE_DIR"])
    monkeypatch.setenv("PL_CACHE_MEMORY", "512")  # read, and so a value the reports mask
    compile_path(service, stage="dev")
    compile_path(service, stage="dev")
    assert len(counted) == 2 and not any(directory.rglob("*.pickle"))
    monkeypatch.delenv("PL_CACHE_MEMORY")
    monkeypatch.setenv("PL_UNREAD_SECRET", "hunter2-not-read")
    compile_path(service, stage="dev")
    compile_path(service, stage="dev")
    assert len(counted) == 3
    stored = b"".join(p.read_bytes() for p in directory.rglob("*.pickle"))
    assert stored and b"hunter2" not in stored


def test_the_code_fingerprint_follows_the_package_sources_not_its_bytecode(tmp_path, monkeypatch):
    package = tmp_path / "promotelint"
    (package / "io" / "__pycache__").mkdir(parents=True)
    (package / "rules").mkdir()
    for name, text in (("io/cache.py", "x = 1\n"), ("app.py", "y = 2\n"), ("rules/a.yml", "id: a\n"),
                       ("io/__pycache__/cache.cpython-311.pyc", "bytecode")):
        (package / name).write_text(text)
    monkeypatch.setattr(cache, "__file__", str(package / "io" / "cache.py"))

    def fingerprint() -> str:
        monkeypatch.setattr(cache, "_CODE", [])
        return cache._code()

    first = fingerprint()
    assert fingerprint() == first
    (package / "io" / "__pycache__" / "other.pyc").write_text("more bytecode")
    assert fingerprint() == first  # bytecode is not the code
    (package / "app.py").write_text("y = 3\n")
    os.utime(package / "app.py", ns=(1, 1))
    changed = fingerprint()
    assert changed != first
    (package / "rules" / "a.yml").write_text("id: ab\n")
    assert fingerprint() != changed  # a rule file, one folder down


def test_an_installed_package_is_fingerprinted_by_its_record(tmp_path, monkeypatch):
    """pip's RECORD lists every installed file with its hash and is written again by each install."""
    package = tmp_path / "site-packages" / "promotelint"
    (package / "io").mkdir(parents=True)
    (package / "io" / "cache.py").write_text("x = 1\n")
    record = tmp_path / "site-packages" / f"promotelint-{cache.__version__}.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_text("promotelint/io/cache.py,sha256=abc,6\n")
    monkeypatch.setattr(cache, "__file__", str(package / "io" / "cache.py"))

    def fingerprint() -> str:
        monkeypatch.setattr(cache, "_CODE", [])
        return cache._code()

    first = fingerprint()
    assert first.startswith("record:") and fingerprint() == first
    record.write_text("promotelint/io/cache.py,sha256=def,6\n")  # a reinstall of other code
    assert fingerprint() != first
    record.unlink()  # no RECORD (a checkout): the modules themselves
    assert not fingerprint().startswith("record:")
