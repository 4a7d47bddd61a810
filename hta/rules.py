"""Every rule `hta check` applies: one table, from which `docs/checks.md` is generated."""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Rule:
    """A rule: its stable code, what it checks, why, and an example that fails and one that passes."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    bad: str
    good: str
    #: Completeness rules are warnings while the assessment is a draft.
    relaxed_in_draft: bool = False

    def at(self, path: str, line: int | None, column: int | None, message: str, hint: str = "") -> Diagnostic:
        return Diagnostic(path, line, column, self.code, self.severity, message, hint)


RULES: dict[str, Rule] = {}


# `summary` and `why` are messages, translated where they are shown (docs/checks*.md): the catalogues take them
# from every rule(...) call by position (catalogues.KEYWORDS); `bad` and `good` are examples, data as written.
def rule(code, name, severity, summary, why, bad, good, relaxed_in_draft=False) -> Rule:
    RULES[code] = r = Rule(code, name, severity, summary, why, bad, good, relaxed_in_draft)
    return r


E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE

# --- Files: what makes a file unreadable --------------------------------------------------------
MISSING_FILE = rule(
    "HTA001", "missing-file", E, "A file the assessment needs is missing.",
    "Without it the report cannot be built; the check names the file so you can create it (`hta new` makes them all).",
    "(no `pico.yaml` in the folder)", "pico.yaml:\n  - population: Vuxna med långvarig smärta\n    ...")
UNREADABLE_FILE = rule(
    "HTA002", "unreadable-file", E, "A file cannot be read as text (unknown encoding, or not a text file).",
    "Files are read as UTF-8; a file saved as Windows-1252 by old Excel is recognised, anything else is reported.",
    "A Word document renamed to `background.md`.", "A plain-text file saved as UTF-8.")
INVALID_YAML = rule(
    "HTA003", "invalid-yaml", E, "A YAML file has a syntax error (a tab for indentation, a missing colon, unbalanced quotes).",
    "YAML uses spaces for indentation; a syntax error hides everything after it.",
    "question:\n\tVilket stöd finns?", "question: Vilket stöd finns?")
DUPLICATE_KEY = rule(
    "HTA004", "duplicate-key", E, "The same key appears twice in one mapping.",
    "Only one of the two values could be used, silently; say which one you mean.",
    "title: A\ntitle: B", "title: B")
EMPTY_FILE = rule(
    "HTA005", "empty-file", E, "A file is empty.",
    "An empty file is usually a save that went wrong; write its content or remove it.",
    "(a file with no content)", "A file with its content.")
WRONG_SHAPE = rule(
    "HTA006", "wrong-shape", E, "A value has the wrong kind: a list where a mapping is expected, text where a number is expected.",
    "The build cannot guess what was meant.",
    "hits: många", "hits: 112")
UNKNOWN_KEY = rule(
    "HTA007", "unknown-key", E, "A key the format does not define, usually a misspelling.",
    "A misspelt key would otherwise be ignored and its content lost from the report.",
    "qestion: Vilket stöd finns?", "question: Vilket stöd finns?")
MISSING_KEY = rule(
    "HTA008", "missing-key", E, "A key the format requires is missing.",
    "The report has a place for it that would otherwise stay empty.",
    "authors: []\n(no `title:`)", "title: Ketamin vid långvarig smärta")
INVALID_TABLE = rule(
    "HTA009", "invalid-table", E, "A table file (CSV or XLSX) cannot be read as a table.",
    "Each row of the evidence table must be one study; a broken row shifts every column after it.",
    "A CSV file whose rows have different numbers of fields.", "A CSV or XLSX file with one header row and one row per study.")
UNKNOWN_SECTION = rule(
    "HTA010", "unknown-section-file", E, "A file in `sections/` that is not one of the report's sections (`background.md`, …).",
    "Its text would never appear in the report.",
    "sections/bakgrund.md", "sections/background.md")
PICTURE_OUTSIDE = rule(
    "HTA011", "picture-outside-folder", E, "A picture in the text is not a file in the assessment's `figures/` folder.",
    "The report shows only pictures that belong to the assessment; a path elsewhere on the computer, or a web address, would not be in the report.",
    "![Figur](C:/Users/anna/Desktop/figur.png)", "![Figur](figures/figur.png)")

# --- Files: what the one reader refuses (hta/load/reader.py), and what the folder holds ------------------
OUTSIDE_FOLDER = rule(
    "HTA012", "outside-folder", E, "A file of the assessment leads outside its folder: a link to a file elsewhere, or a path with `..`.",
    "Whatever an assessment's files hold is published; a link out of the folder would publish a file of the computer that builds it.",
    "sections/background.md -> /home/anna/anteckningar.txt (a link)\ncsl: ../stil.csl",
    "sections/background.md (the text itself)\ncsl: stil.csl (a copy in the folder)")
NOT_A_FILE = rule(
    "HTA013", "not-a-file", E, "A name the assessment reads is not a plain file: a folder, a link to nothing, a link that leads back to itself, a pipe or a device.",
    "Only plain files are read, so that reading can neither hang nor take in something that is not the author's text.",
    "figures/bild.png/ (a folder)", "figures/bild.png (the picture)")
FILE_TOO_LARGE = rule(
    "HTA014", "file-too-large", E, "A file is larger than hta reads (see docs/assessment-format.md, 'Limits').",
    "An assessment's files are small; a file far larger is a mistake (a video as a picture, a database export as a section) and would stall the build.",
    "figures/film.gif (80 MB)", "figures/bild.png (200 kB)")
NOT_UTF8 = rule(
    "HTA015", "not-utf8", E, "A text file holds a byte that is not UTF-8; the finding gives its line and column.",
    "A file is never re-read in another encoding, which would turn every å, ä and ö of it into nonsense; the one wrong character is shown instead.",
    "Bakgrund med ett \\xE5 sparat som Latin-1", "Bakgrund med ett å (the file saved as UTF-8)")
CONTROL_CHARACTER = rule(
    "HTA016", "control-character", E, "A text file, or a value written with an escape (`\\u0007` in YAML), holds a control character (other than tab and line breaks).",
    "Control characters come from copying out of other programs: invisible in an editor, and Word files cannot hold them.",
    "Smärta\\x1b[31m minskade", "Smärta minskade")
YAML_TAG = rule(
    "HTA017", "yaml-tag", E, "A YAML value carries a tag (`!name`, `!!python/…`, `!!binary`).",
    "The format holds text, numbers, dates, lists and mappings; a tag asks the reader to build something else.",
    "hits: !!python/object:os.system 112", "hits: 112")
YAML_ALIAS = rule(
    "HTA018", "yaml-alias", E, "A YAML file uses an anchor and alias (`&name`, `*name`).",
    "Aliases let a small file expand into an enormous one; write each value where it belongs.",
    "councils: &c [Medicinska rådet]\nrequester: *c", "councils: [Medicinska rådet]\nrequester: Medicinska rådet")
TOO_DEEP = rule(
    "HTA019", "nested-too-deep", E, "Lists and mappings are nested deeper than the format ever needs (see docs/assessment-format.md, 'Limits').",
    "No file of the format nests more than a few levels; hundreds of levels are a mistake or an attack on the reader.",
    "findings: [[[[[[[[ … ]]]]]]]]", "findings:\n  - Det finns kunskapsstöd för …")
MISNAMED_FILE = rule(
    "HTA020", "misnamed-file", E, "A file the format would read has the wrong name, case, extension or folder.",
    "hta reads each file under one exact name; `assessment.yml`, `Evidence.csv` or `sections/background.txt` would be left out of the report without a word.",
    "assessment.yml\nsections/background.txt\nbackground.md (beside assessment.yaml)",
    "assessment.yaml\nsections/background.md\nsections/background.md")
UNKNOWN_FILE = rule(
    "HTA021", "unknown-file", W, "A file in the assessment folder, `sections/` or `figures/` that hta does not read.",
    "Everything the folder holds is accounted for; material of your own belongs in a subfolder of your own (e.g. `kilder/`), which hta never reads.",
    "anteckningar.txt (beside assessment.yaml)", "kilder/anteckningar.txt")
TWO_FILES = rule(
    "HTA022", "two-files-one-role", E, "Two files hold the same part of the assessment, e.g. `evidence.csv` beside `evidence.xlsx`.",
    "Only one of them could be read, and which one is not obvious; keep the one you edit.",
    "evidence.csv and evidence.xlsx", "evidence.xlsx")

# --- Structure ------------------------------------------------------------------------------------
MISSING_SECTION = rule(
    "HTA101", "missing-section", E, "A required section is missing or empty.",
    "Decision groups expect every statement to have the same parts; an aspect with no evidence still needs a sentence that says so.",
    "(no `sections/economic.md`)", "sections/economic.md:\nInga studier på ekonomiska aspekter identifierades.",
    relaxed_in_draft=True)
MISSING_CONCLUSIONS = rule(
    "HTA102", "missing-conclusions", E, "A conclusion list (what the councils note, what they judge) is empty.",
    "The conclusions are what the decision group acts on.",
    "findings: []", "findings:\n  - Det finns kunskapsstöd för …", relaxed_in_draft=True)
MISSING_PEOPLE = rule(
    "HTA103", "missing-metadata", E, "The Dnr, unit, councils, requester or authors are missing.",
    "A statement says where it is registered, who issues it, who asked and who wrote it.",
    "authors: []", "authors:\n  - name: Ulrika Pellas\n    title: Med Dr", relaxed_in_draft=True)

DUPLICATE_ID = rule(
    "HTA110", "duplicate-id", E, "Two searches, two databases of one search, two exclusions of one search, two PICOs or two references share an id.",
    "An id names one thing: `{{primara.hits.pubmed}}` with two PubMed databases would print one of them, a citation would find either reference.",
    "databases:\n  - name: PubMed\n  - name: PubMed", "databases:\n  - name: PubMed\n  - name: PubMed\n    id: pubmed-2")
DATE_OUT_OF_RANGE = rule(
    "HTA111", "date-out-of-range", E, "A date lies outside 1900–2099.",
    "A decision year 9999 or a search in 1021 is a typing error, and no document can carry it.",
    "date: 9999-09-08", "date: 2021-09-08")

# --- PICO -----------------------------------------------------------------------------------------
PICO_ELEMENT = rule(
    "HTA201", "pico-element-missing", E, "A PICO lacks population, intervention, control or outcomes.",
    "The question cannot be answered without all four.",
    "control: ''", "control: Ingen behandling eller konventionell behandling", relaxed_in_draft=True)
NO_PRIMARY_OUTCOME = rule(
    "HTA202", "no-primary-outcome", E, "A PICO has no primary outcome.",
    "The primary outcomes decide what the search and the conclusions are about.",
    "outcomes:\n  primary: []", "outcomes:\n  primary: [Smärta]", relaxed_in_draft=True)
OUTCOME_NOT_ADDRESSED = rule(
    "HTA203", "outcome-not-addressed", E, "A PICO outcome is neither mentioned in the results nor declared a knowledge gap.",
    "Every outcome asked about must get an answer, even if the answer is that nothing was found.",
    "outcomes:\n  primary: [Motorik]\n(and results.md never mentions motorik)",
    "outcomes:\n  primary:\n    - name: Motorik\n      knowledge_gap: true", relaxed_in_draft=True)

# --- Report shapes and house styles (issue 11; codes HTA210–HTA249) -------------------------------
REFERENCE_STANDARD_MISSING = rule(
    "HTA210", "reference-standard-missing", E, "A diagnostic PICO (it names an index test) has no reference standard.",
    "The accuracy of a test is only known against the reference standard; without it sensitivity and specificity "
    "say nothing, and the PICO table would leave the row empty.",
    "- population: Vuxna med bröstsmärta\n  index_test: Högkänsligt troponin\n  outcomes: ...",
    "- population: Vuxna med bröstsmärta\n  index_test: Högkänsligt troponin\n  reference_standard: Klinisk "
    "diagnos enligt ESC\n  outcomes: ...", relaxed_in_draft=True)
NO_CRITICAL_OUTCOME = rule(
    "HTA211", "no-critical-outcome", E, "Outcomes written as GRADE importance tiers have none that is critical.",
    "GRADE rates the certainty of the evidence on the critical outcomes; without one the decision rests on nothing "
    "the tiers name.",
    "outcomes:\n  important: [Livskvalitet]", "outcomes:\n  critical: [Mortalitet]\n  important: [Livskvalitet]",
    relaxed_in_draft=True)
OUTCOME_NUMBER = rule(
    "HTA212", "outcome-number", E, "Numbered outcomes are numbered twice alike, out of order, or not as O1, O5a.",
    "Conclusions and summary tables name outcomes by their number (O5a); two outcomes of one number, or a "
    "numbering that jumps back, would send the reader to the wrong one.",
    "numbered:\n  - {number: O1, name: Mortalitet}\n  - {number: O1, name: Smärta}",
    "numbered:\n  - {number: O1, name: Mortalitet}\n  - {number: O2, name: Smärta}")
UNKNOWN_PRIORITISED = rule(
    "HTA213", "unknown-prioritised-outcome", E, "`prioritised` names an outcome the numbered outcomes do not have.",
    "The prioritised outcomes are the ones that need evidence or a declared knowledge gap; one that is not listed "
    "cannot be checked or printed.",
    "numbered: [Mortalitet, Smärta]\nprioritised: [O3]", "numbered: [Mortalitet, Smärta]\nprioritised: [O1]")
DUPLICATE_LABEL = rule(
    "HTA214", "duplicate-pico-label", E, "Two sub-populations, interventions or comparators of one PICO have the same label.",
    "Results and conclusions name them by label (P2, C3); a label used twice names two things.",
    "control:\n  - {label: C1, text: Placebo}\n  - {label: C1, text: Standardvård}",
    "control:\n  - {label: C1, text: Placebo}\n  - {label: C2, text: Standardvård}")
ECONOMIC_SUM = rule(
    "HTA215", "economic-sum", E, "The totals economic.yaml gives do not equal the sums of its cost lines.",
    "The report prints the sums and the net change computed from the lines; totals copied from a source that do "
    "not add up mean a line or a total was mistyped.",
    "items:\n  - {item: Läkemedel, current: 100, expected: 150}\ntotals: {current: 120}",
    "items:\n  - {item: Läkemedel, current: 100, expected: 150}\ntotals: {current: 100}")
UNKNOWN_STYLE = rule(
    "HTA216", "unknown-style", E, "`style:` names a house style hta does not have.",
    "The house style gives the report its section order, headings and title block; an unknown one cannot be "
    "guessed. A style is a folder with style.yaml under templates/styles/ or under a folder named by HTA_STYLES.",
    "style: västra-götaland", "style: vgr")
MIXED_OUTCOME_FORMS = rule(
    "HTA217", "mixed-outcome-forms", W, "One PICO writes its outcomes in two forms (primary/secondary, GRADE tiers, numbered).",
    "Each form orders the outcomes by its own measure of importance; mixed, the report cannot say which outcomes "
    "the decision rests on.",
    "outcomes:\n  primary: [Smärta]\n  critical: [Mortalitet]", "outcomes:\n  critical: [Mortalitet, Smärta]")
UNKNOWN_PICO = rule(
    "HTA218", "unknown-pico", E, "An evidence row names a PICO that pico.yaml does not have.",
    "Each PICO gets its own evidence table; a row naming an unknown PICO would be in none.",
    "pico: p3   (pico.yaml has p1 and p2)", "pico: p2")
OUTCOME_WITHOUT_PICO_EVIDENCE = rule(
    "HTA219", "outcome-without-pico-evidence", W, "A key outcome of a PICO is reported by no study of that PICO's evidence table.",
    "With several PICOs the evidence answers each separately: an outcome reported only for another PICO is not "
    "answered for this one. Name it in the outcomes column of a study of this PICO, or declare a knowledge gap.",
    "p2's critical outcome 'Mortalitet'; no evidence row with pico p2 names it",
    "an evidence row with pico: p2 and outcomes: Mortalitet", relaxed_in_draft=True)
SECTION_NOT_IN_STYLE = rule(
    "HTA220", "section-not-in-style", W, "A section file is one the house style does not print.",
    "The style lists the parts of the report; text in a section it leaves out would be in no report.",
    "sections/risks.md with style: dalarna", "style: vgr, or the text moved into a section the style prints")
COMPARATOR_CONTRADICTION = rule(
    "HTA221", "comparator-contradiction", E, "A PICO says it has no comparator and names one.",
    "The report would print the comparator and say there is none.",
    "no_comparator: true\ncontrol: Placebo", "no_comparator: true")
PICO_QUESTION = rule(
    "HTA222", "pico-question-missing", N, "With several PICOs, one has no question of its own.",
    "Several PICOs usually each answer their own question, which the report prints above the PICO's table; a "
    "PICO headed by its title alone is allowed, so this is a note.",
    "- id: p2\n  population: …", "- id: p2\n  question: Vilken effekt har … hos barn?\n  population: …")
STYLE_FILE_UNREADABLE = rule(
    "HTA223", "style-file-unreadable", E, "The house style's report.css cannot be read: not UTF-8, too large, not a "
    "plain file, a link out of the style's folder, or not readable.",
    "The stylesheet gives every report of the style its look on the web page; left out in silence, the reports "
    "would be published looking unlike the style. Each assessment in the style is told, with the file and line.",
    "templates/styles/vgr/report.css saved as Windows-1252, or a link to ../../shared/site.css",
    "report.css saved as UTF-8, as a file of its own in the style's folder")
# --- Searches -------------------------------------------------------------------------------------
LINE_NUMBERS = rule(
    "HTA301", "search-line-numbers", E, "Search lines are not numbered 1, 2, 3, … in order.",
    "Combinations such as `4 = 1 AND 2` refer to lines by number; a gap or a repeat makes them ambiguous.",
    "lines:\n  - n: 1\n  - n: 3", "lines:\n  - n: 1\n  - n: 2")
COMBINATION_REFERENCE = rule(
    "HTA302", "search-combination", E, "A combination line refers to a line that does not come before it.",
    "A search can only combine lines already run.",
    "- n: 3\n  terms: 1 AND 4", "- n: 3\n  terms: 1 AND 2")
SEARCH_DATE = rule(
    "HTA303", "search-date", E, "A search date lies after the decision date.",
    "A search cannot have been run after the statement was decided; the date is probably mistyped.",
    "date: 2022-01-13  # decision 2021-09-08", "date: 2021-01-13")

# --- Screening ------------------------------------------------------------------------------------
SCREENING_SUM = rule(
    "HTA401", "screening-arithmetic", E, "The screening counts do not add up.",
    "identified − duplicates = screened; screened − excluded at title/abstract = full texts; full texts − excluded = included. A flow diagram that does not add up is the first thing a reviewer sees.",
    "screened: 110\nfulltext: 8\nexcluded_screening: 100", "screened: 110\nfulltext: 8\nexcluded_screening: 102")
EXCLUSION_REASON = rule(
    "HTA402", "exclusion-without-reason", E, "A full-text exclusion has no reason.",
    "PRISMA asks for the reason of every full-text exclusion.",
    "- reason: ''\n  references: [smith2019]", "- reason: Fel studiedesign\n  references: [smith2019]")
UNVERIFIABLE = rule(
    "HTA403", "screening-unverifiable", N, "A screening sum cannot be verified because a count is recorded as not reported.",
    "A count the source does not give is never guessed; the sums that depend on it are shown as not reported.",
    "duplicates: 3  # guessed", "duplicates: not reported")

# --- Numbers typed in prose -----------------------------------------------------------------------
TYPED_NUMBER = rule(
    "HTA501", "typed-number", W, "A count typed in prose equals a count the data holds.",
    "Typed numbers drift apart (the seed statement says 191, 242 and 190 for one search). Write the name of the count and the report fills it in.\n\n"
    "**What is a count.** A statement is full of numbers that are not counts of the searches, and the check leaves them alone, "
    "recognising each by what stands next to it: amounts and units (20 000 kr, 1 200 SEK, 20 %, 0,5 mg/kg, 20 mmHg, 20 ml, "
    "20 år, 12 veckor, 3 dagar, 20 timmar; the same units in Norwegian and English), a currency before the number (SEK 1 200), "
    "years (2019) and dates (13 januari 2021, 2021-01-13, 14:30), ages (ålder 65, 65+, 65-åriga), ranges (20–30, 20-30, "
    "mellan 20 och 30 mg: the first number is what the second is), decimals (2,5 and 2.5), ordinals (2:a, 3:e, 3rd, 2. mai), "
    "numbers that name something (Studie 2, punkt 1, tabell 3, fas 3, typ 2, vecka 12, rad 4), numbers inside words and codes "
    "(B12, COVID-19, RD21/01987), citations ([@smith2019], [2–4]), inline code, web addresses, list numbering (1. at the start "
    "of a line), headings (their numbers name) and table rows (tables tabulate). Digits grouped by a space, a no-break space or a "
    "narrow no-break space are one number: 20 000 is twenty thousand, never 20. What is left is a count. A count of 10 or more "
    "that equals a count of the data is reported, and so is a smaller one followed by what searches count (träffar, artiklar, "
    "studier, referenser; treff, artikler; hits, records, studies, articles); small numbers alone are too common to be sure. "
    "\"12 träffar\" where no search has 12 is reported too.\n\n"
    "**When a number is meant.** When the check is wrong, or the number is a quotation of a source, mark it with the rule and a "
    "reason beside it: `<!-- hta: ignore HTA501 – siffran citerar källan -->` (see HTA505). `hta check --show-suppressed` lists every mark.",
    "De 242 träffar som identifierades …", "De {{sekundara.identified}} träffar som identifierades …")
UNKNOWN_COUNT = rule(
    "HTA502", "unknown-count", E, "A `{{…}}` in prose names a count the data does not hold.",
    "The report would show nothing where the number belongs.",
    "{{primara.identifed}}", "{{primara.identified}}")
COUNT_FORM = rule(
    "HTA503", "count-form", E, "A `{{…}}` in prose is not a count placeholder, or asks for a form of the count that does not exist.",
    "The report would print the braces as they stand. A count is written `{{search.count}}` (digits, and words where it begins a sentence), `{{search.count:words}}` (words: en, åtta) or `{{search.count:ett}}` (words, neuter: ett).",
    "{{primara.fulltext:ord}} artiklar bedömdes …", "{{primara.fulltext:words}} artiklar bedömdes …")
COUNT_NOT_IN_WORDS = rule(
    "HTA504", "count-not-in-words", W, "A count asked for in words, or beginning a sentence, has no word form: it is a date, or larger than 999 999.",
    "A sentence does not begin with digits, and words stop at 999 999; the report prints the digits, which reads badly. Begin the sentence with another word, or ask for the count in digits.",
    "{{primara.hits.pubmed}} träffar gav sökningen. (1 234 567 hits)", "Sökningen gav {{primara.hits.pubmed}} träffar.")

SUPPRESSION_INCOMPLETE = rule(
    "HTA505", "suppression-without-reason", W, "An `hta: ignore` mark gives no reason, or names no rule, so it silences nothing.",
    "A mark is a decision a reviewer must be able to read: which rule, and why the finding is intended (`hta check --show-suppressed` lists every mark).",
    "Kostnaden var 12 000 kr. <!-- hta: ignore HTA501 -->",
    "Kostnaden var 12 000 kr. <!-- hta: ignore HTA501 – beloppet är kronor, inte en räkning -->")
UNUSED_SUPPRESSION = rule(
    "HTA506", "unused-suppression", N, "An `hta: ignore` mark silences nothing on the line it covers.",
    "The text it was about has changed or moved; a mark left behind would silence a real finding later.",
    "<!-- hta: ignore HTA501 – ett belopp -->\nSökningen gav {{sok.identified}} träffar.",
    "Sökningen gav {{sok.identified}} träffar.")
DNR_PREFIX = rule(
    "HTA507", "dnr-prefix", W, "The Dnr is written with its label (`Dnr RD21/01987`).",
    "The report prints the label itself (Dnr:, Saksnr.:), so the reader would see it twice: \"Dnr: Dnr RD21/01987\".",
    'dnr: "Dnr RD21/01987"', "dnr: RD21/01987")

# --- References -----------------------------------------------------------------------------------
UNKNOWN_CITATION = rule(
    "HTA601", "unknown-citation", E, "A citation key is not in the references.",
    "The reference list would lack the work, and the citation would print as a bare key.",
    "[@smith2091]", "[@smith2019]")
UNCITED_REFERENCE = rule(
    "HTA602", "uncited-reference", W, "A reference is never cited.",
    "A numbered reference list holds only what the text cites; an uncited entry is left out of the report.",
    "(references.json holds `jones2020`, nothing cites it)", "Cite it, or remove it from the references.")
DUPLICATE_REFERENCE = rule(
    "HTA603", "duplicate-reference", E, "Two references share a DOI or PMID.",
    "The same work would be numbered twice.",
    "two entries with DOI 10.1000/x", "one entry with DOI 10.1000/x")
MALFORMED_IDENTIFIER = rule(
    "HTA604", "malformed-identifier", E, "A DOI or PMID is not well-formed.",
    "A DOI starts with `10.` and a PMID is digits; anything else is a copying error.",
    "DOI: doi.org/10.1000/x", "DOI: 10.1000/x")
INVALID_REFERENCE = rule(
    "HTA605", "invalid-reference", E, "A reference entry lacks an id or a title.",
    "Citations find references by id, and a reference without a title cannot be recognised.",
    '{"type": "report"}', '{"id": "sbu2018", "type": "report", "title": "Ketamin vid behandling av kronisk smärta"}')
INVALID_REFERENCE_FILE = rule(
    "HTA606", "invalid-reference-file", E, "A reference file cannot be parsed: a JSON syntax error in `references.json`, a broken BibTeX entry in `references.bib`, a file `hta refs import` does not know.",
    "A syntax error hides the references after it; the finding gives the line and column where the parser stopped.",
    '[\n  {"id": "sbu2018", "title": "Ketamin vid behandling av kronisk smärta"},\n]',
    '[\n  {"id": "sbu2018", "title": "Ketamin vid behandling av kronisk smärta"}\n]')
UNPARSEABLE_ENTRY = rule(
    "HTA607", "unparseable-reference-entry", W, "An entry or a line of a file given to `hta refs import` is malformed and was left out.",
    "The other entries are imported. Fix the entry (or export it again) and import the file once more: entries already imported are recognised and merged, not added twice.",
    "TI  - Ketamin vid långvarig smärta\nER  -\n(a RIS record without `TY  -`)",
    "TY  - JOUR\nTI  - Ketamin vid långvarig smärta\nER  -")
REFERENCES_NOT_WRITTEN = rule(
    "HTA608", "references-not-written", E, "`hta refs import` could not write `references.json` (a full disk, a folder it may not write to).",
    "The import is written in one step, through a temporary file beside `references.json` that is removed again: the file holds either everything it held before or everything imported, never half of it.",
    "(the assessment folder is read-only)", "(a folder you may write to)")
CITATION_IN_CITATION = rule(
    "HTA609", "citation-in-citation", E, "Two references in one pair of brackets have no semicolon between them.",
    "pandoc reads a reference after a comma or a space as words following the first one, and the report prints the wrong number: `[@ahl2021, @berg2022]` is printed [2], not [1,2].",
    "[@ahl2021, @berg2022]", "[@ahl2021; @berg2022]")

# --- Evidence table -------------------------------------------------------------------------------
EVIDENCE_COLUMN = rule(
    "HTA701", "evidence-column", E, "The evidence table lacks a required column.",
    "Every included study is described by the same columns.",
    "reference;design", "reference;design;population;intervention;comparison;outcomes;follow_up;appraisal_tool;rating")
EVIDENCE_REFERENCE = rule(
    "HTA702", "evidence-reference", E, "An evidence row names a reference that does not exist.",
    "The row could not be linked to its source.",
    "smith2091;RCT;…", "smith2019;RCT;…")
EVIDENCE_RATING = rule(
    "HTA703", "evidence-rating", E, "A rating is not on the appraisal tool's own scale.",
    "Ratings from different scales cannot be compared; AMSTAR 2 rates high, moderate, low or critically low.",
    "AMSTAR 2;medel", "AMSTAR 2;moderate")

# --- Per-domain appraisal (templates/appraisal/<tool>.yaml) --------------------------------------------
APPRAISAL_TOOL = rule(
    "HTA290", "appraisal-tool", E, "A row rated per domain names an appraisal tool hta has no file for.",
    "The domains and scale of a rating come from the tool's file (templates/appraisal/); without it the ratings "
    "cannot be checked or drawn. A tool in a version hta does not know needs a file of its own.",
    "reference;…;appraisal_tool;rating;D1;D2\nahl2021;…;ROBINS-I;Måttlig;Låg;Måttlig",
    "reference;…;appraisal_tool;rating;D1;D2\nahl2021;…;ROBINS-I V2;Måttlig;Låg;Måttlig")
APPRAISAL_DOMAIN = rule(
    "HTA291", "appraisal-domain", E, "A per-domain column names a domain the row's appraisal tool does not have.",
    "A rating under a domain the tool lacks belongs to another tool, or the column is misnamed; it cannot be drawn.",
    "appraisal_tool;D6\nRoB 2;Låg", "appraisal_tool;D5\nRoB 2;Låg")
APPRAISAL_SCALE = rule(
    "HTA292", "appraisal-scale", E, "A per-domain rating, or the overall rating of a row rated per domain, is not on "
    "the tool's scale.",
    "A figure can only show the tool's own judgements; a word outside the scale (or a typo) would be drawn as "
    "something it is not. The finding lists the scale.",
    "appraisal_tool;D1\nRoB 2;medel", "appraisal_tool;D1\nRoB 2;vissa farhågor")
AMSTAR2_OVERALL = rule(
    "HTA293", "amstar2-overall", W, "An AMSTAR 2 overall rating disagrees with the items rated.",
    "AMSTAR 2 derives the overall confidence from the items (Shea et al., BMJ 2017;358:j4008): more than one "
    "critical flaw is critically low, one is low, more than one non-critical weakness moderate (or low), "
    "otherwise high. A typed rating that disagrees is a typo or a judgement that needs saying.",
    "AMSTAR 2;Hög;…;Q2 Nej;Q4 Nej", "AMSTAR 2;Kritiskt låg;…;Q2 Nej;Q4 Nej")
APPRAISAL_INCOMPLETE = rule(
    "HTA294", "appraisal-incomplete", W, "A row rated per domain leaves some of its tool's domains empty.",
    "The figure shows an empty domain as not rated; a rating is never filled in for you. Rate it, or leave the "
    "row's domain columns empty altogether to give the overall rating alone.",
    "appraisal_tool;D1;D2;D3;D4;D5\nRoB 2;Låg;Låg;;;", "appraisal_tool;D1;D2;D3;D4;D5\nRoB 2;Låg;Låg;Låg;Hög;Låg")

# --- Status and placeholders ----------------------------------------------------------------------
PLACEHOLDER = rule(
    "HTA801", "placeholder", E, "Placeholder text (TODO, XXX, Lorem) or an empty bullet is left in the text.",
    "A report for decision must not carry unfinished text.",
    "- TODO skriv slutsats", "- Det finns ett måttligt stöd för …", relaxed_in_draft=True)

# --- Metadata -------------------------------------------------------------------------------------
UNKNOWN_LANGUAGE = rule(
    "HTA902", "unknown-language", E, "The report language has no labels file.",
    "Every heading and label of the report comes from `templates/labels/<language>.yaml`.",
    "language: svenska", "language: sv")
DECISION_RECORD = rule(
    "HTA901", "decision-record", E, "The decision record is incomplete for a decided assessment.",
    "A decided statement says which group decided it, when, and who presented it.",
    "status: decided\n(no decision:)", "decision:\n  group: KSG-B\n  date: 2021-09-08\n  presenter: Sverker Svensjö")

# --- What reaches the converters: text that prints as typed, files each format can read --------------
LINK_TARGET = rule(
    "HTA040", "link-target", W, "A link goes somewhere other than a web page (http, https), a mail address (mailto) or a place in the report (#).",
    "A published report cannot link to a file on the author's computer, and a `javascript:` link is a way to run code in the reader's browser; such a link is printed as its text only, in every format.",
    "[bilagan](C:/Users/anna/bilaga.pdf)", "[bilagan](https://www.regiondalarna.se/bilaga.pdf)")
RAW_CODE = rule(
    "HTA041", "raw-code", W, "Text marked as raw code of an output format (`{=html}`, `{=typst}`, `{=openxml}`, `{=latex}`), or as a code cell Quarto would run (```` ```{python} ````, ```` ```{ojs} ````).",
    "Author text is never run as code in any format, nor by Quarto; raw code is printed as the code it is, which is rarely what was meant.",
    "`<br>`{=html}", "Write Markdown: a blank line between paragraphs, **bold**, ^superscript^.")
CITATION_STYLE = rule(
    "HTA042", "citation-style", E, "The CSL file named by `csl:` is not a citation style the build can use.",
    "The reference list and every citation are formatted by it; a file that is not well-formed CSL, or a dependent style that only points at another one, stops the build.",
    "csl: stil.csl  # a Word document renamed, or a dependent style", "csl: apa.csl  # an independent CSL 1.0 style, e.g. from the Zotero Style Repository")
NOT_A_PICTURE = rule(
    "HTA043", "not-a-picture", E, "A file in `figures/` is not a picture of the kind its name says (PNG, JPEG, GIF, SVG), or cannot be decoded.",
    "Every picture is embedded in the Word file, the web page and the PDF; one that cannot be decoded stops the PDF.",
    "figures/diagram.png  # really a PDF, or a truncated download", "figures/diagram.png  # exported again as PNG")
UNSAFE_ID = rule(
    "HTA045", "unsafe-id", E, "An `id` of a search, database or exclusion holds characters other than letters, digits, `-` and `_`.",
    "Ids name counts in prose (`{{primara.hits.pubmed}}`), figures and tables; only plain names can be written in all of them.",
    "id: primära sökningen", "id: primara")
TEXT_NESTED_TOO_DEEP = rule(
    "HTA047", "text-nested-too-deep", E, "Text nested deeper than the converters read: quotations (`>`), lists, ::: blocks or emphases (`*`, `_`) more than 10 levels, brackets more than 4 within each other.",
    "The converters read nesting level by level: Typst stops before twenty quotations within each other, hundreds of emphases end the build, and pandoc takes a minute for twelve brackets. No reader follows even ten levels.",
    "[[[[[se tabell]]]]] (five brackets)", "se tabell 2, or \\[[se tabell 2](#tbl-2)\\]")
INDENTED_TEXT = rule(
    "HTA048", "indented-text", W, "A line of a section or a conclusion begins with four spaces or a tab after a blank line (or a heading), so the report prints it as code.",
    "In Markdown such a line starts a code block: the report shows it in a monospaced box, as typed, with no citation, link or emphasis read in it. Text pasted from Word or an e-mail often brings its indentation along.",
    "Bakgrund.\n\n    Ketamin används vid smärta [@ahl2021].", "Bakgrund.\n\nKetamin används vid smärta [@ahl2021].")
BLOCK_WITHOUT_BLANK_LINE = rule(
    "HTA049", "block-without-blank-line", W, "A list, heading, quotation or table in a section or a conclusion has no blank line above it, so the report prints it as text of the paragraph above.",
    "pandoc, which makes the reports, begins these only after a blank line (as Quarto does): without one, `- punkt` or `## Rubrik` is printed inside the paragraph above, marks and all. Word and many editors need no blank line, so text written there often lacks it.",
    "Följande gäller:\n- första punkten\n- andra punkten", "Följande gäller:\n\n- första punkten\n- andra punkten")
PASTED_BULLET = rule(
    "HTA050", "pasted-bullet", W, "A line of a section or a conclusion begins with a list sign pasted from Word or an e-mail (•, ▪, or a dash before each of several lines).",
    "Markdown makes a list of lines that begin with `- `; a pasted sign is text, so the report prints the items run together in one paragraph: `• första • andra`.",
    "Följande gäller:\n\n•\tFörsta punkten\n•\tAndra punkten", "Följande gäller:\n\n- Första punkten\n- Andra punkten")
TOP_LEVEL_HEADING = rule(
    "HTA051", "top-level-heading", W, "A heading within a section has one `#`, the level of the report's own sections (Bakgrund, Metod …).",
    "The report gives each section its heading at the first level; a heading of one `#` further down stands beside them, as a section of its own, in the table of contents, the PDF's bookmarks and Word's navigation. (A file may begin with `# …` to give its section a heading of its own.)",
    "Bakgrund.\n\n# Orsaker\n\nMånga orsaker finns.", "Bakgrund.\n\n## Orsaker\n\nMånga orsaker finns.")
HEADING_WITHOUT_SPACE = rule(
    "HTA052", "heading-without-space", W, "A line begins with `#` and a word with no space between them.",
    "A heading needs a space after its `#`; without one the report prints `#Orsaker` as text.",
    "#Orsaker", "## Orsaker")
HTML_TAG = rule(
    "HTA053", "html-tag", W, "Prose holds an HTML tag (`<sup>`, `<b>`, `<br>` …), as text pasted from a web page or written from habit does.",
    "The reports read HTML as text, so that nothing an author writes runs as code in a reader's browser or Word; a tag is printed as typed: `5 mg/m<sup>2</sup>`. Markdown has a mark for each of them.",
    "Dosen var 5 mg/m<sup>2</sup>.", "Dosen var 5 mg/m^2^.")
UNPRINTED_DEFINITION = rule(
    "HTA054", "unprinted-definition", W, "A line defines a footnote (`[^1]: …`) or a link target (`[sbu]: https://…`) that nothing in the text refers to.",
    "Markdown prints such a line only where it is referred to: a footnote at its `[^1]`, a target behind its link. Referred to nowhere, the line is left out of the report, and with it whatever it says (a reference typed as `[4]: Smith J. …`, say).",
    "[^1]: Uppgiften gäller 2020.  (no [^1] in the text)", "Antalet ökade[^1].\n\n[^1]: Uppgiften gäller 2020.")
FOOTNOTE_NOT_WRITTEN = rule(
    "HTA055", "footnote-not-written", W, "The text refers to a footnote (`[^2]`) that is not written anywhere.",
    "Without its `[^2]: …` line the report prints `[^2]` as typed, in the middle of the sentence.",
    "Antalet ökade[^2].  (no [^2]: line)", "Antalet ökade[^2].\n\n[^2]: Uppgiften gäller 2020.")
SPACED_EMPHASIS = rule(
    "HTA056", "spaced-emphasis", W, "Emphasis opened with a space after its marks (`** Viktigt**`, `* kursiv*`).",
    "Markdown emphasises only when the marks stand against the words; with a space after the opening ones the report prints the stars as typed, in every format.",
    "** Viktigt:** läs detta.", "**Viktigt:** läs detta.")
UNPRINTABLE_CHARACTER = rule(
    "HTA046", "unprintable-character", E, "A character the report's font has no letter for: a script other than Latin, Greek, Cyrillic or Hebrew, an emoji, a rare sign.",
    "The PDF is archival (PDF/A), so every letter in it is set in the report's own font, on every machine alike; a character the font lacks cannot be printed, and the PDF is not made.",
    "Patienten svarade 😀.", "Patienten svarade positivt.")
NOT_PRINTED = rule(
    "HTA120", "not-printed", N, "A field that is kept for the authors and not printed in the report is filled in.",
    "Every field the format accepts is either in the report or one of these, kept for the authors alone: `notes` and "
    "`source` in assessment.yaml, `note` of a search, and `aliases` of an outcome (the words the results use for it, "
    "read by the check that the outcome is addressed). The note says so, so that nobody writes there what the "
    "readers of the report should see.",
    "notes: Läsarna ska veta att …", "Write what readers should see in a section; keep `notes:` for the authors.")
# --- Certainty of evidence and conclusions that name their evidence (HTA250–HTA289) ----------------
UNKNOWN_CERTAINTY = rule(
    "HTA250", "unknown-certainty", E, "A certainty in `certainty.yaml` is written in a form hta does not read.",
    "Every form is read to GRADE's four levels (high, moderate, low, very low) or to 'not assessed', so the report "
    "can print it as symbols and words in its own language; a form hta does not know would be printed as nobody "
    "can check it. The finding lists every accepted form.",
    "certainty: medel", "certainty: måttlig tillförlitlighet  # or ⊕⊕⊕◯, GRADE: 3/4, +++, moderat")
NOT_ASSESSED_WITHOUT_REASON = rule(
    "HTA251", "not-assessed-without-reason", E, "A certainty is 'not assessed' and gives no reason.",
    "A reader must learn why an outcome has no rating (too few studies, outcomes not comparable), or the gap looks "
    "like an oversight.",
    "certainty: no grading possible", "certainty: no grading possible\nreason: Endast en liten studie.")
UNKNOWN_RATED_OUTCOME = rule(
    "HTA252", "unknown-rated-outcome", E, "A rating in `certainty.yaml` names an outcome or a PICO that pico.yaml does not have.",
    "The rating would belong to no row of a summary-of-findings table. Outcomes are named by their id: the `id:` in "
    "pico.yaml, or the name made into one ('Fysisk funktion' → 'fysisk-funktion').",
    "outcome: smärta", "outcome: smarta")
DUPLICATE_RATING = rule(
    "HTA253", "duplicate-rating", E, "Two ratings in `certainty.yaml` are for the same outcome of the same comparison.",
    "Only one of them could be printed; say which one the source gives.",
    "- outcome: smarta\n  certainty: låg\n- outcome: smarta\n  certainty: måttlig",
    "- outcome: smarta\n  comparison: mot placebo\n  certainty: låg\n- outcome: smarta\n  comparison: mot "
    "standardbehandling\n  certainty: måttlig")
KEY_OUTCOME_UNRATED = rule(
    "HTA254", "key-outcome-unrated", E, "An assessment that rates certainty has a key outcome without a rating that is not declared a knowledge gap.",
    "Once an assessment rates the certainty of its evidence (it has a `certainty.yaml`), every outcome the decision "
    "rests on needs a rating, 'not assessed' with a reason, or `knowledge_gap: true` in pico.yaml; otherwise the "
    "summary-of-findings table silently lacks it. An assessment without `certainty.yaml` is not asked for ratings: "
    "its source may give an overall judgement only, and hta never invents a rating.",
    "certainty.yaml rates 'smarta' but not the primary outcome 'biverkningar'.",
    "- outcome: biverkningar\n  certainty: not assessed\n  reason: Inga studier rapporterade biverkningar.")
STRENGTH_DISAGREES = rule(
    "HTA255", "strength-disagrees", E, "A conclusion states a strength of evidence the certainty of the outcomes it names does not have.",
    "'Måttligt stöd' over outcomes rated low overstates the evidence; a reader who trusts the words over the table is "
    "misled. The strength in the words must be the certainty of one of the outcomes the bullet names.",
    "- text: Det finns ett måttligt stöd för att smärtan minskar.\n  outcomes: [smarta]  # rated ⊕⊕◯◯",
    "- text: Det finns ett lågt stöd för att smärtan minskar.\n  outcomes: [smarta]")
UNKNOWN_BULLET_OUTCOME = rule(
    "HTA256", "unknown-bullet-outcome", E, "A conclusion bullet names an outcome id or a reference id the assessment does not have.",
    "The bullet would link to nothing; usually the id is misspelt or was renamed in pico.yaml.",
    "outcomes: [smärta]", "outcomes: [smarta]")
BULLET_WITHOUT_BASIS = rule(
    "HTA257", "bullet-without-basis", W, "A conclusion bullet names no outcome and no reference, and is not marked as the council's own judgement.",
    "Once an assessment links its conclusions to their evidence (any bullet of conclusions.yaml names outcomes, "
    "references or `own_judgement`), every bullet should say what it rests on, so that readers can follow each one "
    "to the rows of the summary-of-findings table. Conclusions written as plain text throughout, as the reference "
    "statement writes them, are not asked for it: that would flag every bullet of a report that never meant to "
    "link them, and a basis hta guessed for them would be invented.",
    "- text: Testbehandling bör bara ges i studier.",
    "- text: Testbehandling bör bara ges i studier.\n  own_judgement: true", relaxed_in_draft=True)
SEVERAL_PICOS_UNNAMED = rule(
    "HTA258", "rating-without-pico", E, "A rating in `certainty.yaml` names no PICO, but pico.yaml has several.",
    "The rating could belong to any of them.", "outcome: smarta", "pico: vuxna\noutcome: smarta")

# --- Build: what `hta build` finds while it finds and writes the reports ----------------------------
NOT_AN_ASSESSMENT = rule(
    "HTA950", "not-an-assessment", E, "A folder under `assessments/` (or named on the command line) has no readable `assessment.yaml`.",
    "Every folder directly under `assessments/` is an assessment; one without its `assessment.yaml` would otherwise "
    "vanish from the build without a word. The finding says whether the file is misnamed, a broken link, or one "
    "folder too deep. Hidden entries (`.git`, `.DS_Store`) and files directly under `assessments/` (`README.md`) are "
    "not assessments and are left alone.",
    "assessments/ketamin/assessment.yml", "assessments/ketamin/assessment.yaml")
SAME_OUTPUT_FOLDER = rule(
    "HTA951", "same-output-folder", E, "Two assessments of one build would be written to the same output folder.",
    "The output folder is named after the assessment's folder; the second report would replace the first. Neither is "
    "built, and nothing is written for them.",
    "hta build region-a/rapport region-b/rapport", "hta build region-a/rapport --out _build-a")
RESERVED_NAME = rule(
    "HTA952", "reserved-name", E, "An assessment folder is named `report`, `failed`, `index.html` or `index.qmd`, names hta keeps for its own files.",
    "Beside every report hta writes `report.json` (what the library's index lists) and, when a build fails, "
    "`failed.json`; the report's data is `<name>.json`; the library's index is `index.html` and `index.qmd` beside "
    "the report folders. An assessment named `report` would write its data over the index's file, one named "
    "`index.html` its report folder where the index is written. Compared without case, as Windows and macOS "
    "compare file names.",
    "assessments/report/assessment.yaml", "assessments/ketamin-smarta/assessment.yaml")
CONVERSION_FAILED = rule(
    "HTA960", "conversion-failed", E, "pandoc, Typst, Quarto or the Word post-processing failed on an assessment that passed `hta check`.",
    "The other assessments, the summary and the index are still written, and this assessment keeps its previous "
    "outputs. The finding names the output that failed and the file most likely at fault; its hint and "
    "`_build/.hta/build.log` hold the command and what the converter said. When no file of yours is to blame, it is "
    "a bug in `hta`: please report it with that log.",
    "A picture in `figures/` that is not a picture.", "A picture saved as PNG, JPEG, GIF or SVG.")
CONVERSION_LIMIT = rule(
    "HTA961", "conversion-limit", E, "A converter ran past its time or memory limit and was stopped.",
    "Each pandoc run and each Typst compile is bounded (`PANDOC_SECONDS`, `PANDOC_MEMORY`, `TYPST_SECONDS`, "
    "`TYPST_MEMORY` in `hta/convert/convert.py`), so that one file cannot stall the build for everyone. The finding "
    "names the largest text of the assessment, the usual cause: binary data pasted into a section, or one enormous line.",
    "sections/results.md holding 20 kB of random bytes", "sections/results.md holding the results as prose")
CHANGED_AFTER_CHECK = rule(
    "HTA962", "changed-after-check", E, "A file of an assessment changed after `hta build` had checked it, before its report was written.",
    "A report is only ever made from files as they passed the checks. Where a build reads a file again to write it (a "
    "picture, or every file of an assessment in a build of several), a file that is no longer what was checked stops "
    "that report: the assessment keeps its previous outputs, the others are built, and the next build checks and "
    "builds it as it then is. A file saved while the build ran is the usual cause.",
    "figures/flode.png saved again while `hta build` runs", "figures/flode.png saved, then `hta build`")
