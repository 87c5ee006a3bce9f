"""The uncollectability report as a tax advisor's dossier (relazione di inesigibilità, informe de
incobrabilidad), built from the case's evidence.

Pure rules over a `Case` (its actions carry the letters' delivery evidence and the searches' results) and
the list of annexes; no database access here. `assessment`, `italy`, `spain`, `costs`, `tax`,
`insolvency` and `evidence` use only `model` and `figures`, so the wording of the report can show them;
`dossier` composes and renders the report (PDF/A-3 with the annexes embedded, or DOCX listing them).
"""
from typing import TYPE_CHECKING

from .assessment import Assessment, assess
from .costs import CostBenefit, cost_benefit
from .grounds import Ground, InvoiceTest, Status
from .insolvency import Filing, filing

if TYPE_CHECKING:  # typed for callers and checkers; imported on first use (the dossier loads WeasyPrint)
    from .dossier import Annex as Annex, compose_report as compose_report, render_report as render_report

__all__ = ["Annex", "Assessment", "CostBenefit", "Filing", "Ground", "InvoiceTest", "Status", "assess",
           "compose_report", "cost_benefit", "filing", "render_report"]


def __getattr__(name: str) -> object:
    if name in ("Annex", "compose_report", "render_report"):
        from . import dossier
        return getattr(dossier, name)
    raise AttributeError(name)
