"""Autosave under load: ``PUT /a/<token>/sections/math/answers/<item>`` on PostgreSQL, with wrk.

Setup: every table of the app is dropped and created again in the bench database
(``SCREENING_BENCH_DATABASE_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:55432/
screening_bench``), then one org and job and ``BENCH_AUTOSAVE_CANDIDATES`` (200) candidates are
made through the services: apply, invite token, eligibility, consents, math attempt started.

Three gunicorn servers on 127.0.0.1, configured alike: the production settings of
``deploy/gunicorn.conf.py`` (``gthread``, start-up objects frozen out of garbage collection) with
``BENCH_AUTOSAVE_WORKERS`` (3) workers × ``BENCH_AUTOSAVE_THREADS`` (4) threads (2 cores, one
worker more than cores so the CPU stays busy while a worker waits on PostgreSQL, threads to
overlap those waits):

* the real app (``screening:create_app()``) in production mode: PostgreSQL, the test Redis
  (``SCREENING_BENCH_REDIS_URL``, default db 15 of 127.0.0.1:56379) and a secret key —
  autosave enqueues nothing and never touches Redis, but this is how it is deployed;
* the ceiling (:mod:`benchmarks.autosave_ceiling`): the app's own upsert statement with
  SQLAlchemy Core and nothing else (``/c/...``), as an endpoint of the real app (same settings
  and middleware: the difference is the autosave endpoint's own work) — the goal is judged
  against it;
* the same endpoint in a bare Flask app, reported beside it: what the app's middleware (cookie
  session, CSRF check, login manager) costs on top.

wrk (``/usr/bin/wrk``) drives each target with the same threads and connections:
a warm-up, then ``ROUNDS`` interleaved rounds (so a burst of other work on this shared machine
hits every target alike); the median round of each measure is reported.
A generated Lua script picks a random (token, item) per request — the requests spread over
200 attempts × 8 items like real traffic; each attempt belongs to one wrk thread, like one
browser per applicant — and sends an increasing ``seq`` (per wrk thread
``base + n × threads + thread``), so every save is an update that wins. Its ``done`` function
prints requests, duration, errors and latency percentiles (p50, p95, p99) as JSON.

Every response must be a 2xx (otherwise the benchmark fails); afterwards the rows in
``responses`` are counted as a check that the writes happened. Returns a Markdown section.
"""

from __future__ import annotations

import functools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench"
DEFAULT_REDIS = "redis://127.0.0.1:56379/15"
ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"

CANDIDATES = int(os.environ.get("BENCH_AUTOSAVE_CANDIDATES", "200"))
SECONDS = int(os.environ.get("BENCH_AUTOSAVE_SECONDS", "20"))
WARMUP_SECONDS = int(os.environ.get("BENCH_AUTOSAVE_WARMUP", "3"))
CONNECTIONS = int(os.environ.get("BENCH_AUTOSAVE_CONNECTIONS", "32"))
WRK_THREADS = int(os.environ.get("BENCH_AUTOSAVE_WRK_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_AUTOSAVE_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_AUTOSAVE_THREADS", "4"))
ROUNDS = 5

GOAL_RPS = 1000.0
GOAL_P95_MS = 50.0
GOAL_RATIO = 0.8

ELIGIBLE = {
    "state": "TX",
    "adult": "yes",
    "evening": "yes",
    "weekend": "yes",
    "weekly_hours": "30",
    "headset": "yes",
    "computer": "windows",
    "download_mbps": "50",
}
"""Eligibility answers that pass the default knockout rules."""


SECRET_KEY = "bench-secret-key-0123456789"
"""The measured servers' secret key."""


@functools.cache
def _session_cookie() -> str:
    """The ``Cookie`` header an applicant's browser sends: the test pages' forms put a CSRF
    token into Flask's signed cookie session, so every autosave carries one. Each server treats
    it as it would a real browser's (the autosave endpoint and the in-app ceiling are served
    without the session, the bare Flask app has no secret key).
    """
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    signer = Flask(__name__)
    signer.secret_key = SECRET_KEY
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    assert serializer is not None
    return f"session={serializer.dumps({'csrf_token': secrets.token_hex(20)})}"


