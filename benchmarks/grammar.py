"""LanguageTool latency and throughput for a 150-word customer reply (warm server).

Latency: one client, sequential checks, p50/p95 (ms). Throughput: N worker processes (1 and 2,
the way RQ workers would run them) each checking replies for a fixed time; checks per second.
Each check uses a slightly different text (a counter appended) so the server's result cache
does not answer for it.
"""

from __future__ import annotations

import os
import statistics
import time
from multiprocessing import Pool

from screening.grammar import check_and_score

REPLY = (
    "Dear Ms. Johnson, thank you for contacting us about your recent order. I am sorry to hear "
    "that the package arrived damaged. I have reviewed your account and arranged for a "
    "replacement to be shipped today at no additional cost. You should receive a confirmation "
    "email with the new tracking number within the next hour. There is no need to return the "
    "damaged item; please feel free to recycle it. If the replacement does not arrive by "
    "Friday, or if anything else is not right, simply reply to this message and I will make "
    "sure it is resolved quickly. We appreciate your patience and your business, and we "
    "value you as a customer. Our team is available every day from eight in the morning until "
    "ten at night if you would rather speak with someone. Have a wonderful day. Kind regards, "
    "Daniel Carter, Customer Support Team."
)
SECONDS = float(os.environ.get("BENCH_GRAMMAR_SECONDS", "15"))


def _url() -> str:
    url = os.environ.get("SCREENING_LANGUAGETOOL_URL")
    if not url:
        raise SystemExit("SCREENING_LANGUAGETOOL_URL is not set (make bench starts LanguageTool)")
    return url


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _worker(args: tuple[str, int, float]) -> int:
    url, worker_id, seconds = args
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check_and_score(f"{REPLY} Ref {worker_id}-{done}.", url=url)
        done += 1
    return done


def _throughput(url: str, workers: int) -> float:
    with Pool(workers) as pool:
        started = time.monotonic()
        counts = pool.map(_worker, [(url, i, SECONDS) for i in range(workers)])
        elapsed = time.monotonic() - started
    return sum(counts) / elapsed


def run() -> str:
    url = _url()
    words = len(REPLY.split())
    for i in range(5):  # warm the server's English pipeline and the client
        check_and_score(f"{REPLY} Warm {i}.", url=url)
    latencies = []
    for i in range(60):
        started = time.perf_counter()
        check_and_score(f"{REPLY} Case {i}.", url=url)
        latencies.append((time.perf_counter() - started) * 1000)
    one = _throughput(url, 1)
    two = _throughput(url, 2)
    return (
        "## Grammar: LanguageTool check of a customer reply\n\n"
        f"Text: {words} words; LanguageTool at {url} (2 check threads, warm). "
        f"Throughput runs {SECONDS:.0f} s per setting.\n\n"
        "| measure | value |\n|---|---|\n"
        f"| latency p50 (60 sequential checks) | {statistics.median(latencies):.0f} ms |\n"
        f"| latency p95 | {_percentile(latencies, 95):.0f} ms |\n"
        f"| throughput, 1 worker process | {one:.1f} checks/s |\n"
        f"| throughput, 2 worker processes | {two:.1f} checks/s ({two / one:.2f}× one) |\n"
    )
