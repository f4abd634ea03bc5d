"""What every report format shares: its options, and how a change, a count or a location reads."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from promotelint.model.changeset import ResourceChange, StackChangeSet, blind_spots
from promotelint.model.findings import Finding, StackReport, active, blocks, counts
from promotelint.model.record import getter, record, replace
from promotelint.model.regex import lazy
from promotelint.model.secrets import is_plain_data, map_strings, masker, shown_fields
from promotelint.model.template import Origin

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


@record
class RenderOptions:
    """How a report is rendered: what to show, colour, and the run's verdict and rules."""

    show_all: bool = False
    color: bool = False
    # The run's verdict (`check`'s exit code). None (`changeset`): the report holds predictions only,
    # in every format: no verdict heading or line, no JUnit test cases, no SARIF results, no
    # annotations, since a CI system reads any of those as "checked, safe".
    exit_code: int | None = None
    # rule id -> {"summary", "description", "fix", "severity", "helpUri"}: SARIF's rule metadata
    rules: Mapping[str, Mapping[str, str]] | None = None
    fail_on: str = "error"  # what blocks a stack: `check`'s --fail-on (blocked stacks come first)
    errors: tuple[str, ...] = ()  # the services that could not be read (the JSON report keeps them)


Render = Callable[[Sequence[StackReport], RenderOptions], str]


@record
class Format:
    """One output format: its name on the command line and the function that renders it.
    `escape_controls`: its text carries values as they are (the terminal, JUnit's XML, markdown), so
    a newline or an escape sequence inside a value must be shown escaped, not acted on; JSON and
    SARIF escape them by their own syntax, GitHub's annotations by theirs."""

    name: str
    render: Render
    escape_controls: bool = False
    # its text in up to n pieces, each rendered by its own call, to be joined in order (a large
    # report rendered on several cores: cli/output.py); None: one piece
    pieces: Callable[[Sequence[StackReport], RenderOptions, int], list[Callable[[], str]]] | None = None

    def __call__(self, reports: Sequence[StackReport], options: RenderOptions) -> str:
        """The report as this format renders it, from what may be shown (see `presentable`)."""
        return self.render(presentable(reports, self.escape_controls), options)

    def split(self, reports: Sequence[StackReport], options: RenderOptions, count: int) -> list[Callable[[], str]]:
        """The report in up to `count` pieces whose texts, joined, are what __call__ gives."""
        if self.pieces is None or count < 2:
            return [lambda: self(reports, options)]
        return self.pieces(presentable(reports, self.escape_controls), options, count)


# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
_CONTROL = lazy("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    r"""`a\nb` for a value holding a newline: one value stays on its line, and cannot start another."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1] if m.group() not in "\u2028\u2029"
                        else f"\\u{ord(m.group()):04x}", text)


def presentable(reports: Sequence[StackReport], escape: bool = False) -> list[StackReport]:
    """The reports as they may be shown: each stack's secrets (model/secrets.py) masked everywhere,
    and with `escape`, control characters escaped."""
    out = []
    for report in reports:
        mask = masker(report.changeset.secrets)
        if mask is None and not (escape and _may_hold_controls(report)):
            out.append(report)
            continue
        fn = mask if not escape else escape_controls if mask is None else (lambda s, m=mask: escape_controls(m(s)))
        out.append(map_strings(report, fn))
    return out


# What json.dumps (ensure_ascii=False) writes for a control character: an escape, or the character.
# Two patterns, not one alternation: each alone is searched by its first character (a megabyte-sized
# report in ~5 ms); the alternation tries every position (~100 ms).
_ENCODED_CONTROL = (lazy(r"\\[bfnrtu]"), lazy("[\x7f-\x9f\u2028\u2029]"))


