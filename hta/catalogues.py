"""The gettext catalogues, kept in step with the code: extract, update, compile (run by `hta docs`).

hta/locale/hta.pot holds every message of the code; hta/locale/<lang>/LC_MESSAGES/hta.po its translations,
edited with any .po editor (Poedit, Lokalize, a text editor); hta.mo is compiled from each .po. Updating adds
each new message to every catalogue, untranslated unless a `locale/incoming-*-<lang>.po` of the repository (a
branch's translations of its new messages) has it, and drops those the code no longer uses. The tests fail on
an untranslated or fuzzy message and on a .mo or .pot that is not what the code and the .po give.
Stdlib only (the model is read for its fields' descriptions): a developer needs no gettext tools, and
nothing of this is imported when hta runs.
"""

from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import DOMAIN, LANGUAGES, LOCALE

CODE = Path(__file__).resolve().parent
INCOMING = CODE.parent / "locale"  # locale/incoming-<branch>-<lang>.po, merged in by `hta docs`

#: The calls whose string arguments are messages, as xgettext's --keyword: the function and which arguments
#: (0-based) are the singular and plural. `rule(code, name, severity, summary, why, …)` marks summary and why.
KEYWORDS = {"_": (0,), "N_": (0,), "ngettext": (0, 1), "rule": (3, 4)}

#: Plural forms of each language, as the Plural-Forms header says them.
PLURAL_FORMS = {"sv": "nplurals=2; plural=(n != 1);", "nb": "nplurals=2; plural=(n != 1);"}
LANGUAGE_NAMES = {"sv": "Swedish", "nb": "Norwegian Bokmål"}


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    places: list[str] = field(default_factory=list)  # the files that say it, as `#:` comments
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(self.msgstr)


