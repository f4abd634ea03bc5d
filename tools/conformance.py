"""Measure how closely the compiler reproduces `serverless package` on a corpus of real services.

    python -m tools.conformance DIR [--case NAME] [-v] [--goldens tests/fixtures/engines/osls.json]

DIR holds one directory per case: the service (case.json `service_dir`, default `.`) with its
serverless.yml, `expected.json` (stage dev) and optionally `expected.prod.json` (stage prod), both
beside the config. Both sides are normalised the same way: only the names and fields the framework
derives from the clock or from the zipped code bytes (listed in the corpus README) are masked, so
everything else must be equal. The golden-fixture tests use the same `normalize` / `compare`.

With --goldens (tools/regen_engine_goldens.py) the expected templates are the corpus's with that
engine's differences applied, and the compiler runs as that engine (its name and version).

Totals: a case is compiled / exact only when all its stages are; resources, equal properties and
outputs are summed over every stage compared (dev and prod). Exit 0 whatever the figures.

A case packaged with plugins (the plugin corpus: case.json `plugins`) is compared on its root
template, and, for stage dev, on the nested templates serverless-plugin-split-stacks wrote
(case.json `nested_stacks`, in `expected-nested/`: each is the template of the root's
`AWS::CloudFormation::Stack` whose TemplateURL names its file), compared the same way as a root
template and counted on a line of their own (a case is exact only when they are). Cases that list a
plugin promotelint does not model are marked and still counted in the totals; a second line gives
the figures of the cases whose plugins are all modelled (promotelint.serverless.plugins.MODELLED),
and a last line the median compile time of one stage.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MASK = "~"

# Logical IDs that carry a hash or a clock reading. The group is the stable prefix both sides share,
# so a different hash is matched, not reported as one missing and one extra resource.
_VOLATILE_IDS = (
    re.compile(r"^(.+LambdaVersion)[0-9A-Za-z]+$"),
    re.compile(r"^(ApiGatewayDeployment)(?!Stage$)[0-9A-Za-z]+$"),
    re.compile(r"^(WebsocketsDeployment)(?!Stage$)[0-9A-Za-z]+$"),
    # `retain: true` layers (and their permissions) end with a sha1 of the layer zip
    re.compile(r"^(.+LambdaLayer(?:Permission.*?)?)[0-9a-f]{40}$"),
)


# The last part of an artifact directory: the framework's <epoch-ms>-<ISO time>, promotelint's token
_ARTIFACT_DIR = re.compile(r"(\d{13}-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|0000000000000-offline)$")


def _volatile_prefix(logical_id: str) -> str | None:
    for pattern in _VOLATILE_IDS:
        m = pattern.match(logical_id)
        if m:
            return m.group(1)
    return None


def _mask_s3_key(key: Any) -> Any:
    # serverless/<service>/<stage>/<epoch-ms>-<ISO time>/<artifact>(.zip, .jar, ...): the directory
    # before the artifact is the run's timestamp (a fixed token on our side).
    if isinstance(key, str):
        parts = key.split("/")
        if len(parts) >= 3 and "." in parts[-1]:
            parts[-2] = MASK
            return "/".join(parts)
    return key


def _rename(value: Any, names: dict[str, str], sub_pattern: re.Pattern | None) -> Any:
    if isinstance(value, str):
        if value in names:
            return names[value]
        if "." in value and value.split(".", 1)[0] in names:  # GetAtt "Id.Attr" string form
            head, tail = value.split(".", 1)
            return f"{names[head]}.{tail}"
        return value
    if isinstance(value, list):
        return [_rename(v, names, sub_pattern) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "Fn::Sub" and sub_pattern is not None:
                v = _rename_in_sub(v, names, sub_pattern)
            out[k] = _rename(v, names, sub_pattern)
        return out
    return value


def _mask_text(value: Any, text: str) -> Any:
    if isinstance(value, str):
        return value.replace(text, MASK)
    if isinstance(value, list):
        return [_mask_text(v, text) for v in value]
    if isinstance(value, dict):
        return {k: _mask_text(v, text) for k, v in value.items()}
    return value


def _rename_in_sub(value: Any, names: dict[str, str], pattern: re.Pattern) -> Any:
    def repl(text: str) -> str:
        return pattern.sub(lambda m: "${" + names[m.group(1)] + m.group(2), text)

    if isinstance(value, str):
        return repl(value)
    if isinstance(value, list) and value and isinstance(value[0], str):
        return [repl(value[0])] + value[1:]
    return value


def normalize(template: Any) -> dict:
    """A copy of `template` with volatile logical IDs (and every reference to them) and fields masked."""
    if not isinstance(template, dict):
        return template
    resources = template.get("Resources") or {}
    names: dict[str, str] = {}
    taken: set[str] = set(resources)
    for logical_id in resources:
        prefix = _volatile_prefix(logical_id)
        if prefix is None:
            continue
        new = prefix + MASK
        n = 2
        while new in taken:
            new = f"{prefix}{MASK}{n}"
            n += 1
        names[logical_id] = new
        taken.add(new)
    sub_pattern = None
    if names:
        alternatives = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
        sub_pattern = re.compile(r"\$\{(" + alternatives + r")([.}])")
    out = _rename(template, names, sub_pattern) if names else json.loads(json.dumps(template))
    # `${sls:instanceId}` is the clock reading in ApiGatewayDeployment<id>: masked wherever it is used.
    clock = [lid[len("ApiGatewayDeployment"):] for lid in resources
             if re.fullmatch(r"ApiGatewayDeployment\d{13}", lid)]
    if clock:
        out = _mask_text(out, clock[0])
    if isinstance(out.get("Resources"), dict):
        out["Resources"] = {names.get(k, k): v for k, v in zip(resources, out["Resources"].values())}
        for resource in out["Resources"].values():
            if not isinstance(resource, dict):
                continue
            props = resource.get("Properties")
            if not isinstance(props, dict):
                continue
            kind = resource.get("Type")
            if kind == "AWS::Lambda::Function" and isinstance(props.get("Code"), dict):
                if "S3Key" in props["Code"]:
                    props["Code"]["S3Key"] = _mask_s3_key(props["Code"]["S3Key"])
            elif kind == "AWS::Lambda::LayerVersion" and isinstance(props.get("Content"), dict):
                if "S3Key" in props["Content"]:
                    props["Content"]["S3Key"] = _mask_s3_key(props["Content"]["S3Key"])
            elif kind == "AWS::Lambda::Version" and "CodeSha256" in props:
                props["CodeSha256"] = MASK
            elif kind == "AWS::CloudFormation::Stack" and isinstance(props.get("TemplateURL"), dict):
                # split-stacks' nested template URL holds the artifact directory (the run's timestamp)
                parts = props["TemplateURL"].get("Fn::Join")
                if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[1], list):
                    parts[1] = [_ARTIFACT_DIR.sub(MASK, p) if isinstance(p, str) else p for p in parts[1]]
            elif kind == "AWS::AppSync::ApiKey" and "Expires" in props:
                # serverless-appsync-plugin: the packaging hour plus the key's duration (a clock
                # reading; promotelint keeps it as an opaque value of the duration)
                props["Expires"] = MASK
    if "Parameters" in out or any("NestedStack" in lid for lid in resources):
        # split-stacks names a nested stack's outputs after the logical IDs they refer to (a function
        # version's hash among them), and the root reads them as `Outputs.<Name>`
        out = _rename_nested_outputs(out)
    for name, output in (out.get("Outputs") or {}).items():
        if not isinstance(output, dict) or "Value" not in output:
            continue
        if name.endswith("LambdaLayerHash"):
            output["Value"] = MASK
        elif name.endswith("LambdaLayerS3Key"):
            output["Value"] = _mask_s3_key(output["Value"])
    return out


def _volatile_name(name: str) -> str:
    prefix = _volatile_prefix(name)
    return prefix + MASK if prefix else name


def _rename_nested_outputs(value: Any, top: bool = True) -> Any:
    if isinstance(value, str):
        return "Outputs." + _volatile_name(value[len("Outputs."):]) if value.startswith("Outputs.") else value
    if isinstance(value, list):
        return [_rename_nested_outputs(v, False) for v in value]
    if isinstance(value, dict):
        return {(_volatile_name(k) if top is None else k): _rename_nested_outputs(v, None if k == "Outputs" and top
                                                                                 else False)
                for k, v in value.items()}
    return value


_UNORDERED = (("Resources",), ("Outputs",))  # compare() does not look at their order


def make_patch(before: Any, after: Any, path: tuple = ()) -> list:
    """Operations turning `before` into `after`, key order included: ["=", path, value] sets (a new
    key goes last, as in JSON), ["-", path] removes; a mapping whose order cannot be reached that way,
    or a list whose length changed, is set whole. apply_patch(before, make_patch(before, after)) ==
    after, but for the order of a template's Resources and Outputs, which compare() ignores (the
    framework's own order of LambdaVersions follows its asynchronous zip hashing)."""
    if isinstance(before, dict) and isinstance(after, dict):
        order = [k for k in before if k in after] + [k for k in after if k not in before]
        if order != list(after) and path not in _UNORDERED:
            return [["=", list(path), after]]
        ops: list = [["-", list(path + (k,))] for k in before if k not in after]
        for key, value in after.items():
            ops += make_patch(before[key], value, path + (key,)) if key in before else [["=", list(path + (key,)), value]]
        return ops
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [op for i, (a, b) in enumerate(zip(before, after)) for op in make_patch(a, b, path + (i,))]
    if type(before) is type(after) and before == after:
        return []
    return [["=", list(path), after]]


