"""What one case may hold. A case is one debtor's file: these bounds are far above real files (a busy
utility account has a few hundred invoices) and keep a single request from occupying a renderer for
minutes. Over a limit the input is refused with 422 naming the field (README, "Limits")."""
from __future__ import annotations

MAX_INVOICES = 500
MAX_PAYMENTS = 1000  # in the case file, and again for payments recorded later through the API
MAX_COSTS = 100
MAX_ACTIONS = 1000  # likewise for actions recorded later
