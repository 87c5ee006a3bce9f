"""Campaign benchmark: a CSV export of one-page Spanish first demands through `correspondence batch`,
side by side with plain WeasyPrint on the same HTML, Typst, and docxtpl + LibreOffice; memory over a long
run; Celery with 1 and 2 workers.

    .venv/bin/python bench/campaign.py [--letters 200] [--memory-letters 2000] [--celery amqp://...] [--skip ...]

Every rate is wall-clock throughput of one run on this machine; run it on a quiet machine (`uptime`) and
compare figures from the same invocation only. Each line also gives CPU milliseconds per letter (user +
system of the process and its children), which stays meaningful when other work shares the cores.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bench.cpu import CPU, children_cpu, proc_cpu, process_cpu, rss_kib, tree_cpu  # noqa: E402
from tests.campaign.helpers import ES_HEADER, ES_MAPPING  # noqa: E402

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def export(folder: Path, n: int) -> tuple[Path, Path]:
    """n debtors, one invoice each: a one-page first demand from the creditor itself."""
    rows = [ES_HEADER]
    for i in range(n):
        number = 20000000 + i
        rows.append(f"Deudor {i}, S.L.;{number}{DNI_LETTERS[number % 23]};Calle Mayor {i % 90 + 1};28013;Madrid;"
                    f"Madrid;F-{i};02/03/2026;01/04/2026;{1000 + i},00")
    folder.mkdir(parents=True, exist_ok=True)
    source, mapping = folder / "clientes.csv", folder / "mapping.yaml"
    source.write_bytes(("\r\n".join(rows) + "\r\n").encode("latin-1"))
    mapping.write_text(yaml.safe_dump({**ES_MAPPING, "defaults": {**ES_MAPPING["defaults"], "kind": "first_demand"}},
                                      allow_unicode=True), encoding="utf-8")
    return source, mapping


def cases(source: Path, mapping: Path) -> list:
    from correspondence.campaign import prepare_campaign

    return [d.case for d in prepare_campaign(source, mapping).drafts]


# --- peers -------------------------------------------------------------------------------------------------

def _weasy_cpu(html: str) -> float:
    """CPU seconds of one plain render in the pool process (the pool's own overhead is not counted)."""
    start = process_cpu()
    _weasy_one(html)
    return process_cpu() - start


def _weasy_one(html: str) -> int:
    from weasyprint import HTML

    from correspondence.render.assets import AssetFetcher, shared_dir
    from correspondence.render.pdf import _stylesheet

    fonts, css = _stylesheet()  # parsed once per process, like the project
    return len(HTML(string=html, base_url=(shared_dir() / "layouts").as_uri() + "/", url_fetcher=AssetFetcher())
               .write_pdf(stylesheets=[css], font_config=fonts))


def weasyprint_plain(all_cases: list, workers: int) -> float:
    from correspondence.render import compose_document
    from correspondence.render.pdf import html_for

    htmls = [html_for(compose_document(c)) for c in all_cases]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_weasy_one, htmls[:workers * 2]))  # warm every process
        start = time.perf_counter()
        cpu = sum(pool.map(_weasy_cpu, htmls, chunksize=4))
        rate = len(htmls) / (time.perf_counter() - start)
    CPU("weasyprint", cpu, len(htmls))
    return rate


def _typst_letter(case: object) -> str:
    """Typst source of a one-page letter of comparable content (header, recipient, body, table, signature)."""
    inv = case.claim.invoices[0]
    return (f'#set text(font: "Liberation Serif", size: 10.5pt, lang: "es")\n'
            f"*{case.creditor.name}* \\\n{case.creditor.address.street}, {case.creditor.address.city}\n\n"
            f"#align(right)[{case.debtor.name} \\\n{case.debtor.address.street} \\\n"
            f"{case.debtor.address.postal_code} {case.debtor.address.city}]\n\n"
            f"{case.place}, 23 de noviembre de 2026\n\n*Asunto: recordatorio de pago*\n\n"
            + "Muy señores nuestros: les recordamos que la factura indicada sigue pendiente de pago. " * 6
            + f"\n\n#table(columns: 4, [Factura], [Fecha], [Vencimiento], [Importe],"
              f" [{inv.number}], [{inv.issue_date}], [{inv.due_date}], [{inv.amount} €])\n\n"
            + "Les rogamos que efectúen el pago en el plazo indicado. " * 4
            + f"\n\nAtentamente,\n\n{case.signatory.name}\n")


_PAGE = '#set page(paper: "a4", margin: 2cm)\n'
FONTS = ROOT / "correspondence" / "templates" / "shared" / "fonts"