def apply_patch(document: Any, ops: list) -> Any:
    """`document` (a copy) with make_patch's operations applied."""
    out = json.loads(json.dumps(document))
    for op in ops:
        path = op[1]
        if not path:
            out = op[2]
            continue
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        if op[0] == "-":
            del parent[path[-1]]
        else:
            parent[path[-1]] = op[2]
    return out


@dataclass
class Comparison:
    """How one compiled template compares with the framework's, both normalised."""

    expected_ids: int = 0
    missing: list[str] = field(default_factory=list)  # "Id (Type)" only in the expected template
    extra: list[str] = field(default_factory=list)  # only in ours
    equal_properties: int = 0
    equal_resources: int = 0  # whole definition equal (DependsOn, Condition, policies too)
    diffs: list[str] = field(default_factory=list)  # human-readable, for -v
    outputs_expected: int = 0
    outputs_equal: int = 0

    @property
    def exact_ids(self) -> bool:
        return not self.missing and not self.extra


def _diff(a: Any, b: Any, path: str, out: list[str], limit: int = 12) -> None:
    """Paths where `a` (expected) and `b` (ours) differ, at most `limit` of them."""
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                out.append(f"{path}.{k}: missing (expected {_short(a[k])})")
            else:
                _diff(a[k], b[k], f"{path}.{k}", out, limit)
            if len(out) >= limit:
                return
        for k in b:
            if k not in a:
                out.append(f"{path}.{k}: extra {_short(b[k])}")
                if len(out) >= limit:
                    return
        if list(a) != list(b) and not out:
            out.append(f"{path}: key order differs")
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _diff(x, y, f"{path}[{i}]", out, limit)
        return
    out.append(f"{path}: expected {_short(a)}, got {_short(b)}")


