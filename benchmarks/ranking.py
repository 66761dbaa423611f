"""Speed of the recruiter's ranked list on PostgreSQL with N candidates in one organization.

Usage::

    python benchmarks/ranking.py --url postgresql+psycopg://postgres@127.0.0.1:55432/bench \
        [--candidates 100000] [--runs 5] [--explain]

The database named in ``--url`` is emptied (every table of the app dropped and created again),
then filled with generated rows in SQL (``generate_series``): one organization with two jobs and
N candidates, 90 % with a scorecard, four section scores each (10 % of voice pending), 20 % with a
background check, plus a second organization of N/10 candidates that the list must never
show. Prints one JSON object: per query the median and max milliseconds of ``page()`` (count
plus one page of 50 rows with their section scores) and, with ``--explain``, the plan of the
list query.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import screening.models  # noqa: E402,F401
from screening.db import Base  # noqa: E402
from screening.services import ranking_queries  # noqa: E402
from screening.services.ranking_queries import CandidateFilters  # noqa: E402

SEED_SQL = """
INSERT INTO organizations (id, name, slug, created_at) VALUES
  (1, 'Bench', 'bench', now()), (2, 'Other', 'other', now());
INSERT INTO jobs (id, org_id, slug, title, description, pay_model, pay_text, language, status,
                  profile, created_at, updated_at)
SELECT j, CASE WHEN j = 3 THEN 2 ELSE 1 END, 'job-' || j, 'Job ' || j, '', 'hourly', '', 'en-US',
       'open', '{}'::jsonb, now(), now() FROM generate_series(1, 3) AS j;
INSERT INTO candidates (id, org_id, job_id, email, name, state, stage, source,
                        accommodation_factor, accommodation_requested, knocked_out,
                        applied_at, updated_at)
SELECT i, CASE WHEN i > :n THEN 2 ELSE 1 END,
       CASE WHEN i > :n THEN 3 ELSE 1 + (i % 2) END,
       'applicant' || i || '@example.com', 'Applicant ' || i,
       (ARRAY['TX','CA','FL','NY','GA','OH','AZ','NC'])[1 + (i % 8)],
       (ARRAY['applied','assessing','scored','interview','offer','hired','rejected',
              'withdrawn'])[1 + ((i * 7) % 8)],
       'apply_link', 1.0, false, false,
       now() - make_interval(mins => i), now()
FROM generate_series(1, :n + :n / 10) AS i;
INSERT INTO scorecards (candidate_id, org_id, job_id, composite, percentile, rank,
                        recommendation, complete, flagged, computed_at)
SELECT c.id, c.org_id, c.job_id, s.v, s.v, NULL,
       CASE WHEN s.v >= 75 THEN 'advance' WHEN s.v >= 55 THEN 'review' ELSE 'reject' END,
       true, c.id % 23 = 0, now()
FROM candidates c, LATERAL (SELECT round(((c.id * 37) % 1000) / 10.0, 1) AS v) s
WHERE c.id % 10 <> 0;
INSERT INTO section_scores (candidate_id, section, status, score)
SELECT c.id, sec, 'scored',
       CASE WHEN sec = 'voice' AND c.id % 10 = 3 THEN NULL
            ELSE ((c.id * (1 + length(sec))) % 101)::float END
FROM candidates c, unnest(ARRAY['typing','grammar','math','voice']) AS sec;
INSERT INTO background_checks (candidate_id, check_type, provider, status, payer, fee_cents,
                               created_at)
SELECT id, 'criminal', 'manual',
       (ARRAY['invited','pending','complete','canceled'])[1 + (id % 4)], 'company', 0, now()
