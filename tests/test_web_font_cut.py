"""The web font cut to a page's letters is made once per set of letters and kept: in `_build/.hta/cache/font`
between builds, and the common cut shipped with hta. A kept cut is used only while everything it was made
from is unchanged."""

from __future__ import annotations

import base64
import io
import re

import pytest

from hta.convert import fonts

OMEGA = "\u03a9"  # in the family, but not among the common letters: a page with it needs a cut of its own


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """Each test sees nothing derived from the font earlier in this process, and leaves nothing behind."""
    from hta.word import metrics

    for remembered in (fonts._web_font_css, fonts._cut_basis, metrics.advances):
        remembered.cache_clear()
    yield
    fonts.keep_cuts_in(None)
    for remembered in (fonts._web_font_css, fonts._cut_basis, metrics.advances):
        remembered.cache_clear()


def cmaps(css: str) -> list[set[int]]:
    """The characters each WOFF2 font in `css` maps, read with fontTools directly."""
    from fontTools.ttLib import TTFont

    return [set(TTFont(io.BytesIO(base64.b64decode(data)))["cmap"].getBestCmap())
            for data in re.findall(r"base64,([A-Za-z0-9+/=]+)", css)]


STALE = "the shipped files are stale: run `python -m hta.convert.fonts` and commit templates/webfont/"


def test_the_shipped_common_cut_is_current_and_holds_the_common_letters_only():
    shipped = sorted(fonts.SHIPPED_CUTS.glob("*.css"))
    assert [p.name for p in shipped] == [f"{fonts.cut_key(fonts._WEB_BASE)}.css"], STALE
    css = shipped[0].read_text(encoding="ascii")
    for mapped in cmaps(css):
        assert {ord(c) for c in "aåäöøæéÅÄÖ€–"} <= mapped
        assert ord(OMEGA) not in mapped
    assert css == fonts._cut(fonts._WEB_BASE)


def test_a_page_of_common_letters_uses_the_shipped_cut_and_keeps_nothing(tmp_path):
    fonts.keep_cuts_in(tmp_path)
    css = fonts.web_font_css("Ketamin vid långvarig smärta\n\tå ä ö")
    assert css == next(fonts.SHIPPED_CUTS.glob("*.css")).read_text(encoding="ascii")
    assert not list(tmp_path.iterdir())


def test_a_cut_of_other_letters_is_kept_and_a_later_process_reuses_it(tmp_path):
    fonts.keep_cuts_in(tmp_path)
    css = fonts.web_font_css(f"{OMEGA} ohm")
    [kept] = tmp_path.glob("*.css")
    assert kept.read_text(encoding="ascii") == css
    assert all(ord(OMEGA) in mapped for mapped in cmaps(css))

    fonts._web_font_css.cache_clear()  # as a new process
    kept.write_text("/* the kept cut */", encoding="ascii")
    assert fonts.web_font_css(f"ohm {OMEGA}") == "/* the kept cut */"


def test_a_kept_cut_is_not_used_once_what_it_was_made_from_changes(tmp_path, monkeypatch):
    import importlib.metadata

    base = fonts.cut_key(fonts._WEB_BASE | {OMEGA})
    assert fonts.cut_key(fonts._WEB_BASE) != base  # the letters

    def key_after(change) -> str:
        with monkeypatch.context() as m:
            change(m)
            fonts._cut_basis.cache_clear()
            key = fonts.cut_key(fonts._WEB_BASE | {OMEGA})
        fonts._cut_basis.cache_clear()
        return key

    real_version = importlib.metadata.version
    real_files = fonts.font_files()
    changed_font = tmp_path / real_files[0].name
    changed_font.write_bytes(real_files[0].read_bytes() + b"\0")
    changes = {
        "options": lambda m: m.setattr(fonts, "_CUT_OPTIONS", fonts._CUT_OPTIONS + (("hinting", True),)),
        "fontTools": lambda m: m.setattr(importlib.metadata, "version",
                                         lambda name: "99.0" if name == "fonttools" else real_version(name)),
        "Brotli": lambda m: m.setattr(importlib.metadata, "version",
                                      lambda name: "99.0" if name == "brotli" else real_version(name)),
        "font file": lambda m: m.setattr(fonts, "font_files", lambda: [changed_font, *real_files[1:]]),
    }
    keys = {what: key_after(change) for what, change in changes.items()}
    assert all(key != base for key in keys.values()), keys
    assert len(set(keys.values())) == len(keys)
    assert key_after(lambda m: None) == base


def test_the_shipped_advance_widths_are_current_and_those_of_the_font():
    from fontTools.ttLib import TTFont

    from hta.word import metrics

    names = {metrics.advances_name(bold, italic) for bold in (False, True) for italic in (False, True)}
    assert {p.name for p in fonts.SHIPPED_CUTS.glob("*.json")} == names, STALE
    regular = TTFont(next(p for p in fonts.font_files() if "Italic" not in p.name))
    glyphs = regular.getGlyphSet(location={"wght": 400})
    cmap = regular.getBestCmap()
    widths = metrics.advances()
    assert len(widths.widths) == len(cmap)
    for char in "Wiå€ ":
        assert widths.widths[ord(char)] == glyphs[cmap[ord(char)]].width
    assert metrics.advances(bold=True).width("Hej", 10) > widths.width("Hej", 10)


def test_advance_widths_measured_once_are_kept_and_read_by_a_later_process(tmp_path, monkeypatch):
    import json

    from hta.word import metrics

    fonts.keep_cuts_in(tmp_path)
    monkeypatch.setattr(fonts, "SHIPPED_CUTS", tmp_path / "nothing shipped")
    metrics.advances(bold=True)
    [kept] = tmp_path.glob("advances-*.json")
    assert kept.name == metrics.advances_name(True, False)

    metrics.advances.cache_clear()  # as a new process
    kept.write_text(json.dumps({"units_per_em": 1000, "widths": {"72": 500.0}, "fallback": 1000.0}), encoding="utf-8")
    assert metrics.advances(bold=True).width("HH", 10) == 10.0
    assert metrics.advances_name(True, True) != kept.name != metrics.advances_name(False, False)