def _short(value: Any, width: int = 160) -> str:
    text = json.dumps(value, sort_keys=False, default=str)
    return text if len(text) <= width else text[: width - 3] + "..."


def compare(expected: dict, actual: dict) -> Comparison:
    """Compare two templates after `normalize`-ing both."""
    expected = normalize(expected)
    actual = normalize(actual)
    exp_res = expected.get("Resources") or {}
    act_res = actual.get("Resources") or {}
    result = Comparison(expected_ids=len(exp_res))
    for logical_id, resource in exp_res.items():
        other = act_res.get(logical_id)
        kind = resource.get("Type")
        if other is None or other.get("Type") != kind:
            result.missing.append(f"{logical_id} ({kind})")
            continue
        if resource.get("Properties") == other.get("Properties"):
            result.equal_properties += 1
        if resource == other:
            result.equal_resources += 1
        else:
            _diff(resource, other, f"Resources.{logical_id}", result.diffs)
    for logical_id, resource in act_res.items():
        other = exp_res.get(logical_id)
        if other is None or other.get("Type") != resource.get("Type"):
            result.extra.append(f"{logical_id} ({resource.get('Type')})")
    exp_out = expected.get("Outputs") or {}
    act_out = actual.get("Outputs") or {}
    result.outputs_expected = len(exp_out)
    for name, output in exp_out.items():
        if act_out.get(name) == output:
            result.outputs_equal += 1
        elif name not in act_out:
            result.diffs.append(f"Outputs.{name}: missing")
        else:
            _diff(output, act_out[name], f"Outputs.{name}", result.diffs)
    for name in act_out:
        if name not in exp_out:
            result.diffs.append(f"Outputs.{name}: extra")
    for section in sorted((set(expected) | set(actual)) - {"Resources", "Outputs"}):
        if expected.get(section) != actual.get(section):
            _diff(expected.get(section), actual.get(section), section, result.diffs)
    return result


