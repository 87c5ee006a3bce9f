"""Brands in campaigns (issue 15: "a campaign may set one for all rows"; issue 19: brand by name): a brand
column and `defaults.brand` pick each case's brand from the library, `--brand` sets one for every case, an
unknown brand is refused before anything is rendered, and the manifest records the brand of each case."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from correspondence.cli.app import main
from tests.campaign.helpers import ES_HEADER, ES_MAPPING, ES_ROWS
from tests.textutil import pdf_flat

BRANDS = {
    "alfa": {"name": "Alfa Cobros Profesionales", "letterhead_lines": ["Paseo de Gracia 21, Barcelona"],
             "primary_color": "#0B6E4F", "font": "sans"},
    "beta": {"name": "Beta Gestión de Impagados", "letterhead_lines": ["Gran Vía 30, Madrid"],
             "primary_color": "#7A1F2B", "font": "serif"},
}


def write_brands(folder: Path) -> Path:
    for name, fields in BRANDS.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "brand.yaml").write_text(yaml.safe_dump({**fields, "version": 3}, allow_unicode=True),
                                                  encoding="utf-8")
    return folder


def branded_export(folder: Path, marks: list[str], *, default: str | None = "beta") -> tuple[Path, Path]:
    """The Spanish export with a `Marca` column (one brand name per row, or empty) and its mapping."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [f"{row};{mark}" for row, mark in zip(ES_ROWS, marks)]
    source = folder / "clientes.csv"
    source.write_bytes(("\r\n".join([ES_HEADER + ";Marca", *rows]) + "\r\n").encode("latin-1"))
    mapping = {**ES_MAPPING, "columns": {**ES_MAPPING["columns"], "brand": "Marca"},
               "defaults": {**ES_MAPPING["defaults"], **({"brand": default} if default else {})}}
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return source, path


def test_a_brand_column_and_a_default_brand_give_each_letter_its_letterhead(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    brands = write_brands(tmp_path / "brands")
    source, mapping = branded_export(tmp_path / "in", ["alfa", "alfa", ""])  # Peñalara: defaults.brand (beta)
    out = tmp_path / "out"
    code = main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brands-dir", str(brands),
                 "--workers", "1"])
    assert code == 0, capsys.readouterr().err
    alcala, penalara = pdf_flat((out / "A28015865.pdf").read_bytes()), pdf_flat((out / "B86561412.pdf").read_bytes())
    assert "Alfa Cobros Profesionales" in alcala and "Paseo de Gracia 21, Barcelona" in alcala
    assert "Beta Gestión" not in alcala
    assert "Beta Gestión de Impagados" in penalara and "Gran Vía 30, Madrid" in penalara
    assert "Alfa Cobros" not in penalara
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {c["case"]: (c["brand"], c["brand_version"]) for c in manifest["cases"]} == {
        "A28015865": ("alfa", 3), "B86561412": ("beta", 3)}
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as f:
        assert {r["case"]: r["brand"] for r in csv.DictReader(f)} == {"A28015865": "alfa v3", "B86561412": "beta v3"}
    # --brand sets one brand for every case, over the column: the case whose brand changed is redone
    capsys.readouterr()
    assert main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brands-dir", str(brands),
                 "--workers", "1", "--brand", "beta"]) == 0
    assert "2 of 2 cases done (1 from an earlier run)" in capsys.readouterr().out
    assert "Beta Gestión de Impagados" in pdf_flat((out / "A28015865.pdf").read_bytes())


def test_an_unknown_brand_is_refused_before_rendering(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    brands = write_brands(tmp_path / "brands")
    source, mapping = branded_export(tmp_path / "in", ["alfa", "alfa", ""])
    out = tmp_path / "out"
    base = ["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brands-dir", str(brands)]
    assert main([*base, "--brand", "gamma"]) == 2
    assert "--brand" in capsys.readouterr().err and not out.exists()
    source, mapping = branded_export(tmp_path / "in2", ["alfa", "alfa", "gamma"])
    assert main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brands-dir", str(brands)]) == 2
    err = capsys.readouterr().err
    assert "line 4, Marca: no brand 'gamma'" in " ".join(err.split()) and not out.exists()
    source, mapping = branded_export(tmp_path / "in3", ["", "", ""], default="gamma")
    assert main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brands-dir", str(brands)]) == 2
    assert "mapping.defaults.brand" in capsys.readouterr().err and not out.exists()
    assert main(["batch", str(source), "--mapping", str(mapping), "-o", str(out), "--brand", "Not A Name"]) == 2
    assert "not a brand name" in capsys.readouterr().err
