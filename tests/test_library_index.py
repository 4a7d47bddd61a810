"""The library index lists every assessment, also one whose latest version failed, with its report type,
region, status and number of findings; `--watch` and the index say which findings keep a report from being
rebuilt, and the last good report stays."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

from reports import read_html

from hta.build import build
from hta.cli import main

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
MISNAMED = 'bakgrund.md is not a section of the report. Did you mean "background.md"?'


def assessment(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "src" / name
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "report_type: mini-HTA\nregion: Region Testland\n", encoding="utf-8")
    return folder


def misname(folder: Path) -> None:
    (folder / "sections" / "background.md").rename(folder / "sections" / "bakgrund.md")


def rows(out: Path) -> dict[str, list[str]]:
    [table] = read_html(out / "index.html").tables
    return {row[0]: row for row in table[1:]}


def failure_said(out: Path) -> bool:
    """The index says the report is not rebuilt, and lists the finding that keeps it so."""
    page = read_html(out / "index.html")
    return "Ej ombyggd: 1 fel hindrar" in page.text and any(MISNAMED in item for item in page.list_items)


def test_the_index_lists_a_failed_assessment_with_type_region_status_and_findings(tmp_path):
    good, bad = assessment(tmp_path, "alfa"), assessment(tmp_path, "beta")
    replace = (bad / "assessment.yaml").read_text(encoding="utf-8").replace("minimalt utlåtande", "trasigt utlåtande")
    (bad / "assessment.yaml").write_text(replace, encoding="utf-8")
    misname(bad)
    out = tmp_path / "out"
    build([good, bad], out)
    [table] = read_html(out / "index.html").tables
    assert table[0] == ["Bedömning", "Typ", "Region", "Dnr", "Status", "Beslutsdatum", "Fynd", "Filer"]
    listed = rows(out)
    assert listed["Ett minimalt utlåtande för testerna"][1:4] == ["mini-HTA", "Region Testland", "TEST/0001"]
    failed = listed["Ett trasigt utlåtande för testerna"]
    assert failed[1:3] == ["mini-HTA", "Region Testland"]
    assert failure_said(out) and re.search(r"TEST/0001\s*För beslut\s*Ej ombyggd", read_html(out / "index.html").text)
    assert failed[6] == "1" and failed[7] == "Inte byggd"

    # the parts of a sharded build carry the record: the index assembled from _build/ alone lists it too
    (out / "index.html").unlink()
    assert main(["build", "--index-only", "--out", str(out)]) == 0
    assert failure_said(out)

    # once fixed, the record goes and the report is linked
    (bad / "sections" / "bakgrund.md").rename(bad / "sections" / "background.md")
    build([bad], out)
    assert not (out / "beta" / "failed.json").exists()
    assert rows(out)["Ett trasigt utlåtande för testerna"][7] == "HTML · Word · PDF"


def test_a_report_whose_latest_edit_failed_is_kept_and_marked_out_of_date(tmp_path, capsys):
    from hta.watch import watch

    folder = assessment(tmp_path, "bevakad")
    out = tmp_path / "out"
    build([folder], out)
    html = (out / "bevakad" / "bevakad.html").read_bytes()
    stop = threading.Event()
    rebuilt = []
    thread = threading.Thread(target=watch, args=([folder], out, "pandoc", rebuilt.append, stop), daemon=True)
    thread.start()
    time.sleep(0.5)
    misname(folder)
    deadline = time.monotonic() + 30
    while not rebuilt and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    stop.set()
    thread.join(10)
    assert rebuilt and not rebuilt[0].built
    said = capsys.readouterr().out
    assert f"bevakad: OUT OF DATE: {out / 'bevakad'}/ holds its last good build, without the latest edit; " \
           "the 1 error above keeps it from being rebuilt. The index marks it so." in said
    # the last good report stays, and says on the page that it is out of date
    page = (out / "bevakad" / "bevakad.html").read_text(encoding="utf-8")
    notice = ('<div id="hta-out-of-date" class="hta-banner" role="alert">Out of date: this page is the last good '
              'build. The latest edit has errors that keep the report from being rebuilt; hta check lists them.</div>\n')
    assert page.replace(notice, "", 1).encode("utf-8") == html
    assert page.index(notice) < page.index("<main>")
    row = rows(out)["Ett minimalt utlåtande för testerna"]
    assert failure_said(out)
    assert row[7] == "HTML · Word · PDF"
    # the edit undone: the inputs are those of the marked page, and the page is written anew, without the notice
    (folder / "sections" / "bakgrund.md").rename(folder / "sections" / "background.md")
    [again] = build([folder], out)
    assert again.built and (out / "bevakad" / "bevakad.html").read_bytes() == html


def test_the_quarto_listing_has_report_type_and_region_columns_filled_from_each_report(tmp_path):
    from ruamel.yaml import YAML

    def front_matter(path: Path) -> dict:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8").split("---\n")[1])

    out = tmp_path / "out"
    build([assessment(tmp_path, "listad")], out)
    listing = front_matter(out / "index.qmd")["listing"]
    assert listing["fields"] == ["title", "report-type", "region-name", "date"]
    assert listing["field-display-names"] == {"title": "Bedömning", "report-type": "Typ", "region-name": "Region",
                                              "date": "Beslutsdatum"}
    [listed] = listing["contents"]
    report = front_matter(out / listed)
    # Markdown, as Quarto reads metadata: "Mini\-HTA" prints Mini-HTA
    assert (report["report-type"], report["region-name"]) == ("Mini\\-HTA", "Region Testland")