@dataclass
class Variant:
    stage: str
    expected_resources: int
    expected_outputs: int
    comparison: Comparison | None = None
    error: str | None = None  # why it did not compile
    refused: str | None = None  # the engine itself refused to package it (goldens): so must we
    seconds: float = 0.0  # the compile's wall time
    # split-stacks' nested templates: (file name, the stack's logical ID, comparison; None when the
    # compiler made no nested stack of that logical ID)
    nested: list[tuple[str, str, Comparison | None]] = field(default_factory=list)

    @property
    def nested_exact(self) -> bool:
        return all(c is not None and c.exact_ids for _, _, c in self.nested)

    @property
    def agreed(self) -> bool:
        """Compiled like the framework, or refused (an input error) as the engine did."""
        return self.comparison.exact_ids and self.nested_exact if self.comparison is not None else bool(
            self.refused and self.error and not self.error.startswith(("engine:", "compiled, ")))


@dataclass
class CaseResult:
    name: str
    variants: list[Variant]
    seconds: float = 0.0
    unmodelled: tuple[str, ...] = ()  # plugins it was packaged with that promotelint does not model

    @property
    def compiled(self) -> bool:
        return all(v.comparison is not None or v.agreed for v in self.variants)

    @property
    def exact_ids(self) -> bool:
        return all(v.agreed for v in self.variants)


def run_case(case_dir: Path, goldens: dict | None = None) -> CaseResult:
    """`goldens`: another engine's differences from the corpus (regen_engine_goldens), or None."""
    from promotelint.app import compile_path

    info = {}
    if (case_dir / "case.json").is_file():
        info = json.loads((case_dir / "case.json").read_text())
    service_dir = case_dir / info.get("service_dir", ".")
    config = service_dir / info.get("config", "serverless.yml")
    if not config.is_file():
        config = service_dir
    env = dict(info.get("env") or {})
    from promotelint.serverless.plugins import MODELLED

    unmodelled = tuple(p for p in info.get("plugins") or () if p not in MODELLED)
    variants = []
    start = time.perf_counter()
    for stage, expected_name in (("dev", "expected.json"), ("prod", "expected.prod.json")):
        expected_path = service_dir / expected_name
        if not expected_path.is_file():
            continue
        expected = json.loads(expected_path.read_text())
        engine = None
        if goldens is not None:
            patch = goldens["cases"].get(case_dir.name, {}).get(stage)
            if patch is None:
                continue
            if isinstance(patch, dict):  # the engine refused to package it: expect an input error
                variant = Variant(stage, 0, 0, refused=patch["error"])
                variants.append(variant)
                try:
                    compile_path(config, stage=stage, region=info.get("region", "us-east-1"), env=env,
                                 engine=f"{goldens['engine']}@{goldens['version']}")
                    variant.error = "compiled, but the engine refuses it: " + patch["error"][:200]
                except Exception as exc:  # noqa: BLE001 - an InputError is the expected outcome
                    kind = "" if type(exc).__name__ == "InputError" else type(exc).__name__ + ": "
                    variant.error = f"{kind}{exc}" if kind == "" else f"engine: {kind}{exc}"
                continue
            expected = apply_patch(normalize(expected), patch)
            engine = f"{goldens['engine']}@{goldens['version']}"
        variant = Variant(stage, len(expected.get("Resources") or {}), len(expected.get("Outputs") or {}))
        variants.append(variant)
        compile_start = time.perf_counter()
        try:
            template = compile_path(config, stage=stage, region=info.get("region", "us-east-1"), env=env,
                                    engine=engine)
        except Exception as exc:  # a crash is a finding here, not the end of the run
            kind = "" if type(exc).__name__ == "InputError" else type(exc).__name__ + ": "
            variant.error = f"{kind}{exc}"
            continue
        finally:
            variant.seconds = time.perf_counter() - compile_start
        variant.comparison = compare(expected, dict(template.data))
        if stage == "dev":
            variant.nested = compare_nested(case_dir / "expected-nested", info.get("nested_stacks") or (),
                                            expected, template)
    return CaseResult(case_dir.name, variants, time.perf_counter() - start, unmodelled)


