"""The typed assessment: what each file of an assessment folder holds, every field documented."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeInt, PrivateAttr
from pydantic_core import PydanticCustomError

from ..load.reader import Source

if TYPE_CHECKING:  # hta.model.certainty builds on this module's Strict and Count
    from .certainty import Rating

NotReported = Literal["not reported"]
Count = NonNegativeInt | NotReported

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def _plausible(day: dt.date) -> dt.date:
    """A date of a search or a decision lies in 1900–2099: year 9999 is a typing error no document can carry."""
    if not EARLIEST <= day <= LATEST:
        raise PydanticCustomError("date_out_of_range", "{date} lies outside 1900–2099", {"date": day.isoformat()})
    return day


PlausibleDate = Annotated[dt.date, AfterValidator(_plausible)]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must not silently drop content from a report. Fields are
    described with Field(description=…), not strings under them: pydantic's use_attribute_docstrings reads
    the source of every model, a tenth of a second of every command."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Status(str, Enum):
    """Where the assessment stands; completeness is enforced from `for-decision` on."""

    DRAFT = "draft"
    FOR_DECISION = "for-decision"
    DECIDED = "decided"
    EXAMPLE = "example"


class Author(Strict):
    name: str = Field(description="Full name, as it is printed under Författare.")
    title: str = Field("", description="Degree and position, e.g. 'Med Dr, Överläkare Kirurgkliniken Falun'.")
    affiliation: str = Field("", description="Council or organisation, e.g. 'Medicinska rådet'.")


class Decision(Strict):
    group: str = Field("", description="The decision group, e.g. 'Region Dalarnas KSG-B (Kunskapsstyrningsgrupp-beredningsgrupp)'.")
    date: PlausibleDate | None = Field(None, description="Date the statement was reported for decision (YYYY-MM-DD).")
    presenter: str = Field("", description="Who presented the statement to the decision group.")


class Metadata(Strict):
    """assessment.yaml: who asks what, who answers, and where the statement stands."""

    dnr: str = Field("", description="Registration number (diarienummer), e.g. 'RD21/01987'; may be left out when "
                     "the report has a report number of its own.")
    report_number: str = Field("", description="The report's own number, e.g. 'HTA 2018:42' or '2018:42'; printed "
                               "with report_number_label, never under the Dnr's label.")
    report_number_label: str = Field("", description="The word before the report number, e.g. 'Rapport'; none "
                                     "when the number says what it is ('HTA 2018:42').")
    organisation: str = Field("", description="The organisation issuing the report within the region, e.g. "
                              "'HTA-centrum'; printed in the title block.")
    style: str = Field("dalarna", description="The house style: a folder under templates/styles/ (dalarna, "
                       "vgr, skane) giving section order, headings, title block and conclusion form.")
    title: str = Field(description="The statement's full title.")
    short_title: str = Field("", description="A short title for the running header from page 2; default: the title, cut to fit the line.")
    report_type: str = Field("utlåtande", description="Kind of report: utlåtande, yttrande, mini-HTA, …")
    region: str = Field("", description="The region issuing the statement, e.g. 'Region Dalarna'.")
    unit: str = Field(description="Issuing unit, printed in the title block, e.g. 'Central förvaltning'.")
    councils: list[str] = Field(description="The councils behind the statement; they 'note' and 'judge' in the conclusions.")
    requester: str = Field("", description="Frågeställare: who asked the question.")
    question: str = Field(description="Frågeställning: the question the statement answers.")
    status: Status = Field(description="draft, for-decision, decided or example.")
    language: str = Field("sv", description="Language of the report's labels: sv, en or nb.")
    authors: list[Author] = Field(default_factory=list, description="The authors, in the order they are printed.")
    decision: Decision | None = Field(None, description="The decision record: group, date, presenter.")
    csl: str | None = Field(None, description="A CSL style file in the assessment folder; default NLM/Vancouver with brackets.")
    source: str = Field("", description="Where the content comes from, when the assessment reproduces or draws on documents.")
    notes: str = Field("", description="Notes for the authors; not printed in the report.")

    def document_time(self) -> dt.datetime:
        """The date the documents carry: the decision date, or a fixed one, never the time of the build,
        so that rebuilding unchanged data gives the same files."""
        day = self.decision.date if self.decision and self.decision.date else dt.date(2000, 1, 1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


class Outcome(Strict):
    name: str = Field(description="The outcome, as printed in the PICO.")
    id: str = Field("", description="Stable short name that certainty ratings and conclusion bullets use for the "
                    "outcome; default: made from the name.")
    aliases: list[str] = Field(default_factory=list, description="Other words the results use for it (e.g. 'rörelseförmåga' for 'motorik').")
    knowledge_gap: bool = Field(False, description="True when no evidence on it was found: a declared knowledge gap.")

    def model_post_init(self, context: Any) -> None:
        if not self.id:
            self.id = slug(self.name)


# An outcome is usually just its name; the mapping form adds aliases or declares a knowledge gap.
OutcomeEntry = Annotated[Outcome, BeforeValidator(lambda v: {"name": v} if isinstance(v, str) else v,
                                                  json_schema_input_type=str | Outcome)]


class SearchLine(Strict):
    n: NonNegativeInt = Field(description="The line number (#), 1, 2, 3, …")
    terms: str = Field(description="The search terms, or a combination of earlier lines such as '1 AND 2'.")
    filter: str = Field("", description="A filter or limit applied on this line, e.g. 'Filter from 2018/10/18 – 3000/12/12'.")
    hits: NonNegativeInt = Field(description="Number of hits (antal träffar).")

    # Line numbers of at most 9 digits: a longer number is no line (and could be too long to convert).
    _COMBINATION = re.compile(r"^\s*\(?\s*#?\d{1,9}\s*\)?(\s+(AND|OR|NOT)\s+\(?\s*#?\d{1,9}\s*\)?)+\s*$", re.IGNORECASE)

    @property
    def combined_lines(self) -> list[int]:
        """The earlier lines this line combines ('4 NOT 3' → [4, 3]), or [] for a line of terms."""
        if not self._COMBINATION.match(self.terms):
            return []
        return [int(n) for n in re.findall(r"\d+", self.terms)]


def slug(text: str) -> str:
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class Database(Strict):
    name: str = Field(description="Database as printed, e.g. 'PubMed', 'Cochrane Library', 'CINAHL'.")
    id: str = Field("", description="Short name used in prose counts ({{search.hits.ID}}); default: the name in lower case.")
    date: PlausibleDate = Field(description="Date the search was run (YYYY-MM-DD).")
    lines: list[SearchLine] = Field(description="The numbered search lines; the last line's hits are the records identified.")

    def model_post_init(self, context: Any) -> None:
        if not self.id:
            self.id = slug(self.name)

    @property
    def hits(self) -> int:
        return self.lines[-1].hits if self.lines else 0


class Exclusion(Strict):
    reason: str = Field(description="Why the full texts were excluded, e.g. 'Fel studiedesign'.")
    id: str = Field("", description="Short name used in prose counts ({{search.excluded.ID}}); default: from the reason.")
    references: list[str] = Field(default_factory=list, description="Reference ids of the excluded full texts.")
    count: NonNegativeInt | None = Field(None, description="How many were excluded, when not every one is listed in references.")

    def model_post_init(self, context: Any) -> None:
        if not self.id:
            self.id = slug(self.reason)

    @property
    def total(self) -> int:
        return self.count if self.count is not None else len(self.references)


class Screening(Strict):
    """The screening of one search, from records identified to studies included (PRISMA 2020)."""

    identified: Count | None = Field(None, description="Records identified, as the source states it; checked against the sum of the databases' hits, which is what the report prints.")
    duplicates: Count = Field(description="Duplicates removed, or 'not reported'.")
    screened: Count | None = Field(None, description="Records screened on title and abstract; computed from identified − duplicates when left out.")
    excluded_screening: Count | None = Field(None, description="Records excluded on title and abstract; computed when left out.")
    fulltext: Count = Field(description="Full texts assessed for eligibility, or 'not reported'.")
    exclusions: list[Exclusion] = Field(default_factory=list, description="Full texts excluded, one entry per reason.")
    included: list[str] = Field(default_factory=list, description="Reference ids of the studies included.")


class Search(Strict):
    """One search of searches.yaml: its databases, lines and screening."""

    id: str = Field(description="Short name used in prose counts, e.g. 'primara' in {{primara.identified}}.")
    title: str = Field(description="Heading in Söksträngar, e.g. 'Sökningar utförda gällande utfallsmåtten i punkt 1'.")
    databases: list[Database] = Field(description="The databases searched.")
    screening: Screening = Field(description="How the records found were screened.")
    note: str = Field("", description="Notes for the authors (e.g. where the source's numbers disagree); not printed.")

    def counts(self) -> Counts:
        return Counts.of(self)


def _known(value: Count | None) -> int | None:
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class Counts:
    """The numbers of one search, each computed once from the data; None where not reported."""

    identified: int
    duplicates: int | None
    screened: int | None
    excluded_screening: int | None
    fulltext: int | None
    excluded: int
    included: int
    hits: dict[str, int]
    excluded_by_reason: dict[str, int]
    dates: dict[str, dt.date]

    @classmethod
    def of(cls, search: Search) -> Counts:
        s = search.screening
        identified = sum(db.hits for db in search.databases)
        duplicates = _known(s.duplicates)
        screened = _known(s.screened) if s.screened is not None else (
            identified - duplicates if duplicates is not None else None)
        fulltext = _known(s.fulltext)
        excluded_screening = _known(s.excluded_screening) if s.excluded_screening is not None else (
            screened - fulltext if screened is not None and fulltext is not None else None)
        return cls(
            identified=identified, duplicates=duplicates, screened=screened,
            excluded_screening=excluded_screening, fulltext=fulltext,
            excluded=sum(e.total for e in s.exclusions), included=len(s.included),
            hits={db.id: db.hits for db in search.databases},
            excluded_by_reason={e.id: e.total for e in s.exclusions},
            dates={db.id: db.date for db in search.databases},
        )

    def named(self) -> dict[str, int | dt.date | None]:
        """Every count under the name prose uses for it: 'identified', 'hits.pubmed', 'date', …"""
        values: dict[str, int | dt.date | None] = {
            "identified": self.identified, "duplicates": self.duplicates, "screened": self.screened,
            "excluded_screening": self.excluded_screening, "fulltext": self.fulltext,
            "excluded": self.excluded, "included": self.included,
        }
        values |= {f"hits.{k}": v for k, v in self.hits.items()}
        values |= {f"excluded.{k}": v for k, v in self.excluded_by_reason.items()}
        values |= {f"date.{k}": v for k, v in self.dates.items()}
        if len(set(self.dates.values())) == 1:
            values["date"] = next(iter(self.dates.values()))
        return values


class Bullet(Strict):
    """One conclusion bullet: its text, and what it rests on."""

    text: str = Field(description="The bullet as printed.")
    outcomes: list[str] = Field(default_factory=list, description="Ids of the outcomes it rests on.")
    references: list[str] = Field(default_factory=list, description="Reference ids it rests on, where useful.")
    own_judgement: bool = Field(False, description="True when it is the council's own judgement, resting on no outcome.")


# A bullet is usually just its text; the mapping form says what it rests on.
BulletEntry = Annotated[Bullet, BeforeValidator(lambda v: {"text": v} if isinstance(v, str) else v,
                                                json_schema_input_type=str | Bullet)]


class Conclusions(Strict):
    """conclusions.yaml: what the councils note and what they judge."""

    findings: list[BulletEntry] = Field(default_factory=list, description="'… konstaterar att': what the evidence shows, one bullet each.")
    judgements: list[BulletEntry] = Field(default_factory=list, description="'… bedömer att': the councils' judgement, one bullet each.")
    summary: list[BulletEntry] = Field(default_factory=list, description="A summarising judgement (sammanvägd "
                                       "bedömning), printed as paragraphs.")
    recommendations: list[BulletEntry] = Field(default_factory=list, description="Recommendations, one bullet each.")
    knowledge_gaps: list[BulletEntry] = Field(default_factory=list, description="Knowledge gaps (kunskapsluckor), "
                                              "one bullet each.")

    def bullets(self) -> Iterator[tuple[tuple[str | int, ...], Bullet]]:
        """Every bullet with where its text stands in conclusions.yaml."""
        for key in ("findings", "judgements", "summary", "recommendations", "knowledge_gaps"):
            for k, bullet in enumerate(getattr(self, key)):
                yield (key, k, "text"), bullet


EVIDENCE_COLUMNS = {
    # column: the headings a council's spreadsheet may give it, in Swedish, Norwegian and English (compared as
    # `heading_key` makes them); the report's own heading in each language is one (a test holds them together)
    "reference": {"reference", "ref", "referens", "referanse"},
    "design": {"design", "study design", "studiedesign", "studietyp", "studietype"},
    "population": {"population", "patientgrupp", "målgrupp", "populasjon", "pasientgruppe", "målgruppe"},
    "intervention": {"intervention", "behandling", "intervensjon", "tiltak"},
    "comparison": {"comparison", "comparator", "control", "jämförelse", "kontroll", "sammenligning", "sammenlikning",
                   "komparator"},
    "outcomes": {"outcomes", "utfall", "utfallsmått", "utfallsmål", "endepunkter"},
    "follow_up": {"follow up", "uppföljning", "uppföljningstid", "oppfølging", "oppfølgingstid"},
    "appraisal_tool": {"appraisal tool", "granskningsmall", "granskningsverktyg", "vurderingsverktøy", "sjekkliste"},
    "rating": {"rating", "risk of bias", "bedömning", "kvalitet", "vurdering", "risiko for skjevhet"},
    # optional: the id(s) of the PICO(s) a row answers, when pico.yaml has several
    "pico": {"pico", "picos", "pico id"},
}
REQUIRED_COLUMNS = [c for c in EVIDENCE_COLUMNS if c != "pico"]
_HEADING_GAPS = re.compile(r"[\s_-]+")


def heading_key(heading: str) -> str:
    """A heading as the columns' names are compared: without case, and with spaces, - and _ alike
    ("Follow-up", "follow_up" and "Follow up" are one heading)."""
    return _HEADING_GAPS.sub(" ", heading.casefold()).strip()


def evidence_column(heading: str) -> str | None:
    """The column (EVIDENCE_COLUMNS' name) a spreadsheet's heading names, if any."""
    key = heading_key(heading)
    return next((canonical for canonical, names in EVIDENCE_COLUMNS.items() if key in names), None)


class EvidenceRow(Strict):
    """One included study of the evidence table."""

    reference: str = Field(description="Reference id of the study.")
    design: str = Field(description="Study design, e.g. 'Systematisk översikt med metaanalys'.")
    population: str = Field("", description="Population studied.")
    intervention: str = Field("", description="Intervention studied.")
    comparison: str = Field("", description="Comparison.")
    outcomes: str = Field("", description="Outcomes reported.")
    follow_up: str = Field("", description="Follow-up time.")
    appraisal_tool: str = Field("", description="Tool used to appraise the study, e.g. 'AMSTAR 2'.")
    rating: str = Field("", description="The rating, on the tool's own scale.")
    pico: str = Field("", description="The id(s) of the PICO(s) this study answers, separated by commas, when "
                      "pico.yaml has several; not printed as a column: each PICO gets its own table.")
    extra: dict[str, str] = Field(default_factory=dict, description="Columns the format does not name (e.g. "
                                  "'Resultat'), by their heading: printed after the others, under that heading.")
    row: int = Field(0, description="Row number in the spreadsheet (set by the reader).", exclude=True)

    def picos(self) -> list[str]:
        """The PICO ids this row names: 'p1, p2' → ['p1', 'p2']."""
        return [x.strip() for x in re.split(r"[,;]", self.pico) if x.strip()]


class Reference(BaseModel):
    """One entry of the bibliography (CSL-JSON); the whole entry is handed to citeproc."""

    model_config = ConfigDict(extra="allow")
    id: str
    type: str = "article-journal"
    title: str = ""
    DOI: str = ""
    PMID: str = ""
    # Where the entry starts in its file (set by the reader; not part of the CSL handed to citeproc). Made by a
    # factory: a default tuple would be deep-copied for every reference of every assessment.
    _file: str = PrivateAttr("")
    _position: tuple[int, int] = PrivateAttr(default_factory=lambda: (1, 1))


class SectionKey(str, Enum):
    """The prose sections, in report order; each is `sections/<key>.md`."""

    BACKGROUND = "background"
    SUMMARY = "summary"
    PRIOR_REVIEW = "prior-review"
    METHOD = "method"
    SCREENING = "screening"
    RESULTS = "results"
    TECHNICAL = "technical"
    ECONOMIC = "economic"
    ETHICAL = "ethical"
    ORGANISATIONAL = "organisational"
    # sections of other house styles (Västra Götaland's HTA-centrum): printed where their style places them
    EVIDENCE_LEVEL = "evidence-level"
    EFFICACY = "efficacy"
    RISKS = "risks"


PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")  # a Markdown picture and its target

REQUIRED_SECTIONS = [SectionKey.BACKGROUND, SectionKey.SUMMARY, SectionKey.METHOD, SectionKey.RESULTS,
                     SectionKey.TECHNICAL, SectionKey.ECONOMIC, SectionKey.ETHICAL]


@dataclass
class Section:
    """A prose section: its Markdown text, and a heading of its own when the file starts with '# …'."""

    key: SectionKey
    source: Source
    text: str
    title: str = ""
    first_line: int = 1  # line of the file where `text` starts


def _no_aspects() -> Aspects:
    from .aspects import Aspects

    return Aspects()


@dataclass
class Assessment:
    """Everything one assessment folder says, validated and typed."""

    folder: Path
    meta: Metadata
    picos: list[Pico]
    searches: list[Search]
    conclusions: Conclusions
    sections: dict[SectionKey, Section]
    evidence: list[EvidenceRow]
    references: list[Reference]
    sources: dict[str, Source] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)  # the pictures of figures/, each read and accepted
    certainty: list[Rating] = field(default_factory=list)  # certainty.yaml's ratings; [] without the file
    # What could not be read and stands here as absent or empty, its finding already said: a file name
    # (assessment.yaml, pico.yaml, searches.yaml, conclusions.yaml), "evidence", "references", "csl", "figures/<name>", or
    # "sections/<key>.md" (unreadable, or a misnamed file is taken for it). Checks that would only repeat the
    # consequence of that ("PICO missing", "section missing", "never cited") are not run on it.
    unread: frozenset[str] = frozenset()
    # the house style named by `style:` (styles.py; None: the default), and the structured aspects (aspects.py)
    style: Style | None = None
    aspects: Aspects = field(default_factory=_no_aspects)
    # each accepted picture's content as the reader read it, which the checks decode; once checked, only its
    # digest is kept (a library's pictures are not all held at once), and the build copies a picture only if it
    # reads the same again: a file swapped in after the check never reaches a report
    picture_bytes: dict[Path, bytes] = field(default_factory=dict)
    picture_digests: dict[Path, str] = field(default_factory=dict)

    def keep_picture_digests(self) -> None:
        """Each picture's digest in place of its content, once the checks have decoded it."""
        import hashlib

        self.picture_digests |= {p: hashlib.sha256(b).hexdigest() for p, b in self.picture_bytes.items()}
        self.picture_bytes = {}

    def was_read(self, *parts: str) -> bool:
        """Whether every one of `parts` was read, so that a check on them says something new."""
        return not self.unread.intersection(parts)

    @property
    def name(self) -> str:
        return self.folder.name

    def counts(self) -> dict[str, Counts]:
        return {s.id: s.counts() for s in self.searches}

    def pictures(self) -> list[Path]:
        """The author's own pictures: the files of figures/ that the reader accepted, which the prose may show."""
        return list(self.figures)


# --- Counts named in prose --------------------------------------------------------------------------

# {{search.count}}, or {{search.count:form}} with the form (words, ett) in group 3; the checks report an
# unknown form, so it is taken here as whatever stands between the colon and the braces.
COUNT_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\.([A-Za-z0-9_.-]+?)\s*(?::([^{}]*?))?\s*\}\}")


def count_values(assessment: Assessment) -> dict[str, int | dt.date | None]:
    """Every count prose may name, as 'search.count' → value (None where not reported)."""
    return {f"{sid}.{name}": value
            for sid, counts in assessment.counts().items() for name, value in counts.named().items()}


# The PICO and its outcome forms live in pico.py, the structured aspects in aspects.py; both build on Strict
# and Outcome above. `from .assessment import Pico` keeps working for every module: the names are looked up there
# when first asked for (PEP 562), so that either module may be imported first.
_ELSEWHERE = {"Labelled": "pico", "NumberedOutcome": "pico", "Outcomes": "pico", "Pico": "pico", "Aspects": "aspects"}


def __getattr__(name: str) -> Any:
    if name in _ELSEWHERE:
        import importlib

        return getattr(importlib.import_module(f".{_ELSEWHERE[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from .aspects import Aspects
    from .pico import Pico
    from .styles import Style
