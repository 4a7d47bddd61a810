"""The Jinja environment over hta's templates (templates/*.j2). Compiling them is a fifth of what a build does
before pandoc can start reading: each user's compiled templates are kept, as Python keeps compiled modules, in
a folder of their own that no one else can write ($XDG_CACHE_HOME/hta/templates, else ~/.cache/hta/templates).
A template is compiled again when its text, its environment's syntax or escaping, Jinja or Python changes;
where no such folder can be had, templates are compiled on every run, as before."""

import os
import pickle
import stat
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from ..paths import TEMPLATES


def environment(**options) -> jinja2.Environment:
    """hta's defaults: a misspelt name fails instead of printing nothing, and block tags leave no blank lines."""
    defaults = dict(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, trim_blocks=True,
                    lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=compiled_templates())
    return jinja2.Environment(**(defaults | options))


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's folder of compiled templates, each checked against its environment as well as its text: Jinja
    checks the text alone, and the same template compiled with other delimiters or escaping is other code."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        return super().get_bucket(environment, name, filename, source + "\0" + _compiled_with(environment, name))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # a damaged file (Jinja catches only some of this): compiled again, and written over

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # a full disk or a folder gone: the template was compiled, and is compiled again next time
            pass


def _compiled_with(env: jinja2.Environment, name: str) -> str:
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return repr((jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
                 env.variable_end_string, env.comment_start_string, env.comment_end_string,
                 env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                 env.newline_sequence, env.keep_trailing_newline, env.optimized, env.finalize is None,
                 sorted(env.extensions), bool(autoescape)))


def compiled_templates() -> CompiledTemplates | None:
    folder = _private_folder()
    return CompiledTemplates(str(folder)) if folder else None


def _private_folder() -> Path | None:
    """The cache folder, if it is the user's own and no one else's to write: Jinja loads compiled code from it."""
    try:
        given = Path(os.environ.get("XDG_CACHE_HOME", ""))
        base = given if given.is_absolute() else Path.home() / ".cache"  # a relative one is ignored, as XDG says
        folder = base / "hta" / "templates"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home to find
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return None
    return folder if os.access(folder, os.W_OK) else None