def compare_nested(directory: Path, files: Any, expected_root: dict, template: Any) -> list:
    """Each expected nested template against the compiled one of the same stack logical ID."""
    out = []
    for name in files:
        lid = next((lid for lid, r in (expected_root.get("Resources") or {}).items()
                    if r.get("Type") == "AWS::CloudFormation::Stack"
                    and f'"{name}"' in json.dumps((r.get("Properties") or {}).get("TemplateURL"))), name)
        ours = template.nested.get(lid)
        expected = json.loads((directory / name).read_text())
        out.append((name, lid, compare(expected, dict(ours.data)) if ours is not None else None))
    return out


def _case_dirs(root: Path, only: list[str] | None) -> list[Path]:
    if (root / "case.json").is_file() or (root / "expected.json").is_file():
        return [root]
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if only:
        dirs = [p for p in dirs if p.name in only or any(o in p.name for o in only)]
    return dirs


@dataclass
class Totals:
    cases: int = 0
    compiled: int = 0
    exact: int = 0
    resources: int = 0
    equal_properties: int = 0
    equal_resources: int = 0
    outputs: int = 0
    equal_outputs: int = 0
    refused: int = 0  # stages the engine refuses to package (goldens), counted as agreed when we refuse too
    nested: int = 0  # split-stacks' nested templates compared
    nested_exact: int = 0  # with the same logical IDs and types
    nested_resources: int = 0
    nested_equal: int = 0  # resources whose whole definition is equal
    nested_outputs: int = 0
    nested_outputs_equal: int = 0
    median_seconds: float = 0.0  # of one stage's compile
    modelled: Totals | None = None  # the cases whose plugins are all modelled (a plugin corpus)

    def add(self, result: CaseResult) -> None:
        self.cases += 1
        self.compiled += result.compiled
        self.exact += result.exact_ids
        for variant in result.variants:
            self.resources += variant.expected_resources
            self.outputs += variant.expected_outputs
            for _, _, nested in variant.nested:
                self.nested += 1
                self.nested_exact += nested is not None and nested.exact_ids
                self.nested_resources += nested.expected_ids if nested else 0
                self.nested_equal += nested.equal_resources if nested else 0
                self.nested_outputs += nested.outputs_expected if nested else 0
                self.nested_outputs_equal += nested.outputs_equal if nested else 0
            if variant.comparison is not None:
                self.equal_properties += variant.comparison.equal_properties
                self.equal_resources += variant.comparison.equal_resources
                self.equal_outputs += variant.comparison.outputs_equal
            else:
                self.refused += bool(variant.refused)

    @property
    def exact_ratio(self) -> float:
        return self.exact / self.cases if self.cases else 0.0

    @property
    def properties_ratio(self) -> float:
        return self.equal_properties / self.resources if self.resources else 0.0

    def line(self) -> str:
        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:.1f}%" if d else "n/a"

        return (f"cases {self.cases}, compiled {self.compiled}, exact id+type sets {self.exact} "
                f"({pct(self.exact, self.cases)}), resources {self.resources}, equal properties "
                f"{self.equal_properties} ({pct(self.equal_properties, self.resources)}), equal "
                f"definitions {self.equal_resources} ({pct(self.equal_resources, self.resources)}), "
                f"outputs {self.outputs}, equal {self.equal_outputs} ({pct(self.equal_outputs, self.outputs)})"
                + (f", engine refusals {self.refused}" if self.refused else "")
                + (f"; nested templates {self.nested}, exact id+type sets {self.nested_exact}, resources "
                   f"{self.nested_resources}, equal definitions {self.nested_equal} "
                   f"({pct(self.nested_equal, self.nested_resources)}), outputs {self.nested_outputs}, equal "
                   f"{self.nested_outputs_equal} ({pct(self.nested_outputs_equal, self.nested_outputs)})"
                   if self.nested else ""))


