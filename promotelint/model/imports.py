"""Who in the repository depends on a stack's outputs: the index the export rule reads.

A stack depends on another's output in two ways: `Fn::ImportValue` of its export name (CloudFormation
then refuses to remove or change that export: "Cannot delete export ... as it is in use by ..."),
and the Serverless Framework's `${cf:<stack>.<output>}` variable (read when the importing service
is packaged: removing the output breaks its next deploy). io.imports builds the index from the
repository's services and templates at head; the rules get it as data.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from promotelint.model.record import field, record


@record(order=True)
class Importer:
    """One service or template that depends on an output."""

    service: str  # its stack name, or its file when that is unknown (a template)
    file: str  # where it is declared, as reports name files
    how: str  # Fn::ImportValue | ${cf:}

    def __str__(self) -> str:
        where = self.file if self.service == self.file else f"{self.service} ({self.file})"
        return f"{where} by {self.how}"


@record
class ImportIndex:
    """Export name -> importers, and the names only partly known offline (`sls-orders-*-TableArn`)
    as glob patterns; the `${cf:}` references as (stack, output key) glob patterns (a nested
    variable is a `*`). `unread`: files that mention imports but could not be read."""

    exports: Mapping[str, tuple[Importer, ...]] = field(default_factory=dict)
    patterns: tuple[tuple[str, Importer], ...] = ()
    outputs: tuple[tuple[tuple[str, str], Importer], ...] = ()
    unread: tuple[str, ...] = ()

    def importers(self, export: object, stack: str | None, output: str) -> tuple[Importer, ...]:
        """Who depends on the output `output` of `stack`, exported as `export` (if it is)."""
        found: set[Importer] = set()
        if isinstance(export, str):
            found.update(self.exports.get(export, ()))
            found.update(i for pattern, i in self.patterns if fnmatch.fnmatchcase(export, pattern))
        if stack:
            found.update(i for (s, o), i in self.outputs
                         if fnmatch.fnmatchcase(stack, s) and fnmatch.fnmatchcase(output, o))
        return tuple(sorted(i for i in found if i.service != stack))  # a stack never imports itself

    def __or__(self, other: ImportIndex) -> ImportIndex:
        keys = dict.fromkeys([*self.exports, *other.exports])
        exports = {k: tuple(dict.fromkeys((*self.exports.get(k, ()), *other.exports.get(k, ())))) for k in keys}
        return ImportIndex(exports, tuple(dict.fromkeys(self.patterns + other.patterns)),
                           tuple(dict.fromkeys(self.outputs + other.outputs)),
                           tuple(dict.fromkeys(self.unread + other.unread)))
