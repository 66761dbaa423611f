"""Connections to systems outside the product: outbound webhooks, background-check
providers and the Greenhouse Assessment Partner contract.

This floor sits under ``services/``: it may use ``config``, ``models`` and the pure
foundations, never Flask views or jobs.
"""
