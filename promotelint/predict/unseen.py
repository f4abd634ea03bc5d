"""Compare what neither side's compiler predicted: the plugin parts (model.template.UnseenPart),
matched by plugin and config section, by the fingerprints of their resolved values."""

from __future__ import annotations

from promotelint.model.changeset import UnseenChange
from promotelint.model.template import Template


def compare_unseen(base: Template, head: Template) -> tuple[UnseenChange, ...]:
    """Each part of either side, in head order then the base's removed ones: Add, Modify, Remove,
    Unchanged, or Unknown when the other side is a template (nothing to compare the config with)."""
    # A template (read, not compiled) has no config to compare a section with; an empty one (a new
    # or deleted stack) has nothing a plugin made either.
    base_unknown, head_unknown = (t.provenance.compiler == "template" and bool(t.data.get("Resources"))
                                  for t in (base, head))
    before = {(p.plugin, p.section): p for p in base.unseen}
    after = {(p.plugin, p.section): p for p in head.unseen}
    out = []
    for key, part in after.items():
        old = before.get(key)
        if base_unknown:
            action = "Unknown"
        elif old is None:
            action = "Add"
        else:
            action = "Unchanged" if old.fingerprint == part.fingerprint else "Modify"
        out.append(UnseenChange(part.plugin, part.section, action, part.outside, part.origin))
    for key, part in before.items():
        if key not in after:
            action = "Unknown" if head_unknown else "Remove"
            out.append(UnseenChange(part.plugin, part.section, action, part.outside, part.origin))
    return tuple(out)