def run(root: Path, only: list[str] | None = None, verbose: bool = False, out=print,
        goldens: dict | None = None) -> Totals:
    """Compile every case under `root`, print one line per case (differences with `verbose`), return totals.

    A case counts as compiled / exact only if all of its stages (dev, and prod when present) are;
    resources and outputs are summed over all stages. With cases packaged with plugins, the figures
    of those whose plugins are all modelled come too (`Totals.modelled`).
    """
    totals, modelled = Totals(), Totals()
    with_plugins = False
    seconds: list[float] = []
    for case_dir in _case_dirs(root, only):
        result = run_case(case_dir, goldens)
        if not result.variants:
            continue
        with_plugins |= _packaged_with_plugins(case_dir)
        for into in (totals, modelled) if not result.unmodelled else (totals,):
            into.add(result)
        seconds.extend(v.seconds for v in result.variants)
        unmodelled = f" [plugins not modelled: {', '.join(result.unmodelled)}]" if result.unmodelled else ""
        for variant in result.variants:
            label = f"{result.name} [{variant.stage}]"
            comparison = variant.comparison
            if comparison is None:
                out(f"{'ok  ' if variant.agreed else 'FAIL'}  {label}: "
                    f"{'refused, as the engine does: ' if variant.agreed else ''}{variant.error}{unmodelled}")
                continue
            mark = "ok  " if all(c is not None and c.exact_ids and c.equal_resources == c.expected_ids and not c.diffs
                                 for c in [comparison, *(n for _, _, n in variant.nested)]) else "diff"
            out(f"{mark}  {label}: ids {'exact' if comparison.exact_ids else 'DIFFER'} "
                f"({comparison.expected_ids - len(comparison.missing)}/{comparison.expected_ids}, "
                f"{len(comparison.extra)} extra), equal properties "
                f"{comparison.equal_properties}/{comparison.expected_ids}, outputs "
                f"{comparison.outputs_equal}/{comparison.outputs_expected} ({variant.seconds:.2f}s){unmodelled}")
            _print_differences(comparison, verbose, out)
            for name, lid, nested in variant.nested:
                if nested is None:
                    out(f"        nested {lid} ({name}): MISSING")
                    continue
                out(f"        nested {lid}: ids {'exact' if nested.exact_ids else 'DIFFER'} "
                    f"({nested.expected_ids - len(nested.missing)}/{nested.expected_ids}, {len(nested.extra)} extra), "
                    f"equal definitions {nested.equal_resources}/{nested.expected_ids}, "
                    f"outputs {nested.outputs_equal}/{nested.outputs_expected}")
                _print_differences(nested, verbose, out)
    if seconds:
        totals.median_seconds = statistics.median(seconds)
        out(f"compile time of one stage: median {1000 * totals.median_seconds:.0f} ms, "
            f"max {1000 * max(seconds):.0f} ms ({len(seconds)} compiles)")
    if with_plugins:
        totals.modelled = modelled
        out(f"cases whose plugins are all modelled: {modelled.line()}")
    out(totals.line())
    return totals


def _print_differences(comparison: Comparison, verbose: bool, out) -> None:
    if verbose:
        for item in comparison.missing:
            out(f"        missing {item}")
        for item in comparison.extra:
            out(f"        extra   {item}")
        for item in comparison.diffs:
            out(f"        {item}")


def _packaged_with_plugins(case_dir: Path) -> bool:
    info = case_dir / "case.json"
    return info.is_file() and bool(json.loads(info.read_text()).get("plugins"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.conformance",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="corpus directory (one sub-directory per case) or one case")
    parser.add_argument("--case", action="append", help="only this case (substring match; repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the differences")
    parser.add_argument("--goldens", type=Path, help="another engine's goldens (tools/regen_engine_goldens.py)")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"{args.dir}: not a directory", file=sys.stderr)
        return 2
    run(args.dir, args.case, args.verbose, goldens=json.loads(args.goldens.read_text()) if args.goldens else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