def _may_hold_controls(report: StackReport) -> bool:
    """Whether a string in the report may hold a control character: C's JSON encoder reads a large
    report's values many times faster than a Python walk, and most reports hold none, so they are
    shown as they are. A backslash in a value, or a value the encoder cannot read, says "may":
    the full walk then decides."""
    try:
        text = json.dumps(report, default=_contents, ensure_ascii=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return True
    escaped, other = _ENCODED_CONTROL
    if escaped.search(text) is not None:
        return True
    # ASCII text (the usual report) holds no C1 control or separator: only DEL is left to look for,
    # and str.isascii and `in` read a megabyte in 0.03 ms, the character class in 12 ms
    return "\x7f" in text if text.isascii() else other.search(text) is not None


def _contents(value: Any) -> Any:
    """What the encoder writes for a value it does not know: the fields map_strings walks (a
    dataclass's shown fields, a mapping's items, a set's members), by a getter found once per type
    (a report has thousands of changes of a handful of types)."""
    get = _GETTERS.get(type(value))
    if get is None:
        if is_plain_data(value):
            get = getter(shown_fields(type(value)))
        elif isinstance(value, Mapping):
            get = dict
        elif isinstance(value, (set, frozenset)):
            get = list
        else:
            return None  # map_strings leaves the rest
        _GETTERS[type(value)] = get
    return get(value)


_GETTERS: dict[type, Callable[[Any], Any]] = {}


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def tally(reports: Sequence[StackReport]) -> str:
    """"2 errors, 1 warning": the unsuppressed findings by severity, or "" when there are none."""
    return ", ".join(plural(n, severity) for severity, n in counts(reports).items() if n)


def compilers(cs: StackChangeSet) -> str:
    """What made each side: "base: offline compiler (v3 3.40.0); head: framework compiler (v3 3.40.0)",
    said once when both sides were made alike."""
    if cs.base_provenance == cs.head_provenance:
        return f"base and head: {cs.head_provenance}"
    return f"base: {cs.base_provenance}; head: {cs.head_provenance}"


def unpredicted(reports: Sequence[StackReport]) -> int:
    """How many things the stacks' predictions could not see (warnings, plugin parts)."""
    return sum(len(blind_spots(r.changeset)) for r in reports)


def outcome(reports: Sequence[StackReport], exit_code: int) -> str:
    """The verdict in words. Never "safe" for a promotion with parts that were not predicted, nor
    with an error or warning that did not block only because of --fail-on."""
    blind = unpredicted(reports)
    if exit_code == 1:
        return "promotion blocked"
    if exit_code != 0:
        return "some services could not be checked"
    if blind:
        return f"no blocking findings; {plural(blind, 'part')} not predicted"
    return "no blocking findings" if looks_risky(reports) else "promotion looks safe"


def looks_risky(reports: Sequence[StackReport]) -> bool:
    """An unsuppressed error or warning stands (it blocks nothing under a laxer --fail-on)."""
    found = counts(reports)
    return bool(found["error"] or found["warning"])


def findings_of(report: StackReport, options: RenderOptions) -> list[Finding]:
    """The unsuppressed findings a verdict report shows; none in a report of predictions only."""
    return active(report) if options.exit_code is not None else []


ACTIONS = ("add", "modify", "replace", "remove")


def change_counts(reports: Sequence[StackReport]) -> dict[str, int]:
    """Resources to add, modify, replace (or maybe replace) and remove, across the reports."""
    out = dict.fromkeys(ACTIONS, 0)
    for report in reports:
        for change in report.changeset.changes:
            out[{"Add": "add", "Remove": "remove", "Modify": "modify"}[change.action]
                if verb(change) == change.action else "replace"] += 1
    return out


def count_line(reports: Sequence[StackReport]) -> str:
    """terraform plan's last line: "1 to add, 2 to modify, 1 to replace, 0 to remove"."""
    return ", ".join(f"{n} to {action}" for action, n in change_counts(reports).items())


def blocked(report: StackReport, options: RenderOptions) -> bool:
    """A stack the verdict blocks: an unsuppressed finding at the --fail-on level (`check` only)."""
    return options.exit_code is not None and blocks(report, options.fail_on)


def ordered(reports: Sequence[StackReport], options: RenderOptions) -> list[StackReport]:
    """The blocked stacks first, each group in the run's order."""
    return sorted(reports, key=lambda r: not blocked(r, options))


def names(reports: Sequence[StackReport], limit: int = 10) -> str:
    """"a, b and 3 more": the stacks' names, at most `limit` of them."""
    shown = [r.changeset.name or r.changeset.head_source for r in reports[:limit]]
    more = f" and {len(reports) - limit} more" if len(reports) > limit else ""
    return ", ".join(shown) + more


def stacks_line(reports: Sequence[StackReport], options: RenderOptions) -> str:
    """"3 stacks checked; blocked: orders-prod." — the end of `check`'s last line."""
    stopped = [r for r in reports if blocked(r, options)]
    return f"{plural(len(reports), 'stack')} checked; " + (f"blocked: {names(stopped)}." if stopped else "none blocked.")


def suppressed_text(finding: Finding) -> str:
    """One suppressed finding: "stateful-resource-removed on LegacyTable: data moved (expires 2027-03-31)"."""
    where = f" on {finding.logical_id}" if finding.logical_id else ""
    expires = f" (expires {finding.suppression_expires})" if finding.suppression_expires else ""
    return f"{finding.rule}{where}: {finding.suppression_reason or 'no reason given'}{expires}"


def stage_note(cs: StackChangeSet) -> str | None:
    """What a side was compiled for when no --stage said: "stage dev assumed (provider.stage)"."""
    for side in (cs.head_provenance, cs.base_provenance):
        if side.stage_assumed:
            came = {"provider.stage": "from provider.stage; ", "default": "the default; "}.get(side.stage_from or "", "")
            return f"stage {side.stage} assumed ({came}no --stage given)"
    return None


def verb(change: ResourceChange) -> str:
    if change.action != "Modify":
        return change.action
    return {"True": "Replace", "Conditional": "Replace?"}.get(change.replacement or "", "Modify")


def why(change: ResourceChange) -> str:
    """The few words that say what happens: the policy, the properties that force replacement."""
    parts = []
    if change.before_type:
        parts.append(f"type {change.before_type} -> {change.resource_type}")
    if change.replacement in ("True", "Conditional"):
        forcing = dict.fromkeys(d.target.name or d.target.attribute for d in change.details
                                if d.target.requires_recreation != "Never")
        if forcing:
            parts.append("because of " + ", ".join(forcing))
    if change.policy_action and change.policy_action not in ("Delete", "ReplaceAndDelete") or (
            change.stateful and change.policy_action):
        parts.append(f"policy {change.policy_action}")
    if change.renamed_to:
        parts.append(f"looks renamed to {change.renamed_to}")
    if change.renamed_from:
        parts.append(f"looks renamed from {change.renamed_from}")
    return "; ".join(parts)


def head_file(report: StackReport) -> str:
    """The file a finding without its own origin belongs to: the head source, minus a `REV:`."""
    cs = report.changeset
    source = cs.head_source if cs.head_stack_name is not None or cs.base_stack_name is None else cs.base_source
    if ":" in source and not source.startswith(("/", "(")) and source[1:2] != ":":
        source = source.split(":", 1)[1]
    return source


def location(finding: Finding, report: StackReport) -> Origin:
    """Where an annotation of the finding goes: a file of the working tree, and its line when the
    line is in that file (not in another revision's copy of it)."""
    origin = finding.origin
    if origin is None:
        return Origin(head_file(report))
    if origin.revision:
        # The line is in another revision's copy of the file (a removed resource): annotating
        # that line of the working tree's file would point at something else.
        return Origin(origin.head_file or origin.file)
    cs = report.changeset
    if origin.file in (cs.head_source, cs.base_source) and ":" in origin.file and origin.file[1:2] != ":":
        # a stack-level finding placed on a source named `REV:path`: the file is the path
        return replace(origin, file=origin.file.split(":", 1)[1])
    return origin
