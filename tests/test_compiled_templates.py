"""hta's templates are compiled once per user and kept in a folder of the user's own (render/templates.py)."""

import jinja2
import pytest

from hta.model.labels import labels_for
from hta.render import templates
from hta.render.qmd import environment as qmd_environment


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    qmd_environment.cache_clear()
    yield tmp_path / "hta" / "templates"
    qmd_environment.cache_clear()


def _no_compiling(monkeypatch):
    def compile_refused(self, *args, **kwargs):
        raise AssertionError("a template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_refused)


def test_a_template_compiled_once_is_loaded_compiled_by_the_next_run(cache_home, monkeypatch):
    first = qmd_environment().get_template("index.qmd.j2").render(entries=[], labels=labels_for("sv"))
    assert list(cache_home.glob("*.cache")), "nothing was kept"
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"

    qmd_environment.cache_clear()
    _no_compiling(monkeypatch)
    assert qmd_environment().get_template("index.qmd.j2").render(entries=[], labels=labels_for("sv")) == first


def test_a_template_whose_text_changed_is_compiled_again(cache_home, tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "t.j2").write_text("one {{ x }}\n", encoding="utf-8")
    env = templates.environment(loader=jinja2.FileSystemLoader(folder))
    assert env.get_template("t.j2").render(x=1) == "one 1\n"

    (folder / "t.j2").write_text("two {{ x }}\n", encoding="utf-8")
    assert templates.environment(loader=jinja2.FileSystemLoader(folder)).get_template("t.j2").render(x=1) == "two 1\n"


def test_the_same_template_under_other_syntax_or_escaping_is_not_taken_from_the_cache(cache_home):
    source = {"t.j2": "[[ x ]]{{ x }}\n{% if true %}\nline\n{% endif %}\n"}
    plain = templates.environment(loader=jinja2.DictLoader(source))
    assert plain.get_template("t.j2").render(x="<b>") == "[[ x ]]<b>\nline\n"

    brackets = templates.environment(loader=jinja2.DictLoader(source), variable_start_string="[[",
                                     variable_end_string="]]")
    assert brackets.get_template("t.j2").render(x="<b>") == "<b>{{ x }}\nline\n"
    escaped = templates.environment(loader=jinja2.DictLoader(source), autoescape=True)
    assert escaped.get_template("t.j2").render(x="<b>") == "[[ x ]]&lt;b&gt;\nline\n"
    kept_blocks = templates.environment(loader=jinja2.DictLoader(source), trim_blocks=False)
    assert kept_blocks.get_template("t.j2").render(x="") == "[[ x ]]\n\nline\n\n"
    assert len(list(cache_home.glob("*.cache"))) == 1  # one name, one file: the latest compiled is kept


def test_a_cache_folder_others_can_write_is_not_used(cache_home):
    cache_home.mkdir(parents=True)
    cache_home.chmod(0o777)
    assert templates.compiled_templates() is None
    assert qmd_environment().get_template("index.qmd.j2")  # compiled, as without a cache
    assert not list(cache_home.iterdir())


def test_without_a_folder_to_keep_them_in_the_templates_are_compiled_each_run(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    assert templates.compiled_templates() is None
    assert templates.environment(autoescape=True).get_template("flow.svg.j2")


def test_a_cache_that_cannot_be_written_does_not_stop_the_build(cache_home, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", disk_full)
    assert qmd_environment().get_template("index.qmd.j2").render(entries=[], labels=labels_for("sv"))
    assert not list(cache_home.glob("*.cache"))


def test_a_relative_cache_home_is_ignored_and_nothing_lands_in_the_project(tmp_path, monkeypatch):
    """XDG_CACHE_HOME must be absolute; a relative one would have put the cache in whatever folder hta runs in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert templates.compiled_templates().directory == str(tmp_path / "home" / ".cache" / "hta" / "templates")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("damage", [lambda data: data[:len(data) // 3], lambda data: data[:24] + b"\xff\xfe",
                                    lambda data: b"j2" + b"\x80" * 40],
                         ids=["cut-short", "bad-checksum", "bad-header"])
def test_a_damaged_compiled_template_is_compiled_again(cache_home, damage):
    first = qmd_environment().get_template("index.qmd.j2").render(entries=[], labels=labels_for("sv"))
    [kept] = [path for path in cache_home.glob("*.cache") if path.stat().st_size > 100]
    kept.write_bytes(damage(kept.read_bytes()))

    qmd_environment.cache_clear()
    assert qmd_environment().get_template("index.qmd.j2").render(entries=[], labels=labels_for("sv")) == first