@dataclass(frozen=True)
class Target:
    """A candidate ready to save answers: invite token, attempt id and item ids."""

    token: str
    attempt_id: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: requests per second, latencies in milliseconds, failed requests."""

    rps: float
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def _db_url() -> str:
    return os.environ.get("SCREENING_BENCH_DATABASE_URL") or DEFAULT_URL


def _redis_url() -> str:
    return os.environ.get("SCREENING_BENCH_REDIS_URL") or DEFAULT_REDIS


def _reset_schema(url: str) -> None:
    import screening.models  # noqa: F401
    from screening.db import Base

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()


def _make_targets(url: str, instance: Path, count: int) -> list[Target]:
    """Org, job and ``count`` candidates with a started math attempt, through the services."""
    from screening import create_app
    from screening.config import load_settings
    from screening.db import db
    from screening.queues import ThreadDispatcher
    from screening.services import attempts as attempt_service
    from screening.services import candidates as candidate_service
    from screening.services import consents as consent_service
    from screening.services import eligibility as eligibility_service
    from screening.services.jobs import create_job
    from screening.services.orgs import create_org
    from screening.web.applicant.consent_texts import documents

    env = {"SCREENING_INSTANCE_DIR": str(instance), "SCREENING_SECRET_KEY": SECRET_KEY}
    app = create_app(replace(load_settings(env), database_url=url, periodic_seconds=0))
    targets = []
    try:
        with app.app_context():
            session = db.session
            org = create_org("Bench Org", "bench-org")
            session.commit()
            job = create_job(org, "Bench Agent")
            session.commit()
            docs = documents()
            for n in range(count):
                candidate, _ = candidate_service.apply(
                    job, email=f"bench{n}@example.com", name=f"Bench {n}"
                )
                token = candidate_service.issue_token(candidate)
                session.commit()
                failures = eligibility_service.submit_eligibility(session, candidate, job, ELIGIBLE)
                if failures:
                    raise RuntimeError(f"bench candidate knocked out: {failures}")
                consent_service.give_consents(
                    session, candidate, docs, ip="127.0.0.1", user_agent="bench"
                )
                attempt = attempt_service.start_attempt(session, candidate, "math")
                items = tuple(str(i["id"]) for i in attempt.items["items"])
                targets.append(Target(token, attempt.id, items))
    finally:
        dispatcher = app.extensions["screening.dispatcher"]
        if isinstance(dispatcher, ThreadDispatcher):
            dispatcher.shutdown()
        app.extensions["screening.db"].dispose()
    return targets


LUA = """
local paths_by_thread = {%(paths)s}
local paths = nil
local npaths = 0
local seq_base = %(seq_base)d
local nthreads = %(threads)d
local counter = 0
local next_id = 0
local headers = {["Content-Type"] = "application/json", ["Cookie"] = %(cookie)s}

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

function init(args)
  paths = paths_by_thread[tid + 1]
  npaths = #paths
  math.randomseed(%(seed)d + tid)
end

