"""The `hta` command: each subcommand parses its arguments and calls one function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import FORMATTERS, HtaError, Severity, format_text, has_errors, wants_colour

ASSESSMENTS = Path("assessments")
BUILD = Path("_build")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hta", description="Health-technology-assessment reports from assessment folders.")
    commands = p.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="check, then build Word, HTML and PDF into _build/")
    b.add_argument("assessments", nargs="*", type=Path, help="assessment folders (default: all under assessments/)")
    b.add_argument("--out", type=Path, default=BUILD, help="output folder (default: _build)")
    b.add_argument("--engine", choices=["pandoc", "quarto", "auto"], default="pandoc",
                   help="pandoc (bundled, default), quarto, or auto: quarto when installed")
    b.add_argument("--watch", action="store_true", help="rebuild an assessment whenever one of its files changes")

    c = commands.add_parser("check", help="check completeness and consistency")
    c.add_argument("assessments", nargs="*", type=Path)
    c.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    c.add_argument("--show-suppressed", action="store_true",
                   help="also list every `hta: ignore` mark: file:line, rule and reason, for a reviewer")

    n = commands.add_parser("new", help="create a new assessment folder")
    n.add_argument("name", help="folder name: lower-case letters, digits and hyphens, at most 64, "
                                 "e.g. ketamin-langvarig-smarta (created under assessments/)")
    n.add_argument("--title", required=True, help="the statement's title")
    n.add_argument("--language", default="sv", help="language of the report's labels: sv, en or nb (default: sv)")
    n.add_argument("--in", dest="parent", type=Path, default=ASSESSMENTS, help="where to create it (default: assessments/)")

    r = commands.add_parser("refs", help="references")
    refs = r.add_subparsers(dest="refs_command", required=True)
    i = refs.add_parser("import", help="add RIS, BibTeX, PubMed (.nbib) or CSL-JSON exports to references.json")
    i.add_argument("files", nargs="+", type=Path)
    i.add_argument("--assessment", type=Path, default=Path("."), help="assessment folder (default: the one you stand in)")

    commands.add_parser("docs", help="regenerate docs/checks.md and schemas/ from the code")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        return COMMANDS[args.command](args)
    except HtaError as exc:
        print(f"hta: {exc}", file=sys.stderr)
        return 2


def _folders(named: list[Path]) -> list[Path]:
    from .build import discover

    if not named:
        found = discover(ASSESSMENTS)
        if not found:
            raise HtaError(f"no assessments found under {ASSESSMENTS}/ (a folder with an assessment.yaml).")
        return found
    for p in named:
        if not (p / "assessment.yaml").is_file():
            what = "has no assessment.yaml" if p.is_dir() else "is not a folder"
            raise HtaError(f"{p} {what}; an assessment is a folder with an assessment.yaml (see `hta new`).")
    return named


def check(args) -> int:
    from .build import read_and_check

    findings, suppressed = [], []
    for folder in _folders(args.assessments):
        assessment, found = read_and_check(folder)
        findings += found
        if args.show_suppressed and assessment is not None:
            from .suppressions import marks

            suppressed += marks(assessment)
    if args.show_suppressed:
        # after the findings' format a JSON or GitHub reader parses stdout alone, so the list goes to stderr
        print("\n".join(s.text() for s in suppressed) if suppressed else "no `hta: ignore` marks.",
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

    folders = _folders(args.assessments)
    outcomes = build_all(folders, args.out, args.engine, _progress(len(folders)))
    print(summary_table(outcomes))
    if args.watch:
        from .watch import watch

        watch(folders, args.out, args.engine, _progress(None))
    return 0 if all(o.built for o in outcomes) else 1


def _progress(total: int | None):
    done = 0

    def report(outcome) -> None:
        nonlocal done
        done += 1
        counter = f"[{done}/{total}] " if total else ""
        for d in outcome.diagnostics:
            print(d.text(), file=sys.stderr)
        if outcome.built:
            print(f"{counter}{outcome.name}: built {', '.join(str(p) for p in outcome.outputs)}", flush=True)
        else:
            errors = sum(d.severity is Severity.ERROR for d in outcome.diagnostics)
            print(f"{counter}{outcome.name}: NOT built, {errors} error(s) above must be fixed first.",
                  file=sys.stderr, flush=True)

    return report


def summary_table(outcomes) -> str:
    """One line per assessment: built or not, and how many errors, warnings and notes it has."""
    rows = [("assessment", "result", "errors", "warnings", "notes")]
    for o in outcomes:
        count = {s: sum(d.severity is s for d in o.diagnostics) for s in Severity}
        rows.append((o.name, "built" if o.built else "NOT built", str(count[Severity.ERROR]),
                     str(count[Severity.WARNING]), str(count[Severity.NOTE])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    built = sum(o.built for o in outcomes)
    lines.append(f"{built} of {len(outcomes)} built.")
    return "\n".join(lines)


def new(args) -> int:
    from .scaffold import new_assessment

    folder = new_assessment(args.parent, args.name, args.title, args.language)
    print(f"created {folder}/: fill in the files, run `hta check {folder}`, then `hta build {folder}`.")
    return 0


def refs(args) -> int:
    from .references import format_report, import_references

    if not (args.assessment / "assessment.yaml").is_file():
        raise HtaError(f"{args.assessment} is not an assessment folder (no assessment.yaml); "
                       "stand in one, or name it with --assessment.")
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        raise HtaError(f"{missing[0]} does not exist.")
    report = import_references(args.files, args.assessment)
    text = format_report(report)
    if text:
        print(text)
    return 1 if has_errors(report.problems) else 0


def docs(args) -> int:
    from .generated import write_generated

    for path in write_generated():
        print(f"wrote {path}")
    return 0


COMMANDS = {"build": build, "check": check, "new": new, "refs": refs, "docs": docs}
