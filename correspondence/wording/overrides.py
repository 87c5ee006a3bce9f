"""Wording without code: a tenant replaces one block, one document kind, or a whole language's wording,
and everything it does not replace stays the packaged text.

For one language an override is a set of files:
- ``<kind>.j2`` replaces that document kind (``legal_notice.j2``);
- ``blocks.j2`` holds macros that replace the same-named blocks of the language's phrase catalogue
  (``_frasi.j2``, ``_frases.j2``: ``{% macro saluto() %}...{% endmacro %}``), used by every kind;
- any other ``_*.j2`` replaces that helper file whole.
A folder for the CLI holds the files directly, or one subfolder per language (``it/``, ``es/``).
Files are checked when loaded or uploaded: Jinja2 syntax, and every variable they read must be one the
wording sees (`CONTEXT_NAMES`) or a block of the catalogue; errors name the override's own file and line.
They run in the same sandbox as the packaged wording.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from ..errors import InputError
from ..packaged import available_languages, language_dir

BLOCKS = "blocks.j2"
MAX_FILE_BYTES = 256 * 1024
MAX_FILES = 40
NAME = re.compile(r"^_?[a-z][a-z0-9_]{0,60}\.j2$")
_IMPORT_F = re.compile(r'{%-?\s*import\s+"(_\w+\.j2)"\s+as\s+f\b')
#: what a wording template can read (`correspondence.wording.context.wording_context`, kept equal by a test)
CONTEXT_NAMES = frozenset({
    "case", "creditor", "debtor", "representative", "signatory", "claim", "invoices", "payments", "paid", "kind",
    "tone", "credit_type", "debtor_type", "jurisdiction", "language", "consumer", "business",
    "public_administration", "on_behalf", "catalan", "insolvency", "figures", "prescription", "prescribed",
    "presumptive", "interrupted", "two_year_utilities", "waived", "deadline_days", "deadline_date",
    "deadline_shifted", "earlier_letters", "calls", "visits", "history", "tracing", "actions", "options", "report",
    "letter_date", "today", "assessment", "annexes", "label",
    "plan", "schedule", "offer", "receipt", "receipt_instalments", "unpaid_instalment", "settled", "waiver_lapsed",
})


@dataclass(frozen=True)
class WordingOverride:
    """One language's override files, `(name, source)`, with where they come from (for messages)."""

    language: str
    files: tuple[tuple[str, str], ...]
    origin: str = "override"

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name, source in self.files:
            h.update(name.encode() + b"\0" + source.encode() + b"\0")
        return h.hexdigest()[:16]

    def source(self, name: str) -> str | None:
        return dict(self.files).get(name)

    def where(self, name: str) -> str:
        return f"{self.origin}/{name}"


def phrase_catalogue(language: str) -> str:
    """The helper file every kind imports as `f` (`_frasi.j2` in Italian, `_frases.j2` in Spanish)."""
    for path in sorted((language_dir(language) / "wording").glob("*.j2")):
        found = _IMPORT_F.search(path.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    raise InputError("language", f"'{language}' has no phrase catalogue")


@lru_cache(maxsize=8)
def catalogue_names(language: str) -> frozenset[str]:
    """Blocks (macros) and variables the phrase catalogue defines at its top level."""
    source = (language_dir(language) / "wording" / phrase_catalogue(language)).read_text(encoding="utf-8")
    tree = SandboxedEnvironment().parse(source)
    names = {m.name for m in tree.find_all(nodes.Macro)}
    names |= {t.name for a in tree.find_all(nodes.Assign) for t in a.find_all(nodes.Name)}
    return frozenset(names)


def overridable_blocks(language: str) -> list[tuple[str, str]]:
    """The blocks of the phrase catalogue a `blocks.j2` may replace: (signature, first comment line)."""
    source = (language_dir(language) / "wording" / phrase_catalogue(language)).read_text(encoding="utf-8")
    out = []
    for found in re.finditer(r"(?:{#-?\s*(?P<doc>[^#]*?)\s*-?#}\s*)?{%-?\s*macro\s+(?P<sig>\w+\([^)]*\))", source):
        out.append((found.group("sig"), (found.group("doc") or "").splitlines()[0] if found.group("doc") else ""))
    return out


def check_override(language: str, name: str, source: str, *, where: str) -> None:
    """Refuse a file that is not valid Jinja2 or that reads a variable the wording does not have."""
    if not NAME.match(name) or name.endswith(".j2") is False:
        raise InputError(where, "a wording file is <kind>.j2, blocks.j2 or _<helper>.j2")
    kinds = {p.stem for p in (language_dir(language) / "wording").glob("*.j2")}
    if name != BLOCKS and name.removesuffix(".j2") not in kinds:
        raise InputError(where, f"no packaged '{name}' to replace (kinds and helpers: {', '.join(sorted(kinds))})")
    if len(source.encode()) > MAX_FILE_BYTES:
        raise InputError(where, f"larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        tree = SandboxedEnvironment().parse(source)
    except TemplateSyntaxError as exc:
        raise InputError(f"{where}:{exc.lineno}", exc.message or "syntax error") from None
    if name == BLOCKS:
        stray = [n for n in tree.body if not isinstance(n, (nodes.Macro, nodes.Output))
                 or (isinstance(n, nodes.Output) and any(not (isinstance(x, nodes.TemplateData) and not x.data.strip())
                                                          for x in n.nodes))]
        if stray:
            raise InputError(f"{where}:{stray[0].lineno}", "blocks.j2 holds only {% macro %} blocks")
        known = CONTEXT_NAMES | catalogue_names(language)
        unknown = sorted(n for n in {m.name for m in tree.find_all(nodes.Macro)} if n not in catalogue_names(language))
        if unknown:
            raise InputError(where, f"no block '{unknown[0]}' to replace (see `correspondence wording show`)")
    else:
        known = CONTEXT_NAMES | (catalogue_names(language) if name == phrase_catalogue(language) else frozenset())
    for var in sorted(meta.find_undeclared_variables(tree) - known - _JINJA_GLOBALS):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == var), 1)
        raise InputError(f"{where}:{line}", f"unknown variable '{var}'")


_JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "caller", "varargs", "kwargs"})


def load_folder(folder: Path, language: str) -> WordingOverride:
    """The override files for `language` in a CLI folder: `folder/<language>/` if present, else `folder`."""
    if not folder.is_dir():
        raise InputError("--wording-dir", f"{folder} is not a folder")
    sub = folder / language
    root = sub if sub.is_dir() else folder
    if not sub.is_dir() and any((folder / lang).is_dir() for lang in available_languages()):
        return WordingOverride(language, (), str(folder))  # per-language folders, none for this language
    files = sorted(p for p in root.glob("*.j2") if p.is_file())
    if len(files) > MAX_FILES:
        raise InputError("--wording-dir", f"more than {MAX_FILES} files in {root}")
    out = []
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(str(path), "not UTF-8 text") from None
        check_override(language, path.name, source, where=str(path))
        out.append((path.name, source))
    return WordingOverride(language, tuple(out), str(root))
