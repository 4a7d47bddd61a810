"""The `hta` command: each subcommand parses its arguments and calls one function."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

# Nothing else of hta at the top but the messages (stdlib only, a catalogue read at the first message): `hta
# --help` and a mistyped option need only argparse. Each command imports what it uses.
from .i18n import N_, _, ngettext

ASSESSMENTS = Path("assessments")
BUILD = Path("_build")
FORMATS = ("github", "json", "text")  # the keys of diagnostics.FORMATTERS, named here so --help needs no import


LANGUAGES = ("sv", "nb", "en")  # i18n.LANGUAGES, named here so --help needs no import


def parser() -> argparse.ArgumentParser:
    # --lang is taken before the command and after it: `hta --lang en check` and `hta check --lang en`
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                        help=_("language of what hta says, other than findings about an assessment (those are in the assessment's language); default: the locale (LC_ALL, LC_MESSAGES, LANG), else Swedish"))
    p = argparse.ArgumentParser(prog="hta", description=_("Health-technology-assessment reports from assessment folders."),
                                parents=[common])
    commands = p.add_subparsers(dest="command", required=True)

    b = commands.add_parser(parents=[common], name="build", help=_("check, then build Word, HTML and PDF into _build/"))
    b.add_argument("assessments", nargs="*", type=Path, help=_("assessment folders (default: all under assessments/)"))
    b.add_argument("--out", type=Path, default=BUILD, help=_("output folder (default: _build)"))
    b.add_argument("--engine", choices=["pandoc", "quarto", "auto"], default="pandoc",
                   help=_("pandoc (bundled, default), quarto, or auto: quarto when installed"))
    b.add_argument("--watch", action="store_true", help=_("rebuild an assessment whenever one of its files changes"))
    b.add_argument("--force", action="store_true",
                   help=_("convert every assessment again, even those whose inputs did not change since their last build"))
    b.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help=_("use N cores: N assessments at once in worker processes, or one assessment's converters side by side (default: one per core; 1: one thing after another)"))
    b.add_argument("--shard", metavar="K/N", default=None,
                   help=_("build only the K-th of N stable parts of the library (for N CI runners); then assemble the index with --index-only"))
    b.add_argument("--index-only", action="store_true",
                   help=_("build nothing: write _build/index.html from every report already in the output folder"))

    c = commands.add_parser(parents=[common], name="check", help=_("check completeness and consistency"))
    c.add_argument("assessments", nargs="*", type=Path)
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--show-suppressed", action="store_true",
                   help=_("also list every `hta: ignore` mark: file:line, rule and reason, for a reviewer"))

    n = commands.add_parser(parents=[common], name="new", help=_("create a new assessment folder"))
    n.add_argument("name", help=_("folder name: lower-case letters, digits and hyphens, at most 64, e.g. ketamin-langvarig-smarta (created under assessments/)"))
    n.add_argument("--title", required=True, help=_("the statement's title"))
    n.add_argument("--language", default="sv", help=_("language of the report's labels: sv, en or nb (default: sv)"))
    n.add_argument("--shape", default="intervention",
                   help=_("the PICO's shape: intervention (primary/secondary outcomes, default), diagnostic "
                          "(index test, reference standard), tiers (GRADE critical/important/limited), numbered "
                          "(O1–On with sub-items and prioritised ones) or multi (several PICOs)"))
    n.add_argument("--style", default="dalarna", help=_("house style: dalarna (default), vgr, skane, or one of HTA_STYLES"))
    n.add_argument("--in", dest="parent", type=Path, default=ASSESSMENTS, help=_("where to create it (default: assessments/)"))

    r = commands.add_parser(parents=[common], name="refs", help=_("references"))
    refs = r.add_subparsers(dest="refs_command", required=True)
    i = refs.add_parser(parents=[common], name="import", help=_("add RIS, BibTeX, PubMed (.nbib) or CSL-JSON exports to references.json"))
    i.add_argument("files", nargs="+", type=Path)
    i.add_argument("--assessment", type=Path, default=Path("."), help=_("assessment folder (default: the one you stand in)"))

    commands.add_parser(parents=[common], name="docs", help=_("regenerate docs/checks*.md, the message catalogues and schemas/ from the code"))
    return p


# argparse's own words (usage, its errors) come through gettext too: they are in hta's catalogues, marked here
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"), N_("the following arguments are required: %s"),
    N_("expected one argument"), N_("expected at most one argument"), N_("expected at least one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"), N_("ignored explicit argument %r"),
)


def main(argv: list[str] | None = None) -> int:
    from . import i18n

    # hta's models are validated by pydantic alone: a pydantic plugin installed beside it (an observability
    # tool) is not loaded, and no command reads every installed package's entry points to look for one
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

    arguments = sys.argv[1:] if argv is None else argv
    # --lang is read before the parser is made: its help and its errors are in that language too
    i18n.set_interface_language(_lang_in(arguments))
    argparse._ = _  # argparse translates with the gettext module's global domain; hta's catalogue says it
    try:
        args = parser().parse_args(arguments)
    except SystemExit as exc:
        return 2 if exc.code else 0
    from .diagnostics import HtaError
    try:
        return COMMANDS[args.command](args)
    except HtaError as exc:
        print(f"hta: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `hta check | head` closed the pipe: what was wanted was read; Python's own flush at exit must not
        # complain about it again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        # what the command made is freed with the process, not examined object by object by the collector as
        # the interpreter shuts down (a fifth of a second after a build)
        gc.freeze()


def _lang_in(arguments: list[str]) -> str | None:
    for i, argument in enumerate(arguments):
        if argument == "--lang" and i + 1 < len(arguments):
            return arguments[i + 1]
        if argument.startswith("--lang="):
            return argument.partition("=")[2]
    return None


def _folders(named: list[Path]) -> list[Path]:
    """The assessment folders to work on: those named, or every folder under assessments/. A folder
    without an assessment.yaml is kept, to be reported (HTA950); a path that is no folder cannot be."""
    from .build import discover
    from .diagnostics import HtaError

    if not named:
        found = discover(ASSESSMENTS) if ASSESSMENTS.is_dir() else []
        if not found:
            raise HtaError(_("no assessments found under {folder}/ (a folder with an assessment.yaml).").format(folder=ASSESSMENTS))
        return found
    for p in named:
        if not p.is_dir():
            what = (_("{path} is not a folder") if p.exists() else _("{path} does not exist")).format(path=p)
            raise HtaError(_("{what}; an assessment is a folder with an assessment.yaml (see `hta new`).").format(what=what))
    return named


def check(args) -> int:
    from .build import Kept, check_all
    from .parallel import default_jobs
    from .diagnostics import FORMATTERS, format_text, has_errors, wants_colour

    findings, suppressed = [], []
    kept = Kept.ASSESSMENT if args.show_suppressed else Kept.FINDINGS
    for outcome in check_all(_folders(args.assessments), jobs=default_jobs(), kept=kept):
        findings += outcome.diagnostics
        if args.show_suppressed and outcome.assessment is not None:
            from .check.suppressions import marks

            from . import i18n

            with i18n.language(outcome.assessment.meta.language):  # what the marks are is said of the assessment
                suppressed += [s.text() for s in marks(outcome.assessment)]
    if args.show_suppressed:
        # after the findings' format a JSON or GitHub reader parses stdout alone, so the list goes to stderr
        print("\n".join(suppressed) if suppressed else _("no `hta: ignore` marks."),
              file=sys.stdout if args.format == "text" else sys.stderr)
    if args.format == "text":
        output = format_text(findings, wants_colour(sys.stdout))
    else:
        output = FORMATTERS[args.format](findings)
    if output:
        print(output)
    return 1 if has_errors(findings) else 0


def build(args) -> int:
    from .build import build as build_all
    from .diagnostics import HtaError

    if args.index_only:
        from .library.index import write_index

        if not args.out.is_dir():
            raise HtaError(_("{out} does not exist; --index-only lists the reports already built there.").format(out=args.out))
        for path in write_index(args.out):
            print(_("wrote {path}").format(path=path))
        return 0
    folders = _folders(args.assessments)
    if args.shard:
        from .parallel import Shard

        try:
            shard = Shard.parse(args.shard)
        except ValueError as exc:
            raise HtaError(str(exc)) from None
        folders = shard.members(folders)
        if not folders:
            print(_("shard {shard}: no assessment falls in this part; nothing to build.").format(shard=args.shard))
            return 0
    if args.jobs is not None and args.jobs < 1:
        raise HtaError(_("-j takes a number of worker processes of 1 or more, not {jobs}.").format(jobs=args.jobs))
    from .parallel import default_jobs

    jobs = args.jobs or default_jobs()
    # a shard's index would list only its part: the whole library's index is assembled with --index-only
    outcomes = build_all(folders, args.out, args.engine, _progress(len(folders)), jobs=jobs, force=args.force,
                         index=not args.shard)
    print(summary_table(outcomes))
    if args.watch:
        from .watch import watch

        watch(folders, args.out, args.engine, _progress(None), jobs=jobs)
    return 0 if all(o.built for o in outcomes) else 1


def _progress(total: int | None):
    done = 0

    from .diagnostics import Severity

    def report(outcome) -> None:
        nonlocal done
        done += 1
        counter = f"[{done}/{total}] " if total else ""
        for d in outcome.diagnostics:
            print(d.text(), file=sys.stderr)
        if outcome.reused:
            print(counter + _("{name}: up to date (its inputs did not change), {folder}").format(
                name=outcome.name, folder=outcome.outputs[0].parent),
                  flush=True)
        elif outcome.built:
            print(counter + _("{name}: built {files}").format(
                name=outcome.name, files=", ".join(str(p) for p in outcome.outputs)), flush=True)
        else:
            errors = sum(d.severity is Severity.ERROR for d in outcome.diagnostics)
            print(counter + ngettext("{name}: NOT built, {count} error above must be fixed first.",
                                     "{name}: NOT built, {count} errors above must be fixed first.", errors).format(
                name=outcome.name, count=errors),
                  file=sys.stderr, flush=True)

    return report


def summary_table(outcomes) -> str:
    """One line per assessment: built or not, and how many errors, warnings and notes it has."""
    from .diagnostics import Severity

    rows = [(_("assessment"), _("result"), _("errors"), _("warnings"), _("notes"))]
    for o in outcomes:
        count = {s: sum(d.severity is s for d in o.diagnostics) for s in Severity}
        result = _("up to date") if o.reused else _("built") if o.built else _("NOT built")
        rows.append((o.name, result, str(count[Severity.ERROR]), str(count[Severity.WARNING]),
                     str(count[Severity.NOTE])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    built = sum(o.built for o in outcomes)
    lines.append(_("{built} of {total} built.").format(built=built, total=len(outcomes)))
    reused = sum(o.reused for o in outcomes)
    if reused:
        lines.append(_("{reused} of them up to date: their inputs had not changed, so they were not converted again"
                       " (--force converts every one).").format(reused=reused))
    return "\n".join(lines)


def new(args) -> int:
    from . import i18n
    from .scaffold import new_assessment

    folder = new_assessment(args.parent, args.name, args.title, args.language, args.shape, args.style)
    with i18n.language(args.language):  # about the new assessment: in its language, as its files are
        print(_("created {folder}/: fill in the files, run `hta check {folder}`, then `hta build {folder}`.").format(folder=folder))
    return 0


def refs(args) -> int:
    from .diagnostics import HtaError, has_errors
    from .load.references import format_report, import_references

    if not (args.assessment / "assessment.yaml").is_file():
        raise HtaError(_("{assessment} is not an assessment folder (no assessment.yaml); stand in one, or name it with --assessment.").format(assessment=args.assessment))
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        raise HtaError(_("{path} does not exist.").format(path=missing[0]))
    from . import i18n
    from .load.yaml_text import read_yaml

    meta = read_yaml(args.assessment / "assessment.yaml", args.assessment).data
    # what the import says is about the assessment's references: in the assessment's language
    with i18n.language(meta.get("language") if isinstance(meta, dict) else None):
        report = import_references(args.files, args.assessment)
        text = format_report(report)
    if text:
        print(text)
    return 1 if has_errors(report.problems) else 0


def docs(args) -> int:
    from .generated import write_generated

    for path in write_generated():
        print(_("wrote {path}").format(path=path))
    return 0


COMMANDS = {"build": build, "check": check, "new": new, "refs": refs, "docs": docs}
