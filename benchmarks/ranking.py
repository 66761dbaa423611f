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
