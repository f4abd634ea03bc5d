#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs it as a composite step): install promotelint from the
# action's own checkout, check the promotion once (its JSON report is the record), render the
# report file and the SARIF from that record, append the markdown to the job summary, and hand the
# exit code to the action's last step (so that the summary and the SARIF upload happen first).
#
# It reads what a runner sets: GITHUB_ACTION_PATH (this checkout), GITHUB_WORKSPACE (the checked
# out repository: promotelint runs there and writes nothing into it), GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_BASE_REF (a pull request's base branch); and the
# action's inputs as PROMOTELINT_* (see action.yml). tests/test_action.py runs it the same way.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
out_dir="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/promotelint.XXXXXX")"  # one per use of the action
cd "${GITHUB_WORKSPACE:-.}"

fail() {
  echo "::error title=promotelint action::$1"
  echo "exit-code=2" >> "$GITHUB_OUTPUT"
  exit 0
}

# promotelint from this checkout of the action, unless that is what `python` already imports.
if ! python - "$action_path" <<'EOF' 2>/dev/null
import pathlib, sys
import promotelint
sys.exit(pathlib.Path(promotelint.__file__).resolve().parent != (pathlib.Path(sys.argv[1]) / "promotelint").resolve())
EOF
then
  python -m pip install --disable-pip-version-check --quiet "$action_path" || fail "could not install promotelint from $action_path"
fi

case "${PROMOTELINT_FORMAT:-markdown}" in
  text) ext=txt ;; json) ext=json ;; sarif) ext=sarif ;; github) ext=log ;; markdown) ext=md ;; junit) ext=xml ;;
  *) fail "format must be text, json, sarif, github, markdown or junit, not '${PROMOTELINT_FORMAT}'" ;;
esac
case "${PROMOTELINT_UPLOAD_SARIF:-false}" in
  true | false) ;;
  *) fail "upload-sarif must be true or false, not '${PROMOTELINT_UPLOAD_SARIF}'" ;;
esac

# The deployed side: the input, else a pull request's base branch (at the merge base), else the
# commit before this one.
base="${PROMOTELINT_BASE_REF:-}"
if [ -z "$base" ]; then
  if [ -n "${GITHUB_BASE_REF:-}" ]; then base="origin/${GITHUB_BASE_REF}...HEAD"; else base="HEAD~1"; fi
fi

args=(check --base-ref "$base" --fail-on "${PROMOTELINT_FAIL_ON:-error}" --format json --output "$out_dir/report.json")
if [ -n "${PROMOTELINT_STAGE:-}" ]; then args+=(--stage "$PROMOTELINT_STAGE"); fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then args+=(--summary "$GITHUB_STEP_SUMMARY"); fi
# paths: separated by spaces or new lines (a path with a space in it is not supported)
read -r -d '' -a paths <<< "${PROMOTELINT_PATHS:-}" || true
args+=("${paths[@]}")

# The log gets GitHub's workflow commands (annotations on the pull request) and the text report.
code=0
python -m promotelint "${args[@]}" || code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
if [ ! -s "$out_dir/report.json" ]; then
  exit 0  # nothing was checked (a usage error, said above): the last step fails with the code
fi
echo "json=$out_dir/report.json" >> "$GITHUB_OUTPUT"

# The other renderings come from the run's JSON report (`promotelint report`), not a second run;
# `report` exits with the run's verdict (0 or 1).
render() {
  local status=0
  python -m promotelint report "$out_dir/report.json" --format "$1" --output "$out_dir/$2" > /dev/null || status=$?
  [ "$status" -le 1 ] || fail "could not render the $1 report (exit $status)"
  echo "$3=$out_dir/$2" >> "$GITHUB_OUTPUT"
}
render "${PROMOTELINT_FORMAT:-markdown}" "report.$ext" report
if [ "${PROMOTELINT_UPLOAD_SARIF:-false}" = true ]; then
  render sarif report.sarif sarif
fi