def _parsed_fonts() -> object:
    """The packaged faces parsed once, for every compile that shares them (as the project's engine does)."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS)])


def typst_per_letter(all_cases: list, runs: int = 50, fonts_once: bool = False) -> float:
    """Median ms per one-page letter of comparable content, warm. As the issue measured it, each
    `typst.compile` is given the font folder and parses its faces again (about three quarters of the time);
    with `fonts_once` the faces are parsed once (`typst.Fonts`) and shared by every compile, as the
    project's Typst engine does."""
    import typst

    fonts: object = _parsed_fonts() if fonts_once else [str(FONTS)]
    times = []
    for case in all_cases[:runs]:
        body = _PAGE + _typst_letter(case)
        start = time.perf_counter()
        typst.compile(body.encode(), font_paths=fonts)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1000


def typst_many_per_compile(all_cases: list, per_compile: int = 10, rounds: int = 5) -> float:
    """ms a letter when `per_compile` letters are laid out as one document (fonts parsed once): what one
    layout pass over many letters costs before splitting it into one PDF per letter (not counted)."""
    import typst

    fonts = _parsed_fonts()
    times = []
    for r in range(rounds):
        chunk = [all_cases[(r * per_compile + i) % len(all_cases)] for i in range(per_compile)]
        body = _PAGE + "\n#pagebreak()\n".join(_typst_letter(c) for c in chunk)
        start = time.perf_counter()
        typst.compile(body.encode(), font_paths=fonts)
        times.append((time.perf_counter() - start) / per_compile)
    times.sort()
    return times[len(times) // 2] * 1000


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright drives it, nothing is downloaded


def _chromium_pages(htmls: list[str], warm: int) -> tuple[float, float, int]:
    """One long-lived headless Chromium (this process's): `warm` letters printed first, then the rest timed;
    returns the timed wall seconds, the CPU seconds of this process, the driver and the browser, and how many
    PDFs were made. Run in one process of a pool of two, so two browsers print side by side."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()

        def one(html: str) -> int:
            page.set_content(html, wait_until="load")
            return len(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))

        for html in htmls[:warm]:
            one(html)
        tree = tree_cpu(os.getpid())
        start = time.perf_counter()
        made = sum(one(h) > 0 for h in htmls[warm:])
        elapsed = time.perf_counter() - start
        used = tree_cpu(os.getpid()) - tree
        browser.close()
    return elapsed, used, made


def chromium_plain(all_cases: list, workers: int) -> float:
    """The project's own HTML, self-contained (`render --format html`: CSS inline, fonts as data: URIs),
    printed by headless Chromium through Playwright: one long-lived browser per process, `workers` processes."""
    from correspondence.render import compose_document
    from correspondence.render.html import render_html

    htmls = [render_html(compose_document(c)).decode("utf-8") for c in all_cases]
    shares = [htmls[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_chromium_pages, shares, [3] * workers))
    made = sum(r[2] for r in results)
    CPU("chromium", sum(r[1] for r in results), made)
    return made / max(r[0] for r in results)


def libreoffice(all_cases: list, folder: Path, n: int, workers: int) -> float:
    """DOCX from the project's Word layout (docxtpl), converted to PDF by headless LibreOffice."""
    from correspondence.render import compose_document, render_docx

    chunks = [folder / f"lo-{w}" for w in range(workers)]
    for i, case in enumerate(all_cases[:n]):
        target = chunks[i % workers] / f"{i}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_docx(compose_document(case)))
    start, cpu = time.perf_counter(), children_cpu()
    procs = [subprocess.Popen(["soffice", f"-env:UserInstallation=file://{c}/profile", "--headless",
                               "--convert-to", "pdf", "--outdir", str(c / "pdf"), *map(str, sorted(c.glob("*.docx")))],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in chunks]
    for p in procs:
        p.wait()
    elapsed = time.perf_counter() - start
    made = sum(len(list((c / "pdf").glob("*.pdf"))) for c in chunks)
    CPU("libreoffice", children_cpu() - cpu, made)
    return made / elapsed


# --- the project -------------------------------------------------------------------------------------------

def project_cli(source: Path, mapping: Path, out: Path, workers: int, env: dict[str, str],
                extra: tuple[str, ...] = (), cpu_name: str = "project") -> float:
    """A whole `correspondence batch` run (start-up, validation, pool, signing, manifest), signed B-B; its
    CPU is the whole process tree's (start-up and the pool included)."""
    cmd = [sys.executable, "-m", "correspondence", "batch", str(source), "--mapping", str(mapping), "-o", str(out),
           "--sign", "--workers", str(workers), *extra]
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    made = len(list(out.glob("*.pdf")))
    CPU(cpu_name, children_cpu() - cpu, made)
    return made / elapsed


def memory(source: Path, mapping: Path, out: Path) -> tuple[int, int, int]:
    """RSS of one process producing every letter (workers=1, signed): after letter 100 and at the end."""
    from correspondence.batch import BatchSigning
    from correspondence.campaign import prepare_campaign, run_campaign
    from correspondence.sign import KeyRecipe, ensure_demo_signer

    p12, password, _ca = ensure_demo_signer(out.parent / "cert")
    samples: list[int] = []
    campaign = prepare_campaign(source, mapping)
    run_campaign(campaign, out, workers=1, signing=BatchSigning(KeyRecipe(p12=p12, password=password)),
                 on_result=lambda _e, _r: samples.append(rss_kib()))
    return samples[99], samples[-1], len(samples)


def celery_rate(source: Path, mapping: Path, folder: Path, workers: int, env: dict[str, str]) -> float:
    """Letters/s of `batch --queue` over `workers` workers (default pool); CPU is the workers' and the coordinator's."""
    env = {**env, "CORRESPONDENCE_QUEUE": f"bench-{os.getpid()}-{workers}"}
    procs = [subprocess.Popen([sys.executable, "-m", "correspondence", "worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        project_cli(source, mapping, folder / f"warm-{workers}", 1, env, ("--queue",))  # workers warm, key loaded
        before = sum(proc_cpu(p.pid) for p in procs)
        rate = project_cli(source, mapping, folder / f"celery-{workers}", 1, env, ("--queue",), f"celery-{workers}")
        made = len(list((folder / f"celery-{workers}").glob("*.pdf")))
        CPU.ms[f"celery-{workers}"] += (sum(proc_cpu(p.pid) for p in procs) - before) / made * 1000
        return rate
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()


# --- the project's Typst engine (`--engine typst`, render/typst.py), run with --typst -----------------------

def typst_engine_per_letter(all_cases: list, runs: int = 50) -> tuple[float, float, float]:
    """Median ms a letter in one warm process: the layout alone (a composed Document -> PDF), the whole
    unsigned `produce` (figures, wording, layout, empty signature field) and the same signed B-B."""
    from correspondence.pipeline import Signing, compose
    from correspondence.render import compose_document
    from correspondence.render.typst import render_typst
    from correspondence.sign import SigningKey, ensure_demo_signer

    p12, password, _ca = ensure_demo_signer(Path(tempfile.mkdtemp()) / "cert")
    signing = Signing(key=SigningKey.from_p12(p12, password))
    sample = all_cases[:runs]
    for case in sample[:3]:  # compiler, fonts and wording templates loaded
        compose(case, engine="typst").sign(signing)

    def median(work: object) -> float:
        times = []
        for case in sample:
            start = time.perf_counter()
            work(case)  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        times.sort()
        return times[len(times) // 2] * 1000

    docs = {id(c): compose_document(c) for c in sample}
    layout = median(lambda c: render_typst(docs[id(c)]))
    unsigned = median(lambda c: compose(c, engine="typst").pdf())
    signed = median(lambda c: compose(c, engine="typst").sign(signing))
    return layout, unsigned, signed


def typst_campaign_pass(all_cases: list, rounds: int = 4, chunk: int = 10) -> dict[tuple[str, bool], tuple[float, float]]:
    """CPU (all threads: Typst lays out on several) and wall ms a letter in one warm process, every letter new
    (Typst memoises: a letter laid out twice is nearly free the second time): `produce_job` letter by letter
    against `produce_jobs` on chunks of `chunk` (one layout pass each, split per letter: render/typst_many.py),
    unsigned and signed B-B, interleaved in `rounds` so that all four see the same load."""
    from correspondence.campaign.branding import case_data
    from correspondence.campaign.production import Job, produce_job, produce_jobs
    from correspondence.pipeline import Signing
    from correspondence.sign import SigningKey, ensure_demo_signer

    p12, password, _ca = ensure_demo_signer(Path(tempfile.mkdtemp()) / "cert")
    signing = Signing(key=SigningKey.from_p12(p12, password))
    jobs = iter([Job(f"d{i}", case_data(c), ("pdf",), True, "fp", (i,), engine="typst")
                 for i, c in enumerate(all_cases)])
    produce_jobs([next(jobs) for _ in range(chunk)], signing)  # both compilers, fonts, wording, stamp warm
    produce_job(next(jobs), signing)
    spent: dict[tuple[str, bool], list[float]] = {}
    for _ in range(rounds):
        for mode in ("one by one", f"{chunk} a pass"):
            for signed in (False, True):
                batch = [next(jobs) for _ in range(chunk)]
                key = signing if signed else None
                cpu, start = process_cpu(), time.perf_counter()
                if mode == "one by one":
                    for job in batch:
                        produce_job(job, key)
                else:
                    produce_jobs(batch, key)
                totals = spent.setdefault((mode, signed), [0.0, 0.0])
                totals[0] += process_cpu() - cpu
                totals[1] += time.perf_counter() - start
    return {k: (cpu / (rounds * chunk) * 1000, wall / (rounds * chunk) * 1000) for k, (cpu, wall) in spent.items()}


def typst_report(source: Path, mapping: Path, folder: Path, all_cases: list, env: dict[str, str]) -> None:
    """The Typst engine beside plain Typst and plain WeasyPrint, in one run."""
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    cpu = process_cpu()
    plain_ms = typst_per_letter(all_cases)
    plain_cpu = (process_cpu() - cpu) / min(len(all_cases), 50) * 1000
    layout, unsigned, signed = typst_engine_per_letter(all_cases)
    print(f"plain Typst, comparable one-page letter, warm: {plain_ms:.1f} ms/letter (median), "
          f"{plain_cpu:.0f} ms CPU/letter (mean)")
    once, many = typst_per_letter(all_cases, fonts_once=True), typst_many_per_compile(all_cases)
    print(f"plain Typst, the same with its fonts parsed once: {once:.1f} ms/letter (median); 10 letters a "
          f"compile: {many:.1f} ms a letter")
    print(f"project --engine typst, one warm process: layout {layout:.1f} ms, produce unsigned {unsigned:.1f} ms "
          f"({unsigned / plain_ms:.1f}x plain Typst), signed B-B {signed:.1f} ms ({signed / plain_ms:.1f}x)")
    rounds = min(4, (len(all_cases) - 50 - 11) // 40)  # letters the measures above laid out are left out
    if rounds > 0:
        passes = typst_campaign_pass(all_cases[50:], rounds=rounds)
        print("project --engine typst, one warm process, new letters, CPU / wall ms a letter: " + "; ".join(
            f"{mode} {'signed' if signed else 'unsigned'} {cpu:.1f} / {wall:.1f}"
            for (mode, signed), (cpu, wall) in passes.items()))
    project_cli(source, mapping, folder / "typst-warm", 2, env, ("--engine", "typst"))
    rate = project_cli(source, mapping, folder / "typst-out", 2, env, ("--engine", "typst"), "project-typst")
    weasy_rate = project_cli(source, mapping, folder / "weasy-out", 2, env)
    plain = weasyprint_plain(all_cases, 2)
    print(f"`batch --engine typst --sign --workers 2`, whole run: {rate:.1f} letters/s, "
          f"{CPU.ms['project-typst']:.0f} ms CPU/letter ({2000 / rate:.0f} ms a letter per worker, "
          f"{2000 / rate / plain_ms:.1f}x plain Typst; by CPU {CPU.ms['project-typst'] / plain_cpu:.1f}x)")
    print(f"  against plain Typst with its fonts parsed once: one warm process {layout / once:.1f}x (layout), "
          f"{unsigned / once:.1f}x (unsigned), {signed / once:.1f}x (signed; signing alone {signed - unsigned:.1f} ms "
          f"= {(signed - unsigned) / once:.1f}x); whole run {2000 / rate / once:.1f}x")
    print(f"`batch --sign --workers 2` (WeasyPrint): {weasy_rate:.1f} letters/s, {CPU.ms['project']:.0f} ms CPU/letter")
    print(f"plain WeasyPrint, 2 processes: {plain:.1f} letters/s, {CPU.ms['weasyprint']:.0f} ms CPU/letter "
          f"(Typst campaign = {rate / plain:.2f}x it, by CPU {CPU.ms['weasyprint'] / CPU.ms['project-typst']:.2f}x; "
          f"WeasyPrint campaign = {weasy_rate / plain:.2f} of it, by CPU "
          f"{CPU.ms['weasyprint'] / CPU.ms['project']:.2f})")
    n = min(len(all_cases), 40)
    if Path(CHROMIUM).exists():
        chrome = chromium_plain(all_cases[:n], 2)
        print(f"headless Chromium, one browser per process, 2 processes, {n} letters: {chrome:.1f} letters/s, "
              f"{CPU.ms['chromium']:.0f} ms CPU/letter (Typst campaign = {rate / chrome:.1f}x it, by CPU "
              f"{CPU.ms['chromium'] / CPU.ms['project-typst']:.1f}x; WeasyPrint campaign = {weasy_rate / chrome:.1f}x, "
              f"by CPU {CPU.ms['chromium'] / CPU.ms['project']:.1f}x)")
    lo = libreoffice(all_cases, folder, n, 2)
    print(f"docxtpl + LibreOffice, 2 soffice processes, {n} letters: {lo:.1f} letters/s, "
          f"{CPU.ms['libreoffice']:.0f} ms CPU/letter (Typst campaign = {rate / lo:.1f}x it, by CPU "
          f"{CPU.ms['libreoffice'] / CPU.ms['project-typst']:.1f}x; WeasyPrint campaign = {weasy_rate / lo:.1f}x, "
          f"by CPU {CPU.ms['libreoffice'] / CPU.ms['project']:.1f}x)")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--memory-letters", type=int, default=2000)
    parser.add_argument("--celery", default="amqp://guest:guest@127.0.0.1:5672//")
    parser.add_argument("--skip", nargs="*", default=[], choices=["peers", "chromium", "libreoffice", "memory", "celery"])
    parser.add_argument("--typst", action="store_true", help="only the project's Typst engine beside its peers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "CORRESPONDENCE_HOME": str(folder / "home"), "CORRESPONDENCE_BROKER_URL": args.celery}
        source, mapping = export(folder / "in", args.letters)
        all_cases = cases(source, mapping)
        if args.typst:
            typst_report(source, mapping, folder, all_cases, env)
            return
        project_cli(source, mapping, folder / "warm", 2, env)  # demo certificate made, page cache warm
        rate = project_cli(source, mapping, folder / "out", 2, env)
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"project, signed B-B, `correspondence batch` CSV -> PDFs, 2 workers: {rate:.1f} letters/s, "
              f"{CPU.ms['project']:.0f} ms CPU/letter (whole run)")
        if "peers" not in args.skip:
            plain = weasyprint_plain(all_cases, 2)
            print(f"plain WeasyPrint, project HTML + CSS parsed once, 2 processes: {plain:.1f} letters/s "
                  f"(project = {rate / plain:.2f} of it), {CPU.ms['weasyprint']:.0f} ms CPU/letter "
                  f"(project = {CPU.ms['weasyprint'] / CPU.ms['project']:.2f} of it by CPU)")
            if Path(CHROMIUM).exists() and "chromium" not in args.skip:
                chrome = chromium_plain(all_cases[:min(args.letters, 40)], 2)
                print(f"headless Chromium (Playwright, one browser per process, 2 processes, warm), project HTML "
                      f"self-contained: {chrome:.1f} letters/s (project = {rate / chrome:.2f}x it), "
                      f"{CPU.ms['chromium']:.0f} ms CPU/letter (project = {CPU.ms['chromium'] / CPU.ms['project']:.2f}x "
                      f"by CPU)")
            typ = typst_per_letter(all_cases)
            print(f"Typst, comparable one-page letter, warm: {typ:.1f} ms/letter "
                  f"(project: {2000 / rate:.0f} ms a letter per worker, {2000 / rate / typ:.1f}x Typst)")
        if "libreoffice" not in args.skip:
            lo = libreoffice(all_cases, folder, min(args.letters, 40), 2)
            print(f"docxtpl + LibreOffice (2 soffice processes, {min(args.letters, 40)} letters): {lo:.1f} letters/s "
                  f"(project = {rate / lo:.1f}x), {CPU.ms['libreoffice']:.0f} ms CPU/letter "
                  f"(project = {CPU.ms['libreoffice'] / CPU.ms['project']:.1f}x by CPU)")
        if "memory" not in args.skip:
            msource, mmapping = export(folder / "mem", args.memory_letters)
            first, last, n = memory(msource, mmapping, folder / "mem-out")
            print(f"memory, one process, {n} signed letters: RSS {first / 1024:.0f} MiB after 100, "
                  f"{last / 1024:.0f} MiB at the end ({(last - first) / first * 100:+.1f} %)")
        if "celery" not in args.skip:
            one = celery_rate(source, mapping, folder, 1, env)
            two = celery_rate(source, mapping, folder, 2, env)
            print(f"Celery ({args.celery.split(':')[0]}), workers (threads pool): 1 -> {one:.1f} letters/s, 2 -> {two:.1f} "
                  f"letters/s ({two / one:.2f}x); CPU/letter 1 -> {CPU.ms['celery-1']:.0f} ms, 2 -> "
                  f"{CPU.ms['celery-2']:.0f} ms (workers + coordinator)")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
