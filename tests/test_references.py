"""The bibliography: reading references.json / references.bib, and `hta refs import` of real exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hta.load.exports import ParsedEntry, Problem, parse_bibtex, parse_csl_json, parse_nbib, parse_ris
from hta.load.references import Added, ImportReport, Merged, format_report, import_references, read_reference_file

EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "references"

ENDNOTE_ENTRY = {
    "type": "article-journal",
    "title": "EndNote: The Only Reference I Can Remember",
    "author": [{"family": "Smith", "given": "A. Nonymous"}, {"family": "Doe", "given": "J."},
               {"family": "End", "given": "N. Ote"}, {"family": "Ref", "given": "E. Rence"}],
    "issued": {"date-parts": [[2024]]},
    "container-title": "Journal of Reference Management",
    "volume": "1",
    "issue": "42",
    "page": "1-2",
    "DOI": "10.1234/endnote.joke.2024",
    "URL": "https://www.endnote.com/",
    "language": "English",
    "keyword": "citation, reference, library, wizardry, coffee, procrastination, EndNote, RIS",
    "abstract": "This is a test article about the mysterious world of EndNote libraries. Legend says if you cite "
                "yourself three times in a row, EndNote will grant you a coffee break.",
}

SERENO_BIB = r"""@article{Sereno2022,
  author = {Sereno, Paul C. and Myhrvold, Nathan and Henderson, Donald M.},
  title = {{Spinosaurus} is not an aquatic dinosaur},
  journal = {eLife},
  year = {2022},
  volume = {11},
  pages = {e80092},
  doi = {https://doi.org/10.7554/ELIFE.80092},
}
"""

GRIFFIN_RIS = """TY  - JOUR
AU  - Griffin, Darren K.
TI  - Time Lapse: a glimpse into prehistoric genomics
T2  - European Journal of Medical Genetics
PY  - 2020
VL  - 63
SP  - 103640
UR  - https://www.sciencedirect.com/science/article/pii/S1769721219300599
ER  - 
"""


def export(name: str) -> str:
    return (EXPORTS / name).read_text(encoding="utf-8")


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """A working folder, so findings name files as the user typed them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def written(folder: Path) -> list[dict]:
    return json.loads((folder / "references.json").read_text(encoding="utf-8"))


# --- Each format --------------------------------------------------------------------------------

def test_endnote_ris_record_becomes_csl_json():
    entries, problems = parse_ris(export("endnote.ris"))

    assert problems == []
    assert entries == [ParsedEntry(ENDNOTE_ENTRY, 1)]


def test_endnote_ris_continuation_lines_join_the_tagged_value():
    [entry], _ = parse_ris(export("endnote.ris"))

    # KW continues on untagged lines; the AD, N1, SN and DB continuations belong to fields not imported.
    assert entry.csl["keyword"].split(", ") == ["citation", "reference", "library", "wizardry", "coffee",
                                                "procrastination", "EndNote", "RIS"]
    leaked = [v for v in map(str, entry.csl.values()) if "J. Doe" in v or "9999-9999" in v or "2024-04-01" in v]
    assert leaked == []


def test_pubmed_nbib_records_become_csl_json():
    entries, problems = parse_nbib(export("pubmed.nbib"))

    assert problems == []
    assert [e.line for e in entries] == [1, 67]
    griffin, sereno = (e.csl for e in entries)
    assert {k: v for k, v in griffin.items() if k != "abstract"} == {
        "type": "article-journal",
        "title": "Time lapse: A glimpse into prehistoric genomics",
        "author": [{"family": "Griffin", "given": "Darren K"}, {"family": "Larkin", "given": "Denis M"},
                   {"family": "O'Connor", "given": "Rebecca E"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "European journal of medical genetics",
        "container-title-short": "Eur J Med Genet",
        "volume": "63",
        "issue": "2",
        "page": "103640",
        "PMID": "30922926",
        "DOI": "10.1016/j.ejmg.2019.03.004",
    }
    assert griffin["abstract"].startswith("For the purpose of this review, 'time-lapse' refers to the "
                                          "reconstruction of ancestral (in this case dinosaur) karyotypes")
    assert (sereno["title"], sereno["PMID"], sereno["DOI"], sereno["issued"]) == (
        "Spinosaurus is not an aquatic dinosaur", "36448670", "10.7554/eLife.80092", {"date-parts": [[2022]]})
    assert [a["family"] for a in sereno["author"]] == ["Sereno", "Myhrvold", "Henderson"]


def test_pubmed_doi_comes_from_the_doi_lid_not_the_pii():
    text = ("PMID- 1\nTI  - A title\nLID - S1769-7212(19)30059-X [pii]\nAID - 103640 [pii]\n"
            "AID - 10.1016/j.ejmg.2019.03.004 [doi]\n")

    [entry], _ = parse_nbib(text)

    assert entry.csl["DOI"] == "10.1016/j.ejmg.2019.03.004"


def test_pubmed_title_continued_on_indented_lines_is_one_line():
    text = "PMID- 2\nTI  - Ketamine for chronic pain: a systematic review of randomised\n      controlled trials.\n"

    [entry], _ = parse_nbib(text)

    assert entry.csl["title"] == "Ketamine for chronic pain: a systematic review of randomised controlled trials"


def test_pubmed_without_full_names_uses_the_initials_form():
    [entry], _ = parse_nbib("PMID- 3\nTI  - T.\nAU  - Griffin DK\nAU  - O'Connor RE\n")

    assert entry.csl["author"] == [{"family": "Griffin", "given": "DK"}, {"family": "O'Connor", "given": "RE"}]


def test_bibtex_keeps_title_case_and_turns_latex_into_letters():
    text = r"""@article{Akesson2019,
  author = {{\AA}kesson, {\AA}sa and Sv{\"o}rd, Bj\"{o}rn and {Statens beredning f\"{o}r medicinsk utv{\"a}rdering}},
  title = {{Ketamin} vid {CRPS}: en {R}andomiserad studie i {\AA}rhus},
  journal = {L{\"a}kartidningen},
  year = 2019,
  volume = {116},
  number = {3},
  pages = {10--15},
  doi = {10.1000/ABC_1},
  pmid = {31234567},
  url = {https://example.org/a%20b},
  publisher = {Sveriges l{\"a}karf{\"o}rbund},
}
"""
    [entry], problems = parse_bibtex(text)

    assert problems == []
    assert entry == ParsedEntry({
        "id": "Akesson2019",
        "type": "article-journal",
        "title": "Ketamin vid CRPS: en Randomiserad studie i Århus",
        "author": [{"family": "Åkesson", "given": "Åsa"}, {"family": "Svörd", "given": "Björn"},
                   {"literal": "Statens beredning för medicinsk utvärdering"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Läkartidningen",
        "volume": "116",
        "issue": "3",
        "page": "10-15",
        "publisher": "Sveriges läkarförbund",
        "DOI": "10.1000/ABC_1",
        "PMID": "31234567",
        "URL": "https://example.org/a%20b",
    }, 1)


@pytest.mark.parametrize("bibtex, csl_type", [
    ("@article{k, title={T}}", "article-journal"),
    ("@book{k, title={T}}", "book"),
    ("@report{k, title={T}}", "report"),
    ("@techreport{k, title={T}}", "report"),
    ("@inproceedings{k, title={T}}", "paper-conference"),
    ("@online{k, title={T}}", "webpage"),
    ("@misc{k, title={T}, url={https://sbu.se}}", "webpage"),
    ("@misc{k, title={T}}", "document"),
], ids=["article", "book", "report", "techreport", "inproceedings", "online", "misc-with-url", "misc"])
def test_bibtex_entry_types_map_to_csl_types(bibtex, csl_type):
    [entry], _ = parse_bibtex(bibtex)

    assert entry.csl["type"] == csl_type


@pytest.mark.parametrize("ris_type, csl_type", [
    ("JOUR", "article-journal"), ("BOOK", "book"), ("RPRT", "report"), ("ELEC", "webpage"), ("WEB", "webpage"),
    ("CHAP", "chapter"), ("CONF", "paper-conference"), ("GEN", "document"), ("ABST", "document"),
])
def test_ris_types_map_to_csl_types(ris_type, csl_type):
    [entry], _ = parse_ris(f"TY  - {ris_type}\nTI  - T\nER  - \n")

    assert entry.csl["type"] == csl_type


def test_csl_json_entries_keep_their_fields_and_lines():
    text = '[\n  {"id": "a", "title": "A", "DOI": "10.1/a"},\n  "stray text",\n  {"id": "b", "title": "B"}\n]\n'

    entries, problems = parse_csl_json(text)

    assert entries == [ParsedEntry({"id": "a", "title": "A", "DOI": "10.1/a"}, 2),
                       ParsedEntry({"id": "b", "title": "B"}, 4)]
    assert problems == [Problem(3, "an entry must be an object `{…}`, not str; it was not imported.", 3)]


# --- Malformed entries --------------------------------------------------------------------------

MALFORMED_RIS = """TY  - JOUR
AU  - Pellas, Ulrika
TI  - Ketamin vid långvarig smärta
PY  - 2021
ER  - 

AU  - Svensjö, Sverker
TI  - Utan typrad
PY  - 2020
ER  - 

TY  - RPRT
AU  - Åkesson, Åsa
TI  - Rapport med okänd tagg
XX  - något som ingen känner
PY  - 2019
ER  - 

TY  - JOUR
TI  - Aldrig avslutad
PY  - 2018
"""

MALFORMED_NBIB = """PMID- 111
TI  - Complete record.
DP  - 2020

OWN - NLM
TI  - Record without a PMID.

PMID- 222
DP  - 2021

PMID- 333
TI  - Second complete record.
"""

MALFORMED_BIBTEX = """@article{good1,
  title = {Good},
  year = 2019
}

@article{broken,
  title = {Unclosed,
  year = 2020
}

@book{good2,
  title = {Also good},
  year = 2021
}
"""


@pytest.mark.parametrize("parse, text, titles, problems", [
    (parse_ris, MALFORMED_RIS, ["Ketamin vid långvarig smärta", "Rapport med okänd tagg"], [
        Problem(7, "the record does not start with `TY  -`; it was not imported."),
        Problem(15, "`XX` is not a RIS tag; the line was ignored."),
        Problem(19, "the record is never closed with `ER  -`; it was not imported."),
    ]),
    (parse_nbib, MALFORMED_NBIB, ["Complete record", "Second complete record"], [
        Problem(5, "the record has no `PMID` line; it was not imported."),
        Problem(8, "the record has no `TI` line; it was not imported."),
    ]),
    (parse_bibtex, MALFORMED_BIBTEX, ["Good", "Also good"], [
        Problem(6, "cannot parse this BibTeX entry: Unexpected block start: `@book`. Was still looking for "
                   "field-value closing `,` or `}`; it was left out."),
    ]),
], ids=["ris", "nbib", "bibtex"])
def test_malformed_entries_are_reported_at_their_line_and_the_others_still_parse(parse, text, titles, problems):
    entries, found = parse(text)

    assert [e.csl["title"] for e in entries] == titles
    assert found == problems


def test_ris_unknown_tag_line_is_left_out_of_the_imported_entry():
    [_, entry], _ = parse_ris(MALFORMED_RIS)

    assert entry.csl == {"type": "report", "title": "Rapport med okänd tagg",
                         "author": [{"family": "Åkesson", "given": "Åsa"}], "issued": {"date-parts": [[2019]]}}


# --- Import -------------------------------------------------------------------------------------

def test_import_creates_references_json_with_family_year_ids(here):
    shutil.copy(EXPORTS / "endnote.ris", here)
    shutil.copy(EXPORTS / "pubmed.nbib", here)

    report = import_references([Path("endnote.ris"), Path("pubmed.nbib")], here)

    assert report == ImportReport(here / "references.json", added=[
        Added("smith2024", "endnote.ris", 1), Added("griffin2020", "pubmed.nbib", 1),
        Added("sereno2022", "pubmed.nbib", 67)])
    assert written(here)[0] == {"id": "smith2024", **ENDNOTE_ENTRY}
    assert [e["id"] for e in written(here)] == ["smith2024", "griffin2020", "sereno2022"]


def test_import_writes_utf8_with_stable_key_order_and_a_final_newline(here):
    write(here, "a.ris", "TY  - RPRT\nUR  - https://sbu.se\nTI  - Smärtlindring\nPY  - 2019\n"
                         "AU  - Åkesson, Åsa\nDO  - https://doi.org/10.1000/X\nER  - \n")

    import_references([Path("a.ris")], here)

    assert (here / "references.json").read_text(encoding="utf-8") == """[
  {
    "id": "akesson2019",
    "type": "report",
    "title": "Smärtlindring",
    "author": [
      {
        "family": "Åkesson",
        "given": "Åsa"
      }
    ],
    "issued": {
      "date-parts": [
        [
          2019
        ]
      ]
    },
    "DOI": "10.1000/X",
    "URL": "https://sbu.se"
  }
]
"""
    assert sorted(p.name for p in here.iterdir()) == ["a.ris", "references.json"]


def test_same_work_in_nbib_bibtex_and_ris_becomes_one_entry(here):
    shutil.copy(EXPORTS / "pubmed.nbib", here)
    write(here, "sereno.bib", SERENO_BIB)
    write(here, "griffin.ris", GRIFFIN_RIS)

    report = import_references([Path("pubmed.nbib"), Path("sereno.bib"), Path("griffin.ris")], here)

    assert report.added == [Added("griffin2020", "pubmed.nbib", 1), Added("sereno2022", "pubmed.nbib", 67)]
    assert report.merged == [Merged("sereno.bib", 1, "sereno2022", "DOI", ("page",)),
                             Merged("griffin.ris", 1, "griffin2020", "title, year and first author", ("URL",))]
    assert report.problems == []
    griffin, sereno = written(here)
    assert (sereno["DOI"], sereno["PMID"], sereno["page"]) == ("10.7554/eLife.80092", "36448670", "e80092")
    assert (griffin["DOI"], griffin["URL"]) == (
        "10.1016/j.ejmg.2019.03.004", "https://www.sciencedirect.com/science/article/pii/S1769721219300599")
    assert format_report(report) == "\n".join([
        "pubmed.nbib:1: added griffin2020",
        "pubmed.nbib:67: added sereno2022",
        "sereno.bib:1: merged into sereno2022 (same DOI; added page)",
        "griffin.ris:1: merged into griffin2020 (same title, year and first author; added URL)",
    ])


def test_import_merges_into_the_existing_references_and_keeps_their_fields_and_order(here):
    existing = [{"id": "sereno2022", "type": "article-journal", "title": "Spinosaurus is not an aquatic dinosaur",
                 "DOI": "10.7554/ELIFE.80092", "note": "hand-written"}]
    write(here, "references.json", json.dumps(existing))
    shutil.copy(EXPORTS / "pubmed.nbib", here)

    report = import_references([Path("pubmed.nbib")], here)

    assert report.added == [Added("griffin2020", "pubmed.nbib", 1)]
    assert report.merged == [Merged("pubmed.nbib", 67, "sereno2022", "DOI", (
        "author", "issued", "container-title", "container-title-short", "volume", "PMID", "abstract"))]
    sereno = written(here)[0]
    assert (sereno["DOI"], sereno["note"], sereno["PMID"]) == ("10.7554/ELIFE.80092", "hand-written", "36448670")
    assert list(sereno) == ["id", "type", "title", "DOI", "note", *report.merged[0].filled]


def test_import_recognises_a_work_by_its_pmid(here):
    write(here, "references.json", json.dumps([{"id": "griffin", "title": "Time-lapse genomics", "PMID": "30922926"}]))
    shutil.copy(EXPORTS / "pubmed.nbib", here)

    report = import_references([Path("pubmed.nbib")], here)

    assert [(m.line, m.into, m.key) for m in report.merged] == [(1, "griffin", "PMID")]
    assert written(here)[0]["title"] == "Time-lapse genomics"


def test_existing_entry_without_id_is_kept_but_never_merged_into(here):
    idless = {"title": "Spinosaurus is not an aquatic dinosaur", "DOI": "10.7554/eLife.80092"}
    write(here, "references.json", json.dumps([idless]))
    shutil.copy(EXPORTS / "pubmed.nbib", here)

    report = import_references([Path("pubmed.nbib")], here)

    assert [a.id for a in report.added] == ["griffin2020", "sereno2022"]
    assert written(here)[0] == idless


def test_importing_the_same_file_twice_adds_nothing(here):
    shutil.copy(EXPORTS / "pubmed.nbib", here)
    import_references([Path("pubmed.nbib")], here)
    before = (here / "references.json").read_text(encoding="utf-8")

    report = import_references([Path("pubmed.nbib")], here)

    assert report.added == []
    assert [(m.into, m.key, m.filled) for m in report.merged] == [("griffin2020", "DOI", ()), ("sereno2022", "DOI", ())]
    assert (here / "references.json").read_text(encoding="utf-8") == before


def test_import_beside_references_bib_matches_its_entries_and_leaves_it_alone(here):
    write(here, "references.bib", SERENO_BIB)
    shutil.copy(EXPORTS / "pubmed.nbib", here)

    report = import_references([Path("pubmed.nbib")], here)

    assert report.added == [Added("griffin2020", "pubmed.nbib", 1)]
    assert report.merged == [Merged("pubmed.nbib", 67, "Sereno2022", "DOI", ())]
    assert [e["id"] for e in written(here)] == ["griffin2020"]
    assert (here / "references.bib").read_text(encoding="utf-8") == SERENO_BIB


def test_new_ids_take_a_letter_when_the_family_year_is_taken(here):
    write(here, "references.json", json.dumps([{"id": "smith2024", "title": "Another work"}]))
    write(here, "more.ris", "TY  - JOUR\nAU  - Smith, B.\nTI  - Third work\nPY  - 2024\nER  - \n")
    shutil.copy(EXPORTS / "endnote.ris", here)

    report = import_references([Path("endnote.ris"), Path("more.ris")], here)

    assert [a.id for a in report.added] == ["smith2024a", "smith2024b"]


@pytest.mark.parametrize("author, expected", [
    ("Åkesson, Åsa", "akesson2019"),
    ("Söderström, Jöns", "soderstrom2019"),
    ("Ärlig, Per", "arlig2019"),
    ("Øvretveit, John", "ovretveit2019"),
    ("O'Connor, Rebecca E", "oconnor2019"),
    ("Statens beredning för medicinsk och social utvärdering", "statens2019"),
])
def test_new_ids_are_lower_case_ascii(here, author, expected):
    write(here, "one.ris", f"TY  - JOUR\nAU  - {author}\nTI  - T\nPY  - 2019\nER  - \n")

    report = import_references([Path("one.ris")], here)

    assert [a.id for a in report.added] == [expected]


def test_import_reports_malformed_entries_with_file_and_line_and_imports_the_rest(here):
    write(here, "broken.ris", MALFORMED_RIS)
    write(here, "broken.bib", MALFORMED_BIBTEX)

    report = import_references([Path("broken.ris"), Path("broken.bib")], here)

    assert [a.id for a in report.added] == ["pellas2021", "akesson2019", "good1", "good2"]  # BibTeX keys kept
    assert [d.text() for d in report.problems] == [
        "broken.ris:7:1: HTA607 warning: the record does not start with `TY  -`; it was not imported.",
        "broken.ris:15:1: HTA607 warning: `XX` is not a RIS tag; the line was ignored.",
        "broken.ris:19:1: HTA607 warning: the record is never closed with `ER  -`; it was not imported.",
        "broken.bib:6:1: HTA607 warning: cannot parse this BibTeX entry: Unexpected block start: `@book`. "
        "Was still looking for field-value closing `,` or `}`; it was left out.",
    ]
    assert format_report(report).splitlines()[-1] == report.problems[-1].text()


def test_import_reports_an_entry_without_a_title(here):
    write(here, "untitled.ris", "TY  - JOUR\nAU  - Pellas, Ulrika\nPY  - 2021\nER  - \n")

    report = import_references([Path("untitled.ris")], here)

    assert [d.text() for d in report.problems] == [
        "untitled.ris:1:1: HTA607 warning: the entry has no title; it was not imported."]
    assert not (here / "references.json").exists()


def test_import_leaves_an_unparseable_references_json_untouched(here):
    write(here, "references.json", '[\n  {"id": "a" "title": "B"}\n]\n')
    shutil.copy(EXPORTS / "endnote.ris", here)

    report = import_references([Path("endnote.ris")], here)

    assert [d.text() for d in report.problems] == [
        "references.json:2:14: HTA606 error: JSON syntax error: Expecting ',' delimiter. Nothing was imported. "
        "Fix it, then import again."]
    assert report.added == []
    assert (here / "references.json").read_text(encoding="utf-8") == '[\n  {"id": "a" "title": "B"}\n]\n'


def test_import_reports_files_it_cannot_read(here):
    write(here, "notes.docx", "not a reference export")

    report = import_references([Path("notes.docx"), Path("missing.ris")], here)

    assert [(d.path, d.code) for d in report.problems] == [("notes.docx", "HTA606"), ("missing.ris", "HTA001")]


def test_import_reads_pubmed_saved_as_txt(here):
    write(here, "pubmed.txt", export("pubmed.nbib"))

    report = import_references([Path("pubmed.txt")], here)

    assert [a.id for a in report.added] == ["griffin2020", "sereno2022"]


@pytest.mark.parametrize("name, text", [
    ("a.ris", "ER  -\nER  -\nTY  -\n\x0c"), ("b.ris", "   \n  -  \nTY"), ("c.nbib", "      only continuation\nPMID-"),
    ("d.bib", "@article{"), ("e.bib", "@string{x = }\n@article{k, author = {and and}, title = x}"),
    ("f.json", "null"), ("g.json", "[1, [2], {}]"), ("h.json", '{"title": ["not", "text"]}'),
    ("i.json", '[{"title": "T", "author": "not a list", "issued": "2020", "DOI": 5}]'),
])
def test_import_never_raises_for_malformed_input(here, name, text):
    write(here, name, text)

    report = import_references([Path(name)], here)

    assert isinstance(report, ImportReport)


# --- The assessment's own bibliography ----------------------------------------------------------

def test_references_json_entry_without_id_is_reported_at_its_line(here):
    write(here, "references.json", """[
  {
    "id": "sbu2018",
    "type": "report",
    "title": "Ketamin vid behandling av kronisk smärta"
  },
  {
    "type": "report",
    "title": "Utan id"
  },
  {"id": "notitle"}
]
""")

    references, findings = read_reference_file(Path("references.json"))

    assert [(r.id, r.type, r.title) for r in references] == [
        ("sbu2018", "report", "Ketamin vid behandling av kronisk smärta")]
    assert [d.text() for d in findings] == [
        'references.json:7:3: HTA605 error: the reference has no "id". Citations use the id, as in [@sbu2018].',
        'references.json:11:3: HTA605 error: "notitle" has no "title".',
    ]


def test_references_json_with_a_syntax_error_is_reported_with_line_and_column(here):
    write(here, "references.json", '[\n  {"id": "a", "title": "A"}\n  {"id": "b", "title": "B"}\n]\n')

    references, findings = read_reference_file(Path("references.json"))

    assert references is None
    assert [d.text() for d in findings] == [
        "references.json:3:3: HTA606 error: JSON syntax error: Expecting ',' delimiter. "
        "Check the commas, quotes and brackets at this place."]


def test_references_json_keeps_every_csl_field(here):
    write(here, "references.json", json.dumps([{"id": "a", "title": "A", "PMID": "123",
                                                 "author": [{"family": "Å"}], "issued": {"date-parts": [[2020]]}}]))

    [reference], findings = read_reference_file(Path("references.json"))

    assert findings == []
    assert reference.model_dump(exclude_unset=True) == {"id": "a", "title": "A", "PMID": "123",
                                                        "author": [{"family": "Å"}],
                                                        "issued": {"date-parts": [[2020]]}}


def test_references_bib_becomes_references_with_its_keys_and_broken_entries_reported(here):
    write(here, "references.bib", MALFORMED_BIBTEX + "\n@misc{untitled,\n  year = 2022\n}\n")

    references, findings = read_reference_file(Path("references.bib"))

    assert [(r.id, r.title) for r in references] == [("good1", "Good"), ("good2", "Also good")]
    assert [(d.line, d.code) for d in findings] == [(6, "HTA606"), (16, "HTA605")]


def test_empty_references_file_is_reported(here):
    write(here, "references.json", "\n")

    assert [d.code for d in read_reference_file(Path("references.json"))[1]] == ["HTA005"]
