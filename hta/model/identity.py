"""How a report names itself in its title block and running header: its own report number (with the
organisation's label, or none: "HTA 2018:42"), its Dnr, or both."""

from __future__ import annotations

from .assessment import Metadata
from .labels import Labels

SEPARATOR = " · "  # between the report number and the Dnr when a report prints both


def identity_line(meta: Metadata, labels: Labels) -> str:
    """"Dnr: RD21/01987", "Rapport 2018:42", "HTA 2018:42 · Dnr: VGR 2018-01234": the report number is never
    printed under the Dnr's label."""
    parts = []
    if meta.report_number.strip():
        parts.append(" ".join(x for x in (meta.report_number_label.strip(), meta.report_number.strip()) if x))
    if meta.dnr.strip():
        parts.append(f"{labels.dnr} {meta.dnr}")
    return SEPARATOR.join(parts)
