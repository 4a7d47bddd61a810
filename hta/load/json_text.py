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
    Raises json.JSONDecodeError, with its line and column, for anything else.

    Read by the json module's C reader alone, with hooks that refuse what it would take beyond the
    standard, and its nesting measured on the values it gives: a references file is read in a fraction of
    the time the strings and brackets take to go through in Python. Only a file that reader refuses, or
    that is nested too deep, is read again the slow way, which says what is wrong first and where."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_whole, parse_float=_decimal)
    except (ValueError, RecursionError):  # _Refused and JSONDecodeError are ValueErrors
        return _strict_json_in_steps(text)
    if _deeper_than(data, MAX_DEPTH):
        return _strict_json_in_steps(text)
    return data


def _deeper_than(data: Any, depth: int) -> bool:
    """Whether lists and objects in `data` nest more than `depth` levels: as deep as the brackets of the
    JSON it was read from. A loop, not recursion."""
    pending = [(data, 1)] if isinstance(data, (dict, list)) else []
    while pending:
        value, level = pending.pop()
        if level > depth:
            return True
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (dict, list)):
                pending.append((item, level + 1))
    return False


def _constant(name: str) -> Any:
    raise _Refused(name, _("{name} is not a number JSON allows; write null or leave the field out").format(name=name))


def _whole(literal: str) -> int:
    if len(literal.lstrip("-")) > NUMBER_DIGITS:
        raise _Refused(literal, _("a number of more than {NUMBER_DIGITS} digits").format(NUMBER_DIGITS=NUMBER_DIGITS))
    return int(literal)


def _decimal(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise _Refused(literal, _("{literal} is too large for a number").format(literal=clip(literal, 20)))
    return number


def _strict_json_in_steps(text: str) -> Any:
    """strict_json for a file the fast reading refused: nesting first, then the json module with the hooks,
    each refusal at its place."""
    # Strings blanked to spaces of the same length: brackets and words inside them are text, not structure.
    blanked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m[0]) - 2) + '"', text)
    depth = 0
    for bracket in _JSON_BRACKET.finditer(blanked):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > MAX_DEPTH:
            raise json.JSONDecodeError(_("lists and objects are nested deeper than {MAX_DEPTH} levels").format(MAX_DEPTH=MAX_DEPTH), text, bracket.start())
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_whole, parse_float=_decimal)
    except _Refused as exc:
        raise json.JSONDecodeError(exc.message, text, max(blanked.find(exc.literal), 0)) from None
