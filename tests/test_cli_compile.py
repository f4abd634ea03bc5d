"""`promotelint compile` end to end: the template on stdout, bad input as one line with exit 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "serverless"


def run(*args, env=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "promotelint", *args], capture_output=True, text=True, env=env)


def test_compile_prints_the_template_with_stage_region_params():
    proc = run("compile", str(FIXTURES / "vars-params-prod"), "--stage", "prod", "--region", "eu-west-1",
               "--param", "cliValue=given-on-cli")
    assert proc.returncode == 0, proc.stderr
    template = json.loads(proc.stdout)
    env = template["Resources"]["HelloLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert env == {"DOMAIN": "api.example.com", "FROM_CLI": "given-on-cli", "REGION": "eu-west-1", "STAGE_OPT": "prod"}


def test_env_file_feeds_env_variables(tmp_path):
    env_file = tmp_path / "ci.env"
    env_file.write_text("PL_FIXTURE_VALUE=from-file\nPL_FIXTURE_MEMORY=512\n")
    proc = run("compile", str(FIXTURES / "vars-env-dotenv"), "--env-file", str(env_file))
    assert proc.returncode == 0, proc.stderr
    fn = json.loads(proc.stdout)["Resources"]["WorkerLambdaFunction"]["Properties"]
    # the memory came from the file; the variable's value is shown masked (a value from the
    # environment may be a secret, issue 13), and is in the compiled template itself
    assert fn["MemorySize"] == 512 and fn["Environment"]["Variables"]["FROM_ENV"] == "****"
    from promotelint.app import compile_path

    template = compile_path(FIXTURES / "vars-env-dotenv", env_file=env_file)
    assert template.data["Resources"]["WorkerLambdaFunction"]["Properties"]["Environment"]["Variables"][
        "FROM_ENV"] == "from-file"


def test_duplicated_key_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "serverless.yml").write_text("service: s\nprovider:\n  name: aws\nservice: t\n")
    proc = run("compile", str(tmp_path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "serverless.yml:4" in proc.stderr and "line 1" in proc.stderr


def test_missing_variable_names_it_and_exits_2(tmp_path):
    (tmp_path / "serverless.yml").write_text("service: s\nprovider:\n  name: aws\n  stage: ${env:PL_NO_SUCH_VAR}\n")
    proc = run("compile", str(tmp_path))
    assert proc.returncode == 2
    assert "${env:PL_NO_SUCH_VAR}" in proc.stderr and "serverless.yml:4" in proc.stderr


def test_javascript_config_is_refused_clearly(tmp_path):
    (tmp_path / "serverless.ts").write_text("export default {}")
    proc = run("compile", str(tmp_path))
    assert proc.returncode == 2 and "only serverless.yml" in proc.stderr