FROM candidates WHERE id % 5 = 0;
SELECT setval(pg_get_serial_sequence('candidates', 'id'), (SELECT max(id) FROM candidates));
"""

QUERIES: dict[str, dict[str, str]] = {
    "default (composite desc)": {},
    "composite asc, page 100": {"dir": "asc", "page": "100"},
    "job + stage": {"job": "2", "stage": "interview"},
    "state TX, typing desc": {"state": "TX", "sort": "typing"},
    "voice asc": {"sort": "voice", "dir": "asc"},
    "applied desc": {"sort": "applied"},
    "recommendation advance + flagged": {"recommendation": "advance", "flagged": "yes"},
    "background check pending": {"bg": "pending"},
    "background check not_started": {"bg": "not_started"},
    "search 'applicant12345'": {"q": "applicant12345"},
}


def seed(url: str, n: int) -> None:
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for statement in SEED_SQL.split(";\n"):
            if statement.strip():
                conn.execute(text(statement), {"n": n})
        conn.execute(text("ANALYZE"))
    engine.dispose()


def run(url: str, runs: int, explain: bool) -> dict[str, Any]:
    engine = create_engine(url)
    results: dict[str, Any] = {}
    with Session(engine) as session:
        for name, args in QUERIES.items():
            filters = CandidateFilters.from_args(args)
            number = int(args.get("page", "1"))
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                page = ranking_queries.page(session, 1, filters, number)
                times.append((time.perf_counter() - start) * 1000)
                session.rollback()
            assert all(r.candidate.org_id == 1 for r in page.rows)
            entry: dict[str, Any] = {"median_ms": round(statistics.median(times), 1),
                                     "max_ms": round(max(times), 1), "total": page.total}
            if explain:
                stmt = ranking_queries.filtered_query(1, filters).limit(50).offset(
                    (number - 1) * 50)
                compiled = stmt.compile(dialect=session.get_bind().dialect)
                plan = session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, COSTS OFF) " + str(compiled), compiled.params)
                entry["plan"] = [row[0] for row in plan]
                session.rollback()
            results[name] = entry
    engine.dispose()
    return results


BENCH_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench"
PAGE_RUNS = 20
EXPORT_RUNS = 3


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def http_timings(url: str) -> dict[str, dict[str, float]]:
    """Server time (ms) of the ranked-list page and the CSV export through the whole Flask stack
    (routing, login, query, template or CSV streaming), as a logged-in admin of org 1."""
    import tempfile
    from dataclasses import replace

    from screening import create_app
    from screening.config import load_settings
    from screening.db import db
    from screening.models.org import Organization
    from screening.services.orgs import create_user

    instance = tempfile.mkdtemp(prefix="bench-ranking-")
    settings = replace(
        load_settings({"SCREENING_INSTANCE_DIR": instance,
                       "SCREENING_SECRET_KEY": "bench-secret-key-0123456789"}),
        database_url=url, periodic_seconds=0)
    app = create_app(settings)
    app.config.update(WTF_CSRF_ENABLED=False)
    with app.app_context():
        org = db.session.get(Organization, 1)
        assert org is not None
        create_user(org, "bench@example.com", "Bench Admin", "bench-password-1", "admin")
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.com",
                                           "password": "bench-password-1"})
    assert response.status_code == 302, response.status_code
    results: dict[str, dict[str, float]] = {}
    cases = {f"list: {name}": ("/recruiter/candidates", args, PAGE_RUNS)
             for name, args in QUERIES.items()}
    cases["CSV export: every candidate of the org"] = ("/recruiter/candidates.csv", {}, EXPORT_RUNS)
    cases["CSV export: state TX"] = ("/recruiter/candidates.csv", {"state": "TX"}, EXPORT_RUNS)
    for name, (path, args, runs) in cases.items():
        times = []
        rows = 0
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path, query_string=args)
            body = response.get_data()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            rows = body.count(b"\n") - 1 if path.endswith(".csv") else 0
        results[name] = {"p50": statistics.median(times), "p95": _percentile(times, 95),
                         "runs": runs, "rows": rows}
    app.extensions["screening.db"].dispose()
    return results


def run_bench() -> str:
    """``make bench`` entry: seed 100,000 candidates and time the pages (Markdown section)."""
    import os

    url = os.environ.get("SCREENING_BENCH_DATABASE_URL", BENCH_URL)
    n = int(os.environ.get("BENCH_CANDIDATES", "100000"))
    started = time.perf_counter()
    seed(url, n)
    seed_s = time.perf_counter() - started
    timings = http_timings(url)
    lines = [
        "## Recruiter ranked list and CSV export (PostgreSQL)\n",
        f"{n:,} candidates in the organization (+{n // 10:,} in another), 90 % scored, four "
        f"section scores each, 20 % with a background check; seeded in {seed_s:.0f} s. "
        "Server time through the Flask test client (routing, session, query, rendering), "
        f"{PAGE_RUNS} requests per list query, {EXPORT_RUNS} per export.\n",
        "| request | p50 ms | p95 ms | rows |",
        "|---|---|---|---|",
    ]
    for name, t in timings.items():
        rows = f"{int(t['rows']):,}" if t["rows"] else ""
        lines.append(f"| {name} | {t['p50']:.0f} | {t['p95']:.0f} | {rows} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="PostgreSQL URL of a database to fill")
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-seed", action="store_true", help="reuse the rows already there")
    args = parser.parse_args()
    started = time.perf_counter()
    if not args.no_seed:
        seed(args.url, args.candidates)
    seeded_s = round(time.perf_counter() - started, 1)
    print(json.dumps({"candidates": args.candidates, "seed_s": seeded_s,
                      "queries": run(args.url, args.runs, args.explain)}, indent=2))


if __name__ == "__main__":
    main()
