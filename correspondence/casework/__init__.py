"""Casework: the use cases over the data path (open a case, amend it, record a payment or an action, render
and sign a document, open a dispatch, attach a receipt, the timeline, the next step).

Each use case is one function that owns its transaction; the CLI, the API, the demo and batch jobs call only
this layer. `store/` persists, `figures/` and `dispatch/` hold the pure rules.

Modules: `cases` (open, amend, payments, actions), `standing` (the case as it stands now), `documents`
(render once, sign those bytes, upload), `dispatches` (open a dispatch, carrier events, receipts), `steps`
(phase and next step).
"""
