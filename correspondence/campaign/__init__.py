"""Campaigns from an accounting export: CSV/XLSX rows -> one case per debtor and credit -> letters,
with a manifest, resumable runs, and a local pool or Celery workers (see README, "Campaigns")."""
from .grouping import CaseDraft, RowError
from .mapping import Mapping, load_mapping
from .run import Campaign, CampaignResult, prepare_campaign, run_campaign
from .template import write_template

__all__ = ["Campaign", "CampaignResult", "CaseDraft", "Mapping", "RowError", "load_mapping", "prepare_campaign",
           "run_campaign", "write_template"]
