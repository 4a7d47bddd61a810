"""Messages in the user's language: Swedish, Norwegian bokmål or English, from gettext catalogues.

Every message a user reads is written in English in the code and wrapped: `_("… {name} …").format(name=x)`,
never an f-string inside `_()`, so that the text is a catalogue key. `N_()` marks text translated later, where
it is used (`_(rule.summary)`); the `summary` and `why` of each `rules.rule(...)` are marked the same way by
position (see catalogues.KEYWORDS). The catalogues are hta/locale/<language>/LC_MESSAGES/hta.po, compiled to
hta.mo beside them by `hta docs` (see hta/catalogues.py); English needs none, its messages are the keys.

Which language: findings about an assessment are in the assessment's (`with language(meta.language):` around
reading and checking it); everything else in the interface language: `--lang`, else the locale (LC_ALL,
LC_MESSAGES, LANG: the first one set), else Swedish. HTA_LANGUAGE, when set to one of the three, overrides both
(the test suite pins English with it; a maintainer may read another team's findings with it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("sv", "nb", "en")
DEFAULT = "sv"  # the users' first language: a locale that names none of the three gets Swedish
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "hta"
OVERRIDE = "HTA_LANGUAGE"

# A locale's language code to ours: Norwegian written as `no` or nynorsk reads bokmål better than Swedish.
_LOCALE_CODES = {"sv": "sv", "nb": "nb", "no": "nb", "nn": "nb", "en": "en"}

# --lang, when given: kept in the environment, so that worker processes (hta.parallel) speak it too
INTERFACE = "HTA_INTERFACE_LANGUAGE"
_assessment: ContextVar[str | None] = ContextVar("hta_assessment_language", default=None)
_exact: ContextVar[str | None] = ContextVar("hta_exact_language", default=None)


def from_locale(environ=os.environ) -> str:
    """The language the locale names (the first of LC_ALL, LC_MESSAGES, LANG that is set), else Swedish."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            return _LOCALE_CODES.get(code, DEFAULT)
    return DEFAULT


def _override() -> str | None:
    value = os.environ.get(OVERRIDE)
    return value if value in LANGUAGES else None


def set_interface_language(language: str | None) -> None:
    """`--lang`: the language of everything that is not a finding about an assessment."""
    if language in LANGUAGES:
        os.environ[INTERFACE] = language
    else:
        os.environ.pop(INTERFACE, None)


def interface_language() -> str:
    chosen = os.environ.get(INTERFACE)
    return _override() or (chosen if chosen in LANGUAGES else None) or from_locale()


def current() -> str:
    """The language a message written now is in."""
    return _exact.get() or _override() or _assessment.get() or interface_language()


@contextmanager
def language(code: object) -> Iterator[None]:
    """Messages written inside are in `code`'s language; a value that names none of the three (an
    assessment.yaml that could not be read, `language: de`) leaves the language as it was."""
    token = _assessment.set(code if code in LANGUAGES else _assessment.get())
    try:
        yield
    finally:
        _assessment.reset(token)


@contextmanager
def exactly(code: str) -> Iterator[None]:
    """Messages written inside are in `code`'s language, whatever else is asked (the docs of each language)."""
    token = _exact.set(code)
    try:
        yield
    finally:
        _exact.reset(token)


def cache_key() -> str:
    """What, besides an assessment's own files, decides the language of its findings (cache.CheckRecord)."""
    return f"{_override()}/{interface_language()}"


@cache
def translations(code: str):
    """The catalogue of one language, read once per process."""
    import gettext

    if code == "en":
        return gettext.NullTranslations()
    with open(LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def _(message: str) -> str:
    return translations(current()).gettext(message)


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)