function request()
  counter = counter + 1
  local seq = seq_base + counter * nthreads + tid
  local body = '{"value": ' .. math.random(0, 1439) .. ', "seq": ' .. seq .. '}'
  return wrk.format("PUT", paths[math.random(npaths)], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua(paths: list[list[str]], seq_base: int) -> str:
    quoted = ", ".join("{" + ", ".join(json.dumps(p) for p in part) + "}" for part in paths)
    return LUA % {
        "paths": quoted,
        "seq_base": seq_base,
        "threads": WRK_THREADS,
        "seed": random.randrange(1, 10**6),
        "cookie": json.dumps(_session_cookie()),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(
    app_spec: str, port: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    args = [
        gunicorn,
        app_spec,
        "--bind",
        f"127.0.0.1:{port}",
        "--config",
        str(GUNICORN_CONF),
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn {app_spec} exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-ready", timeout=2)  # noqa: S310
        except urllib.error.HTTPError:
            return proc  # any HTTP answer (404) means the workers serve
        except OSError:
            time.sleep(0.2)
            continue
        return proc
    _stop_server(proc)
    raise RuntimeError(f"gunicorn {app_spec} did not answer within 60 s: {log.read_text()[-2000:]}")


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the gunicorn master's own process group (it and its workers), then wait."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wrk(port: int, script: Path, seconds: int) -> WrkResult:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    out = subprocess.run(
        [
            wrk,
            "-t",
            str(WRK_THREADS),
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(line[len("BENCH ") :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        requests=data["requests"],
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=errors,
    )


@dataclass
class _Server:
    """A gunicorn server under test and the request paths of one measured target, one list per
    wrk thread (each attempt's paths belong to one thread, like one browser per applicant)."""

    name: str
    port: int
    paths: list[list[str]]
    rounds: list[WrkResult]


class _Seqs:
    """Seq bases for successive wrk runs: each run's seqs exceed every earlier run's, so every
    save wins (one run sends far fewer than ``STEP / threads`` requests per thread)."""

    STEP = 50_000_000

    def __init__(self) -> None:
        self.runs = 0

    def next_base(self) -> int:
        self.runs += 1
        base = self.runs * self.STEP
        if base + self.STEP > 2**31 - 1:
            raise RuntimeError("too many wrk runs for the seq range")
        return base


def _wrk_run(target: _Server, tmp: Path, seqs: _Seqs, seconds: int) -> tuple[WrkResult, int]:
    script = tmp / f"{target.name}-{seqs.runs + 1}.lua"
    base = seqs.next_base()
    script.write_text(_lua(target.paths, base))
    result = _wrk(target.port, script, seconds)
    if result.errors:
        raise RuntimeError(
            f"{target.name}: {result.errors} failed requests of "
            f"{result.requests}; server logs in {tmp}"
        )
    return result, base


def _median(results: list[WrkResult]) -> WrkResult:
    """Per-measure median over rounds (requests: the sum)."""

    def med(values: list[float]) -> float:
        return statistics.median(values)

    return WrkResult(
        rps=med([r.rps for r in results]),
        requests=sum(r.requests for r in results),
        p50_ms=med([r.p50_ms for r in results]),
        p95_ms=med([r.p95_ms for r in results]),
        p99_ms=med([r.p99_ms for r in results]),
        errors=0,
    )


def _count_responses(url: str, low: int, high: int) -> tuple[int, int]:
    """(rows in responses, rows whose ``client_seq`` is in ``[low, high)``)."""
    from screening.models.attempt import Response

    engine = create_engine(url)
    with engine.connect() as conn:
        rows, newer = conn.execute(
            select(
                func.count(),
                func.count().filter(Response.client_seq >= low, Response.client_seq < high),
            )
        ).one()
    engine.dispose()
    return int(rows), int(newer)


def _servers(targets: list[Target], app_port: int, ceiling_port: int,
             bare_port: int) -> list[_Server]:
    """The measured targets, in the order each round runs them (the app last, so the rows it
    wrote in its last round can be counted afterwards)."""
    shares = [targets[n::WRK_THREADS] for n in range(WRK_THREADS)]
    by_id = [[f"/c/{t.attempt_id}/answers/{i}" for t in share for i in t.items]
             for share in shares]
    return [
        _Server("bare", bare_port, by_id, []),
        _Server("ceiling", ceiling_port, by_id, []),
        _Server("app", app_port,
                [[f"/a/{t.token}/sections/math/answers/{i}" for t in share for i in t.items]
                 for share in shares], []),
    ]

def run() -> str:
    url = _db_url()
    started = time.monotonic()
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-autosave-") as tmpdir:
        tmp = Path(tmpdir)
        _reset_schema(url)
        targets = _make_targets(url, tmp / "setup-instance", CANDIDATES)
        setup_s = time.monotonic() - started
        pair_count = sum(len(t.items) for t in targets)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
        app_env = {
            **base_env,
            "SCREENING_DATABASE_URL": url,
            "SCREENING_REDIS_URL": _redis_url(),
            "SCREENING_SECRET_KEY": SECRET_KEY,
            "SCREENING_INSTANCE_DIR": str(tmp / "instance"),
        }
        bare_env = {**base_env, "SCREENING_BENCH_DATABASE_URL": url}
        try:
            app_port, ceiling_port, bare_port = _free_port(), _free_port(), _free_port()
            procs.append(
                _start_server("screening:create_app()", app_port, app_env, tmp / "app.log")
            )
            procs.append(
                _start_server("benchmarks.autosave_ceiling:in_app()", ceiling_port, app_env,
                              tmp / "ceiling.log")
            )
            procs.append(
                _start_server("benchmarks.autosave_ceiling:app", bare_port, bare_env,
                              tmp / "bare.log")
            )
            servers = _servers(targets, app_port, ceiling_port, bare_port)
            seqs = _Seqs()
            for server in servers:
                _wrk_run(server, tmp, seqs, WARMUP_SECONDS)
            last_app_base = 0
            for _ in range(ROUNDS):  # interleaved, so noise from the shared machine hits all
                for server in servers:
                    result, base = _wrk_run(server, tmp, seqs, max(1, SECONDS // ROUNDS))
                    server.rounds.append(result)
                    if server.name == "app":
                        last_app_base = base
        finally:
            for proc in procs:
                _stop_server(proc)
    rows, by_app = _count_responses(url, last_app_base, last_app_base + _Seqs.STEP)
    bare, ceiling, app = (_median(s.rounds) for s in servers)
    last_app = servers[-1].rounds[-1]
    if by_app < min(pair_count, last_app.requests) // 2:
        raise RuntimeError(
            f"only {by_app} of {rows} responses rows carry a seq of the app's last round "
            f"({last_app.requests} requests): its saves did not land"
        )
    ratio = app.rps / ceiling.rps
    bare_ratio = app.rps / bare.rps
    met = app.rps >= GOAL_RPS and app.p95_ms < GOAL_P95_MS and ratio >= GOAL_RATIO
    total_s = time.monotonic() - started

    def row(label: str, r: WrkResult) -> str:
        return (
            f"| {label} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.requests:,} | {r.rps / ceiling.rps:.0%} | {r.rps / bare.rps:.0%} |\n"
        )

    per_round = ", ".join(f"{r.rps:,.0f}" for r in servers[-1].rounds)
    return (
        "## Autosave: `PUT /a/<token>/sections/math/answers/<item>` under load (PostgreSQL)\n\n"
        f"{CANDIDATES} candidates with a started math attempt ({pair_count} (attempt, item) "
        f"pairs), made through the services in {setup_s:.0f} s. Servers: gunicorn with "
        f"`deploy/gunicorn.conf.py` (`gthread`), {WORKERS} workers × {THREADS} threads each, "
        "on 127.0.0.1; the app "
        "(`screening:create_app()`) in production mode (PostgreSQL + Redis, secret key). "
        f"wrk: {WRK_THREADS} threads, {CONNECTIONS} connections, keep-alive; {WARMUP_SECONDS} s "
        f"warm-up per target, then {ROUNDS} interleaved rounds of {SECONDS // ROUNDS} s per "
        "target; the table gives the median round of each measure (requests: the total). Each "
        "request picks a random (token, item) of its wrk thread's attempts, sends an "
        "increasing `seq`, so every save is an update that wins, and carries the signed "
        "session cookie (a CSRF token) that an applicant's browser holds after the test "
        "page.\n\n"
        "Ceiling: an endpoint running only the app's own upsert (`INSERT ... ON CONFLICT DO "
        "UPDATE WHERE client_seq < excluded.client_seq RETURNING id`, a cached `text()` "
        "statement, one statement in autocommit) with SQLAlchemy Core "
        "(`benchmarks/autosave_ceiling.py`), mounted in the real app with the same settings "
        "and registered like the autosave endpoint (no CSRF token, no cookie session), so it "
        "passes through the same middleware, served the same way; the goal is judged against "
        "it. The same endpoint in a bare Flask app is "
        "the last row: the price of the app's middleware. The autosave endpoint adds the body "
        "checks, the token-expiry check and answer validation against the attempt kept in "
        "memory, and the attempt's open/deadline check with a `FOR SHARE` row lock in the same "
        "statement (`screening/services/autosave.py`; the first save per attempt and process "
        "takes the full path: token query, attempt lock, upsert).\n\n"
        "wrk, PostgreSQL (test settings: `fsync=off`, `synchronous_commit=off`) and the servers "
        f"share the machine's {os.cpu_count()} cores. Every response was a 2xx; afterwards "
        f"{by_app} of the {rows} `responses` rows held a save from the app's last round. App "
        f"rounds: {per_round} requests/s. Total run {total_s:.0f} s.\n\n"
        "| server | requests/s | p50 ms | p95 ms | p99 ms | requests | vs ceiling "
        "| vs bare Flask |\n"
        "|---|---|---|---|---|---|---|---|\n"
        + row("**autosave (real app)**", app)
        + row("ceiling: upsert endpoint in the app", ceiling)
        + row("upsert endpoint in a bare Flask app", bare)
        + f"\nGoal: ≥ {GOAL_RPS:,.0f} requests/s with p95 < {GOAL_P95_MS:.0f} ms and ≥ "
        f"{GOAL_RATIO:.0%} of the ceiling — **{'met' if met else 'not met'}** "
        f"(app: {app.rps:,.0f} requests/s, p95 {app.p95_ms:.0f} ms, {ratio:.0%} of the "
        f"ceiling; {bare_ratio:.0%} of the bare Flask app).\n"
    )
