"""The library inside a running event loop (as in FastAPI): async API works, the sync one refuses."""
from __future__ import annotations

import asyncio

import pytest

from correspondence.sign import (SignOptions, SigningKey, StampSpec, async_sign_p7m, async_sign_pdf, async_verify_file,
                                 async_verify_pdf, sign_pdf)
from conftest import P12_PASSWORD


def test_async_signing_in_running_loop(pki, letter):
    key = SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)
    opts = SignOptions(level="B-LT", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,),
                       stamp=StampSpec(box=(335, 40, 560, 110)))

    async def scenario():
        with pytest.raises(RuntimeError, match="async"):
            sign_pdf(key, letter, opts)
        signed = await asyncio.gather(*(async_sign_pdf(key, letter, opts) for _ in range(3)))
        reports = [await async_verify_pdf(s, [pki.root_pem], allow_fetching=False) for s in signed]
        p7m = await async_sign_p7m(key, b"allegato")
        return reports, await async_verify_file(p7m, [pki.root_pem])

    reports, p7m_report = asyncio.run(scenario())
    assert all(r.valid and r.signatures[0].level == "B-LT" for r in reports), [r.summary() for r in reports]
    assert p7m_report.valid and p7m_report.content == b"allegato"
