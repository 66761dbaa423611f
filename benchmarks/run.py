"""Run the benchmarks and write docs/benchmarks.md.

``python -m benchmarks.run [NAME ...]`` runs the named benchmarks (default: all registered in
``BENCHMARKS``). Each benchmark module exposes ``run() -> str`` returning a Markdown section;
the sections are written to docs/benchmarks.md under the command that produced them, with the
date and machine facts, so every number can be reproduced.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS: dict[str, str] = {
    "grammar": "benchmarks.grammar",
    "speech": "benchmarks.speech",
    "autosave": "benchmarks.autosave",
    "ranking": "benchmarks.ranking",
}
"""Benchmark name -> module path (``benchmarks.<name>``) exposing ``run() -> str`` (or
``run_bench() -> str`` where ``run`` is taken by the module's own command line)."""

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    sections = []
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(BENCHMARKS[name])
        entry = getattr(module, "run_bench", None) or module.run
        sections.append(entry())
    header = (
        "# Benchmarks\n\n"
        f"Produced by `make bench` (`{' '.join(['python -m benchmarks.run', *argv])}`)"
        + f" on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n"
        "Numbers compare within one run; this machine is shared and noisy.\n\n"
    )
    if not sections:
        sections = ["No benchmarks are registered yet.\n"]
    OUTPUT.write_text(header + "\n".join(sections))
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