def extract(files: list[Path] | None = None) -> dict[str, Message]:
    """Every message the code marks, by msgid, in the order first met."""
    found: dict[str, Message] = {}
    for path in files or sorted(CODE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for strings in _marked(node):
                message = found.setdefault(strings[0], Message(strings[0], strings[1] if len(strings) > 1 else None,
                                                               ["", ""] if len(strings) > 1 else [""]))
                # the file alone, as xgettext --add-location=file: a line number would change the catalogues
                # with every edit of the code around a message
                if _place(path) not in message.places:
                    message.places.append(_place(path))
    if files is None:  # the whole code: the descriptions of the model's fields, as the schemas show them, too
        from .generated import schema_descriptions

        for text, place in schema_descriptions().items():
            message = found.setdefault(text, Message(text))
            if place not in message.places:
                message.places.append(place)
    return found


def _place(path: Path) -> str:
    """A module as the catalogues name it: hta/check/shapes.py (a file elsewhere: hta/<its name>)."""
    path = path.resolve()
    return path.relative_to(CODE.parent).as_posix() if path.is_relative_to(CODE) else f"hta/{path.name}"


def _marked(node: ast.AST) -> list[tuple[str, ...]]:
    if not isinstance(node, ast.Call):
        return []
    name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else None
    if name not in KEYWORDS:
        return []
    args = [node.args[i] if i < len(node.args) else None for i in KEYWORDS[name]]
    if name == "rule":  # two messages, each of its own
        return [(_literal(a),) for a in args if _literal(a) is not None]
    strings = tuple(_literal(a) for a in args)
    return [strings] if all(s is not None for s in strings) else []


def _literal(node: ast.AST | None) -> str | None:
    """A string constant, or constants joined by implicit concatenation (which the AST already joins)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def non_literal_calls(files: list[Path] | None = None) -> list[str]:
    """`_(f"…")` and `_("…" + x)`: calls whose text cannot be a catalogue key (a variable holding an `N_`
    text is fine)."""
    bad = []
    for path in files or sorted(CODE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext")
                    and node.args and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))):
                bad.append(f"{_place(path)}:{node.lineno}")
    return bad


# --- .po files ------------------------------------------------------------------------------------------

def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a .po string is a C string; Python's literal syntax reads the escapes .po uses


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


def read_po(path: Path) -> tuple[str, dict[str, Message]]:
    """The header (msgstr of the empty msgid) and the messages of a .po file; obsolete (#~) entries are skipped."""
    header, messages = "", {}
    entry: dict[str, object] = {}
    current: str | None = None

    def flush() -> None:
        nonlocal header, entry
        if "msgid" in entry:
            msgstr = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr"))]
            if entry["msgid"] == "":
                header = msgstr[0] if msgstr else ""
            else:
                messages[entry["msgid"]] = Message(entry["msgid"], entry.get("msgid_plural"), msgstr or [""],
                                                   list(entry.get("places", [])), bool(entry.get("fuzzy")))
        entry = {}

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            flush()
            current = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#:"):
            if "msgid" in entry:
                flush()
            entry.setdefault("places", []).extend(line[2:].split())
        elif line.startswith("#"):
            if "msgid" in entry:
                flush()
        elif line.startswith('"'):
            entry[current] += _unquote(line)
        else:
            keyword, _space, value = line.partition(" ")
            if keyword == "msgid" and "msgid" in entry:
                flush()
            current = keyword.replace("[", "").replace("]", "") if keyword.startswith("msgstr[") else keyword
            if current == "msgstr":
                current = "msgstr0"
            entry[current] = _unquote(value)
    return header, messages


def write_po(path: Path, header: str, messages: list[Message]) -> str:
    lines = ["# Messages of hta. Edit the msgstr lines (Poedit or any .po editor); `hta docs` adds new messages",
             "# and compiles hta.mo.", 'msgid ""', 'msgstr ""']
    lines += [_quote(line + "\n") for line in header.splitlines()] + [""]
    for m in messages:
        if m.places:
            lines.append("#: " + " ".join(m.places))
        if m.fuzzy:
            lines.append("#, fuzzy")
        lines.append("msgid " + _quote(m.msgid))
        if m.plural is not None:
            lines.append("msgid_plural " + _quote(m.plural))
            lines += [f"msgstr[{i}] " + _quote(s) for i, s in enumerate(m.msgstr)]
        else:
            lines.append("msgstr " + _quote(m.msgstr[0]))
        lines.append("")
    return "\n".join(lines)


def header_for(code: str | None) -> str:
    head = "Project-Id-Version: hta\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
    if code is None:
        return head + "Plural-Forms: nplurals=2; plural=(n != 1);\n"
    return head + f"Language: {code}\nLanguage-Team: {LANGUAGE_NAMES[code]}\nPlural-Forms: {PLURAL_FORMS[code]}\n"


# --- .mo files -------------------------------------------------------------------------------------------

def compile_mo(header: str, messages: list[Message]) -> bytes:
    """The GNU .mo file of the translated messages (untranslated and fuzzy ones are left out, so gettext
    falls back to the English key), sorted by msgid as gettext's binary search wants."""
    pairs = {"": header}
    for m in messages:
        if not m.translated:
            continue
        key = m.msgid if m.plural is None else f"{m.msgid}\0{m.plural}"
        pairs[key] = "\0".join(m.msgstr)
    keys = sorted(pairs, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [pairs[k].encode("utf-8") for k in keys]
    n = len(keys)
    ids_start = 7 * 4 + 16 * n
    strs_start = ids_start + sum(len(i) + 1 for i in ids)
    offsets, data, position = [], b"", ids_start
    for chunk in ids:
        offsets.append((len(chunk), position))
        data += chunk + b"\0"
        position += len(chunk) + 1
    for chunk in strs:
        offsets.append((len(chunk), position))
        data += chunk + b"\0"
        position += len(chunk) + 1
    assert position - ids_start == len(data) and strs_start <= position
    head = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    table = b"".join(struct.pack("<2I", length, offset) for length, offset in offsets)
    return head + table + data


# --- keeping them in step ----------------------------------------------------------------------------------

def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def incoming(code: str) -> dict[str, Message]:
    """Translations other branches brought (locale/incoming-<branch>-<lang>.po), for merging in."""
    found: dict[str, Message] = {}
    for path in sorted(INCOMING.glob(f"incoming-*-{code}.po")):
        found.update({k: m for k, m in read_po(path)[1].items() if m.translated})
    return found


def catalogue_files() -> dict[Path, bytes]:
    """hta.pot, and each language's .po and .mo, as the code and the translations so far make them."""
    code_messages = extract()
    files: dict[Path, bytes] = {LOCALE / f"{DOMAIN}.pot": write_po(
        LOCALE / f"{DOMAIN}.pot", header_for(None), list(code_messages.values())).encode("utf-8")}
    for code in LANGUAGES:
        if code == "en":
            continue  # English is the keys themselves
        path = po_path(code)
        known = read_po(path)[1] if path.is_file() else {}
        brought = incoming(code)
        messages = []
        for msgid, template in code_messages.items():
            old = known.get(msgid)
            if old is None or not old.translated:
                old = brought.get(msgid, old)
            msgstr = old.msgstr if old is not None and len(old.msgstr) == len(template.msgstr) else list(template.msgstr)
            messages.append(Message(msgid, template.plural, msgstr, template.places, bool(old and old.fuzzy)))
        header = header_for(code)
        files[path] = write_po(path, header, messages).encode("utf-8")
        files[path.with_suffix(".mo")] = compile_mo(header, messages)
    return files


def problems(code: str) -> list[str]:
    """What keeps a catalogue from being complete: untranslated, fuzzy, stale (no longer in the code) or
    missing messages, and placeholders ({name}) that differ from the English."""
    path = po_path(code)
    if not path.is_file():
        return [f"{path} does not exist"]
    in_code = extract()
    catalogue = read_po(path)[1]
    found = []
    for msgid in in_code:
        m = catalogue.get(msgid)
        if m is None:
            found.append(f"missing: {msgid!r}")
        elif m.fuzzy:
            found.append(f"fuzzy: {msgid!r}")
        elif not m.translated:
            found.append(f"untranslated: {msgid!r}")
        elif any(_fields(s) != _fields(msgid) | _fields(m.plural or "") for s in m.msgstr if m.plural is None) or \
                (m.plural is not None and any(not _fields(s) <= _fields(msgid) | _fields(m.plural) for s in m.msgstr)):
            found.append(f"placeholders differ: {msgid!r} -> {m.msgstr!r}")
    found += [f"stale: {msgid!r}" for msgid in catalogue if msgid not in in_code]
    return found


def _fields(text: str) -> set[str]:
    return set(re.findall(r"(?<!\{)\{([A-Za-z_0-9]*)[^{}]*\}(?!\})", text))
