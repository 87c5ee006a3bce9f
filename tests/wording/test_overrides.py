"""Wording without code (issue 15 item 3): one block, one kind or a whole language replaced, the rest kept;
a folder with an it/ subfolder is used; errors name the override's own file and line; the sandbox holds."""
from __future__ import annotations

from pathlib import Path

import pytest

from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.figures import compute_statement, prescription
from correspondence.render import compose_document
from correspondence.wording import language_pack
from correspondence.wording.context import wording_context
from correspondence.wording.overrides import CONTEXT_NAMES, WordingOverride, check_override, load_folder
from tests.casedata import example


def _texts(case, wording=None) -> list[str]:
    return [" ".join(r.text for r in b.runs) for b in compose_document(case, wording_dir=wording).blocks]


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_one_block_replaced_and_nothing_else_changes(tmp_path):
    case = build_case(example("it"))
    _write(tmp_path / "it", "blocks.j2", "{% macro saluto() %}Gentilissimi {{ debtor.name }},{% endmacro %}")
    before, after = _texts(case), _texts(case, tmp_path)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [(before[1], f"Gentilissimi {case.debtor.name},")]
    assert len(before) == len(after)


def test_a_folder_with_an_it_subfolder_applies_to_italian_only(tmp_path):
    _write(tmp_path / "it", "first_demand.j2", "<p>Testo dello studio per {{ debtor.name }}.</p>")
    it = build_case(example("it", kind="first_demand"))
    es = build_case(example("es", kind="first_demand"))
    assert f"Testo dello studio per {it.debtor.name}." in _texts(it, tmp_path)
    assert _texts(es, tmp_path) == _texts(es)


def test_syntax_error_names_the_override_file_and_line(tmp_path):
    _write(tmp_path / "it", "blocks.j2", "\n\n{% macro saluto() %}Caro{% endif %}")
    with pytest.raises(InputError) as caught:
        load_folder(tmp_path, "it")
    assert caught.value.field == f"{tmp_path / 'it' / 'blocks.j2'}:3"


def test_unknown_variable_is_refused_on_load_with_its_line(tmp_path):
    _write(tmp_path, "legal_notice.j2", "<p>ok</p>\n<p>{{ debitore.nome }}</p>")
    with pytest.raises(InputError) as caught:
        load_folder(tmp_path, "it")
    assert caught.value.field.endswith("legal_notice.j2:2") and "debitore" in caught.value.reason


def test_error_while_rendering_an_override_names_its_file_and_line(tmp_path):
    _write(tmp_path / "it", "blocks.j2", "{% macro saluto() %}\nCaro {{ debtor.no_such_field }}{% endmacro %}")
    with pytest.raises(InputError) as caught:
        compose_document(build_case(example("it")), wording_dir=tmp_path)
    assert caught.value.field == f"{tmp_path / 'it' / 'blocks.j2'}:2"


@pytest.mark.parametrize("attack", ["{{ ''.__class__.__mro__[1].__subclasses__() }}",
                                    "{{ debtor.__init__.__globals__ }}", "{{ label.__globals__['os'] }}"])
def test_sandbox_escapes_fail(attack):
    override = WordingOverride("it", (("first_demand.j2", f"<p>{attack}</p>"),), "tenant")
    with pytest.raises(InputError) as caught:
        compose_document(build_case(example("it", kind="first_demand")), wording_dir=override)
    assert caught.value.field.startswith("tenant/first_demand.j2")


def test_only_packaged_names_can_be_replaced():
    with pytest.raises(InputError, match="no packaged"):
        check_override("it", "lettera_nuova.j2", "<p>x</p>", where="x")
    with pytest.raises(InputError, match="no block 'inventato'"):
        check_override("it", "blocks.j2", "{% macro inventato() %}x{% endmacro %}", where="x")


def test_the_documented_context_names_are_the_context():
    case = build_case(example("it"))
    st = compute_statement(case)
    keys = set(wording_context(case, st, prescription(case), language_pack("it")))
    assert keys <= CONTEXT_NAMES and CONTEXT_NAMES - keys <= {"assessment", "annexes", "label"}
