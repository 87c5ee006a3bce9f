"""Page counts of one-invoice reminders over kind x tone x credit type x debtor type (issue 12 item 25).

    .venv/bin/python bench/pages.py [--docx] [it|es ...]

Prints, per language, how many first and second demands with one invoice fit on one page, and the
combinations that do not (with how many characters spill onto the last page). With `--docx` it counts the
DOCX pages as LibreOffice lays them out (every DOCX converted to PDF by one `soffice` run, with the fonts the
DOCX embeds), each DOCX taking the layout its PDF took.
"""
from __future__ import annotations

import collections
import io
import itertools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdf  # noqa: E402

from correspondence.casefile import build_case  # noqa: E402
from correspondence.model import CreditType, DebtorType, DocumentKind, Tone  # noqa: E402
from correspondence.render import compose_document, render_docx, render_pdf  # noqa: E402
from tests.casedata import CONSUMER_TAX_IDS, example  # noqa: E402


def main(languages: list[str], *, docx: bool = False) -> None:
    for lang in languages:
        counts: collections.Counter[int] = collections.Counter()
        spill = []
        docx_files: dict[str, bytes] = {}
        for kind, tone, ct, dt in itertools.product((DocumentKind.first_demand, DocumentKind.second_demand), Tone,
                                                    CreditType, DebtorType):
            changes = {"kind": kind.value, "tone": tone.value, "credit_type": ct.value, "debtor__type": dt.value}
            if dt is DebtorType.consumer:
                changes["debtor__tax_id"] = CONSUMER_TAX_IDS[lang]
            data = example(lang, **changes)
            data["claim"]["invoices"] = data["claim"]["invoices"][:1]
            data["claim"]["payments"] = []
            doc = compose_document(build_case(data))
            rendered = render_pdf(doc)
            name = f"{kind.value} {tone.value} {ct.value} {dt.value}"
            if docx:
                docx_files[name] = render_docx(doc, compact=rendered.compact)
            counts[rendered.pages] += 1
            if rendered.pages > 1:
                last = pypdf.PdfReader(io.BytesIO(rendered.data)).pages[-1].extract_text()
                spill.append(f"{name}: {len(last)} chars on the last page")
        print(f"{lang}: {counts[1]} of {sum(counts.values())} one-invoice reminders on one page {dict(counts)}")
        for line in spill:
            print("   ", line)
        if docx:
            _docx_pages(lang, docx_files)


def _docx_pages(lang: str, files: dict[str, bytes]) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("--docx needs LibreOffice (soffice) on the PATH")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = {}
        for i, (name, data) in enumerate(files.items()):
            paths[name] = folder / f"{i:03d}.docx"
            paths[name].write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), *map(str, paths.values())],
                       check=True, capture_output=True)
        counts: collections.Counter[int] = collections.Counter()
        spill = []
        for name, path in paths.items():
            reader = pypdf.PdfReader(str(path.with_suffix(".pdf")))
            counts[len(reader.pages)] += 1
            if len(reader.pages) > 1:
                spill.append(f"{name}: {len(reader.pages[-1].extract_text())} chars on the last page")
    print(f"{lang} DOCX (LibreOffice): {counts[1]} of {sum(counts.values())} on one page {dict(counts)}")
    for line in spill:
        print("   ", line)


if __name__ == "__main__":
    args = sys.argv[1:]
    main([a for a in args if a != "--docx"] or ["it", "es"], docx="--docx" in args)
