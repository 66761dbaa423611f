"""Background checks: pure domain rules (Checkr status model, FCRA order, who pays), the
Checkr webhook signature helper, and — for tests only — a local stand-in for Checkr's API
(:mod:`screening.background_checks.checkr_stub`).

Nothing here touches Flask or the database except the stub, which is never imported by the
product code.
"""
