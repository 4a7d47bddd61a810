"""Strict JSON: what Python's reader would take beyond the standard (NaN, Infinity, huge numbers) refused."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..i18n import _
from .reader import MAX_DEPTH, NUMBER_DIGITS, clip


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class _Refused(ValueError):
    def __init__(self, literal: str, message: str) -> None:
        super().__init__(message)
        self.literal, self.message = literal, message


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 defines it: no NaN or Infinity, numbers that fit, at most MAX_DEPTH levels.
    Raises json.JSONDecodeError, with its line and column, for anything else."""
    # Strings blanked to spaces of the same length: brackets and words inside them are text, not structure.
    blanked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m[0]) - 2) + '"', text)
    depth = 0
    for bracket in _JSON_BRACKET.finditer(blanked):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > MAX_DEPTH:
            raise json.JSONDecodeError(_("lists and objects are nested deeper than {MAX_DEPTH} levels").format(MAX_DEPTH=MAX_DEPTH), text, bracket.start())

    def constant(name: str) -> Any:
        raise _Refused(name, _("{name} is not a number JSON allows; write null or leave the field out").format(name=name))

    def whole(literal: str) -> int:
        if len(literal.lstrip("-")) > NUMBER_DIGITS:
            raise _Refused(literal, _("a number of more than {NUMBER_DIGITS} digits").format(NUMBER_DIGITS=NUMBER_DIGITS))
        return int(literal)

    def decimal(literal: str) -> float:
        number = float(literal)
        if not math.isfinite(number):
            raise _Refused(literal, _("{literal} is too large for a number").format(literal=clip(literal, 20)))
        return number

    try:
        return json.loads(text, parse_constant=constant, parse_int=whole, parse_float=decimal)
    except _Refused as exc:
        raise json.JSONDecodeError(exc.message, text, max(blanked.find(exc.literal), 0)) from None
