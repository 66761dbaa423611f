"""Reproducible speed and load measurements (``make bench``); results in docs/benchmarks.md."""
