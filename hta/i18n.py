"""Messages in the user's language (issue 10 builds the catalogues; this is the calling convention).

Every message a user reads is written in English in the code and wrapped: `_("… {name} …").format(name=x)`,
never an f-string inside `_()`, so that the text is a catalogue key. `N_()` marks text translated later.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural
