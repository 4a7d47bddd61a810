"""The `hta` command: each subcommand parses its arguments and calls one function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import FORMATTERS, Severity, format_text, has_errors, wants_colour

ASSESSMENTS = Path("assessments")
BUILD = Path("_build")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hta", description="Health-technology-assessment reports from assessment folders.")
    commands = parser.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="build Word, HTML and PDF into _build/")
    b.add_argument("assessments", nargs="*", type=Path, help="assessment folders (default: all under assessments/)")
    b.add_argument("--out", type=Path, default=BUILD, help="output folder (default: _build)")
    b.add_argument("--engine", choices=["pandoc", "quarto", "auto"], default="pandoc")

    c = commands.add_parser("check", help="check completeness and consistency")
    c.add_argument("assessments", nargs="*", type=Path)
    c.add_argument("--format", choices=sorted(FORMATTERS), default="text")

    commands.add_parser("docs", help="regenerate docs/checks.md and schemas/ from the code")

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.command == "docs":
        from .generated import write_generated

        for path in write_generated():
            print(f"wrote {path}")
        return 0
    folders = _folders(args.assessments)
    if folders is None:
        return 2
    if args.command == "build":
        return _build(folders, args)
    return _check(folders, args)


def _folders(named: list[Path]) -> list[Path] | None:
    from .build import discover

    if not named:
        found = discover(ASSESSMENTS)
        if not found:
            print(f"hta: no assessments found under {ASSESSMENTS}/ (a folder with an assessment.yaml).", file=sys.stderr)
            return None
        return found
    missing = [p for p in named if not (p / "assessment.yaml").is_file()]
    for p in missing:
        what = "has no assessment.yaml" if p.is_dir() else "is not a folder"
        print(f"hta: {p} {what}; an assessment is a folder with an assessment.yaml (see `hta new`).", file=sys.stderr)
    return None if missing else named


def _check(folders: list[Path], args) -> int:
    from .build import read_and_check

    findings = [d for folder in folders for d in read_and_check(folder)[1]]
    formatter = FORMATTERS[args.format]
    output = format_text(findings, wants_colour(sys.stdout)) if args.format == "text" else formatter(findings)
    if output:
        print(output)
    return 1 if has_errors(findings) else 0


def _build(folders: list[Path], args) -> int:
    from .build import build

    def progress(outcome) -> None:
        for d in outcome.diagnostics:
            print(d.text(), file=sys.stderr)
        if outcome.built:
            print(f"built {outcome.name}: {', '.join(str(p) for p in outcome.outputs)}")
        else:
            errors = sum(d.severity is Severity.ERROR for d in outcome.diagnostics)
            print(f"NOT built {outcome.name}: {errors} error(s) above must be fixed first.", file=sys.stderr)

    outcomes = build(folders, args.out, args.engine, progress)
    return 0 if all(o.built for o in outcomes) else 1
