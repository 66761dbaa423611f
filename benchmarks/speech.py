"""Speech: Whisper engines side by side, and one 60-second answer from upload to stored score.

Engines. Each engine configuration (faster-whisper int8 and float32 with the bundled tiny.en;
openai-whisper when it is installed) runs in its own freshly spawned process, so its peak
memory (``ru_maxrss`` of that process, MiB) is not mixed with another's. In that process:
model load time (s), one untimed warm-up transcription (its time is reported as "first call"),
then the five LibriVox sentences one by one and the 60 s answer, timed (wall clock). Real-time
factor (RTF) = wall time / audio duration (lower is faster; 0.1 = ten times faster than real
time). WER is over all five sentences together against their reference transcripts
(normalised as the product does, :func:`screening.scoring.speech.word_error_rate`).

Clips. The five read LibriVox sentences of Debian's ``pocketsphinx-testdata`` (fetched by
``scripts/fetch-test-audio.sh``; 16 kHz mono, about 25 s in all) and a 60 s answer built from
them: the sentences in order, again and again, with 0.8 s pauses, until the next one would not
fit, then silence up to 60.0 s. Real speech, but read, and repeated.

End to end. Production mode on the real services: PostgreSQL (``SCREENING_BENCH_DATABASE_URL``,
default ``postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench``, tables dropped and
created) and Redis (``SCREENING_BENCH_REDIS_URL``, default ``redis://127.0.0.1:56379/3``,
flushed). A warm RQ ``SimpleWorker`` on the ``audio`` queue runs in its own process: it has
loaded the model (default settings: faster-whisper int8, bundled tiny.en) and transcribed one
clip before the first timed run. Each run: a new applicant with a started voice attempt
(untimed), then the timer covers ``POST /a/<token>/voice/<scenario prompt>`` with the 60 s
answer as WebM/Opus (what browsers record) until the sample row is ``transcribed`` with its
score in ``metrics`` (polled every 20 ms). Three runs; median and each run.

Timing on a shared machine is noisy: every configuration transcribes the clips and the answer
``BENCH_SPEECH_PASSES`` times (default 2) and the fastest pass is reported (each pass is listed
too); the load average is printed before and after. The model files are read once before the
first configuration so no load time includes a cold disk read.

Environment: ``BENCH_SPEECH_E2E_RUNS`` (default 3), ``BENCH_SPEECH_PASSES`` (default 2).
"""

from __future__ import annotations

import importlib.util
import io
import multiprocessing as mp
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
FETCH_SCRIPT = ROOT / "scripts" / "fetch-test-audio.sh"
SAMPLE_RATE = 16_000
ANSWER_SECONDS = 60.0
PAUSE_SECONDS = 0.8
E2E_RUNS = int(os.environ.get("BENCH_SPEECH_E2E_RUNS", "3"))
PASSES = int(os.environ.get("BENCH_SPEECH_PASSES", "2"))
E2E_TIMEOUT_S = 180.0
POLL_S = 0.02
DEFAULT_DB_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/screening_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:56379/3"
CONFIGS: tuple[tuple[str, str], ...] = (
    ("faster-whisper", "int8"),
    ("faster-whisper", "float32"),
    ("openai-whisper", "float32"),
)
"""(engine, compute type) pairs; openai-whisper always runs in float32 on CPU."""

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Clip:
    """A recording (mono 16 kHz float32) and what is said in it."""

    name: str
    samples: Samples
    reference: str

    @property
    def seconds(self) -> float:
        return self.samples.size / SAMPLE_RATE


# --------------------------------------------------------------------------- clips


def librivox_folder() -> Path:
    """The LibriVox test folder, fetched by ``scripts/fetch-test-audio.sh`` when missing."""
    env = dict(os.environ)
    env.setdefault("SCREENING_CACHE_DIR", str(ROOT / ".cache"))
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        ["bash", str(FETCH_SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"scripts/fetch-test-audio.sh failed:\n{result.stderr.strip()}")
    data = Path(result.stdout.strip().splitlines()[-1])
    return (data if data.is_absolute() else ROOT / data) / "librivox"


def load_librivox() -> list[Clip]:
    """The five LibriVox sentences with their reference transcripts, sorted by name."""
    from screening.speech.audio import decode_audio_file

    folder = librivox_folder()
    text = (folder / "transcription").read_text(encoding="utf-8")
    refs = {m.group(2): m.group(1).strip()
            for m in re.finditer(r"<s>(.*?)</s>\s*\(([^)]+)\)", text)}
    clips = [
        Clip(name, decode_audio_file(folder / f"{name}.wav", max_bytes=None, max_seconds=None,
                                     silence_dbfs=None).samples, ref)
        for name, ref in sorted(refs.items())
    ]
    if len(clips) != 5:
        raise SystemExit(f"expected 5 LibriVox clips in {folder}, found {len(clips)}")
    return clips


def build_answer(clips: list[Clip], seconds: float = ANSWER_SECONDS,
                 pause_s: float = PAUSE_SECONDS) -> Clip:
    """``seconds`` of real speech: ``clips`` in order, repeated, ``pause_s`` of silence after
    each, stopping before a clip that would not fit; padded with silence to exactly
    ``seconds``. The reference is the concatenation of the clips' references."""
    total = int(seconds * SAMPLE_RATE)
    pause = np.zeros(int(pause_s * SAMPLE_RATE), dtype=np.float32)
    parts: list[Samples] = []
    refs: list[str] = []
    used = 0
    i = 0
    while True:
        clip = clips[i % len(clips)]
        if used + clip.samples.size > total:
            break
        parts.append(clip.samples)
        refs.append(clip.reference)
        used += clip.samples.size
        if used + pause.size <= total:
            parts.append(pause)
            used += pause.size
        i += 1
    parts.append(np.zeros(total - used, dtype=np.float32))
    return Clip(f"{len(refs)} sentences", np.concatenate(parts), " ".join(refs))


def webm_opus(samples: Samples) -> bytes:
    """Encode mono 16 kHz ``samples`` as Chrome's MediaRecorder does: WebM, Opus at 48 kHz."""
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="webm") as out:
        stream = out.add_stream("libopus", rate=48_000, layout="mono")
        assert isinstance(stream, av.AudioStream)
        formats = stream.codec_context.codec.audio_formats
        resampler = av.AudioResampler(format=formats[0].name if formats else "flt",
                                      layout="mono", rate=48_000)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1), format="flt",
            layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


# --------------------------------------------------------------------------- engines


def _maxrss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_engine(name: str, compute_type: str, clips: list[Clip],
                    answer: Clip) -> dict[str, Any]:
    """Runs in a fresh spawned process: load, warm up, time every clip. Returns the numbers
    (or ``{"error": message}`` when the engine cannot be created)."""
    from screening.scoring.speech import word_error_rate
    from screening.speech.engines import EngineError, get_engine

    rss_base = _maxrss_mib()
    started = time.perf_counter()
    try:
        engine = get_engine(name, None, compute_type)
    except EngineError as exc:
        return {"error": str(exc)}
    load_s = time.perf_counter() - started
    rss_loaded = _maxrss_mib()
    started = time.perf_counter()
    engine.transcribe(clips[0].samples)
    first_s = time.perf_counter() - started
    clip_passes: list[float] = []
    answer_passes: list[float] = []
    hyps: list[str] = []
    answer_text = ""
    for _ in range(PASSES):
        hyps = []
        clip_s = 0.0
        for clip in clips:
            started = time.perf_counter()
            hyps.append(engine.transcribe(clip.samples).text)
            clip_s += time.perf_counter() - started
        clip_passes.append(clip_s)
        started = time.perf_counter()
        answer_text = engine.transcribe(answer.samples).text
        answer_passes.append(time.perf_counter() - started)
    wer = word_error_rate(" ".join(c.reference for c in clips), " ".join(hyps))
    answer_wer = word_error_rate(answer.reference, answer_text)
    return {
        "model": engine.model,
        "load_s": load_s,
        "first_s": first_s,
        "clips_s": min(clip_passes),
        "answer_s": min(answer_passes),
        "clip_passes": clip_passes,
        "answer_passes": answer_passes,
        "wer": wer.wer,
        "ref_words": wer.reference_words,
        "answer_wer": answer_wer.wer,
        "rss_base": rss_base,
        "rss_loaded": rss_loaded,
        "rss_peak": _maxrss_mib(),
    }


def _read_model_files() -> None:
    """Read the bundled model's files once, so every load below finds them in the page cache
    (otherwise the first configuration's load time includes a cold disk read)."""
    from screening.speech.engines import resolve_faster_whisper_model

    folder, _label = resolve_faster_whisper_model(None)
    for path in Path(folder).iterdir():
        if path.is_file():
            with path.open("rb") as fh:
                while fh.read(1 << 22):
                    pass


def measure_engines(clips: list[Clip], answer: Clip) -> list[tuple[str, str, dict[str, Any]]]:
    """One spawned process per configuration, one after the other (never two at once)."""
    _read_model_files()
    ctx = mp.get_context("spawn")
    rows = []
    for name, compute_type in CONFIGS:
        if name == "openai-whisper" and importlib.util.find_spec("whisper") is None:
            rows.append((name, compute_type, {"error": "not installed"}))
            continue
        print(f"   {name} {compute_type}", flush=True)
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            result = pool.submit(_measure_engine, name, compute_type, clips, answer).result()
        rows.append((name, compute_type, result))
    return rows


# --------------------------------------------------------------------------- end to end


def _worker_main(settings: Any, warm_samples: Samples, ready: Event) -> None:
    """A warm RQ worker on the ``audio`` queue (runs in its own process until SIGTERM)."""
    import logging

    from rq import SimpleWorker

    from screening import create_app
    from screening.jobs import set_worker_app
    from screening.queues import RQDispatcher
    from screening.speech.engines import get_engine

    logging.basicConfig(level=logging.WARNING)
    app = create_app(settings)
    set_worker_app(app)
    engine = get_engine(settings.whisper_engine, settings.whisper_model or None,
                        settings.whisper_compute_type)
    engine.transcribe(warm_samples)
    dispatcher = app.extensions["screening.dispatcher"]
    assert isinstance(dispatcher, RQDispatcher)
    worker = SimpleWorker([dispatcher.queue("audio")], connection=dispatcher.connection)
    ready.set()
    worker.work(burst=False, logging_level="WARNING")


def _prepare_services(db_url: str, redis_url: str) -> None:
    from redis import Redis
    from sqlalchemy import create_engine, text

    import screening.models  # noqa: F401  (registers every table)
    from screening.db import Base

    Redis.from_url(redis_url).flushdb()
    engine = create_engine(db_url)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    engine.dispose()


def _new_applicant(n: int) -> tuple[str, str]:
    """(invite token, scenario prompt id) of a new eligible, consenting applicant with a
    started voice attempt. Needs an app context."""
    from screening.db import db
    from screening.services import candidates as candidate_service
    from screening.services.attempts import start_attempt
    from screening.services.consents import give_consents
    from screening.services.jobs import create_job
    from screening.services.orgs import create_org
    from screening.web.applicant.consent_texts import documents

    org = create_org(f"Bench org {n}", f"bench-org-{n}")
    db.session.commit()
    job = create_job(org, f"Bench agent {n}")
    db.session.commit()
    candidate, _ = candidate_service.apply(job, email=f"bench{n}@example.com",
                                           name=f"Bench applicant {n}")
    candidate.eligibility = {"answers": {"age_ok": True}}
    db.session.commit()
    give_consents(db.session, candidate, documents(), ip=None, user_agent=None)
    token = candidate_service.issue_token(candidate)
    db.session.commit()
    attempt = start_attempt(db.session, candidate, "voice")
    scenarios = [i["id"] for i in attempt.items["items"] if i["kind"] == "scenario"]
    db.session.commit()
    return token, scenarios[0]


def _wait_scored(sample_id: int, started: float) -> float:
    """Seconds from ``started`` until the sample is transcribed with a stored score."""
    from screening.db import db
    from screening.models.voice import VoiceSample

    while time.perf_counter() - started < E2E_TIMEOUT_S:
        db.session.rollback()
        sample = db.session.get(VoiceSample, sample_id)
        assert sample is not None
        if sample.status == "failed":
            raise RuntimeError(f"sample {sample_id} failed: {sample.error}")
        if sample.status == "transcribed" and (sample.metrics or {}).get("score") is not None:
            return time.perf_counter() - started
        time.sleep(POLL_S)
    raise RuntimeError(f"sample {sample_id} not scored within {E2E_TIMEOUT_S:.0f} s")


def measure_end_to_end(answer: Clip, warm: Clip) -> dict[str, Any]:
    """Upload → stored score with a warm worker, ``E2E_RUNS`` times."""
    from screening import create_app
    from screening.config import load_settings

    db_url = os.environ.get("SCREENING_BENCH_DATABASE_URL") or DEFAULT_DB_URL
    redis_url = os.environ.get("SCREENING_BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    _prepare_services(db_url, redis_url)
    data = webm_opus(answer.samples)
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        settings = replace(
            load_settings({"SCREENING_INSTANCE_DIR": str(Path(tmp) / "instance"),
                           "SCREENING_SECRET_KEY": "bench-secret-key-0123456789"}),
            database_url=db_url, redis_url=redis_url, secure_cookies=False, periodic_seconds=0,
        )
        app = create_app(settings)
        app.config.update(SERVER_NAME="localhost")
        ctx = mp.get_context("spawn")
        ready = ctx.Event()
        worker = ctx.Process(target=_worker_main, args=(settings, warm.samples, ready),
                             name="bench-speech-worker")
        started = time.perf_counter()
        worker.start()
        try:
            if not ready.wait(timeout=300):
                raise RuntimeError("the RQ worker did not get ready within 300 s")
            worker_ready_s = time.perf_counter() - started
            client = app.test_client()
            with app.app_context():
                for n in range(1, E2E_RUNS + 1):
                    token, prompt = _new_applicant(n)
                    started = time.perf_counter()
                    response = client.post(f"/a/{token}/voice/{prompt}", data=data,
                                           content_type="audio/webm")
                    upload_s = time.perf_counter() - started
                    if response.status_code != 202:
                        raise RuntimeError(f"upload refused: {response.status_code} "
                                           f"{response.get_data(as_text=True)[:300]}")
                    total_s = _wait_scored(int(response.get_json()["sample_id"]), started)
                    runs.append({"upload_s": upload_s, "total_s": total_s})
                    print(f"   end to end run {n}: {total_s:.2f} s", flush=True)
        finally:
            worker.terminate()  # SIGTERM: RQ's warm shutdown
            worker.join(30)
            if worker.is_alive():
                worker.kill()
                worker.join(5)
            app.extensions["screening.db"].dispose()
            from redis import Redis

            Redis.from_url(redis_url).flushdb()
    return {"runs": runs, "webm_bytes": len(data), "worker_ready_s": worker_ready_s,
            "engine": settings.whisper_engine, "compute_type": settings.whisper_compute_type,
            "db_url": db_url, "redis_url": redis_url}


# --------------------------------------------------------------------------- report


def _passes(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def _engine_table(rows: list[tuple[str, str, dict[str, Any]]], clips_s: float,
                  answer_s: float) -> str:
    lines = [
        "| engine | compute type | model | load (s) | first call (s) | 5 sentences: wall (s), "
        "passes | RTF | WER | 60 s answer: wall (s), passes | RTF | peak RSS (MiB) "
        "| RSS after load (MiB) | RSS before load (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, compute_type, r in rows:
        if "error" in r:
            cells = " | ".join([r["error"]] + ["–"] * 11)
            lines.append(f"| {name} | {compute_type} | {cells} |")
            continue
        lines.append(
            f"| {name} | {compute_type} | {r['model']} | {r['load_s']:.2f} | "
            f"{r['first_s']:.2f} | {r['clips_s']:.2f} ({_passes(r['clip_passes'])}) | "
            f"{r['clips_s'] / clips_s:.3f} | {r['wer']:.1%} | "
            f"{r['answer_s']:.2f} ({_passes(r['answer_passes'])}) | "
            f"{r['answer_s'] / answer_s:.3f} | "
            f"{r['rss_peak']:.0f} | {r['rss_loaded']:.0f} | {r['rss_base']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def run() -> str:
    load_before = _load()
    clips = load_librivox()
    answer = build_answer(clips)
    clips_s = sum(c.seconds for c in clips)
    rows = measure_engines(clips, answer)
    e2e = measure_end_to_end(answer, clips[0])
    load_after = _load()
    totals = [r["total_s"] for r in e2e["runs"]]
    ref_words = next((r["ref_words"] for _, _, r in rows if "ref_words" in r), 0)
    answer_wers = ", ".join(f"{n} {ct} {r['answer_wer']:.1%}" for n, ct, r in rows
                            if "answer_wer" in r)
    run_rows = "\n".join(
        f"| {i} | {r['upload_s'] * 1000:.0f} | {r['total_s']:.2f} | "
        f"{r['total_s'] / ANSWER_SECONDS:.3f} |"
        for i, r in enumerate(e2e["runs"], 1)
    )
    return (
        "## Speech: Whisper engines and one voice answer end to end\n\n"
        f"Clips: the five read LibriVox sentences of Debian's pocketsphinx-testdata "
        f"({clips_s:.1f} s of audio, {ref_words} reference words) and a {ANSWER_SECONDS:.0f} s "
        f"answer built from them ({answer.name}, {PAUSE_SECONDS} s pauses, silence to the "
        "end): real read speech, repeated, not a live recording. Each engine configuration "
        "ran in its own spawned process on "
        f"{os.cpu_count()} CPU threads (beam 5, word timestamps, VAD on, as in production), "
        "model files already in the page cache. "
        "RTF = wall time / audio duration, from the fastest of "
        f"{PASSES} passes (each pass listed: when other work shares the CPUs, passes differ a "
        "lot, and the fastest is the best estimate of the engine's own cost). WER = all five "
        "sentences against their references, normalised as the product does. \"First call\" "
        "is the untimed warm-up transcription of the first sentence (in neither RTF). Peak "
        "RSS = `ru_maxrss` of that "
        "process. Short clips cost more per second of audio: Whisper encodes a full 30 s "
        "window for every call, however short the clip. "
        f"WER of the 60 s answer: {answer_wers or 'n/a'}. Load average before the run "
        f"{load_before}, after {load_after} (other work was sharing the machine).\n\n"
        + _engine_table(rows, clips_s, ANSWER_SECONDS)
        + "\n### Upload to stored score, 60 s answer, warm worker\n\n"
        f"PostgreSQL ({e2e['db_url'].rsplit('/', 1)[-1]}) + Redis, one RQ `SimpleWorker` on "
        f"the `audio` queue in its own process with {e2e['engine']} {e2e['compute_type']} "
        f"already loaded and one warm-up transcription done (ready {e2e['worker_ready_s']:.1f} s "
        "after start). Timer: from the HTTP upload (Flask test client, "
        f"{e2e['webm_bytes'] / 1024:.0f} KiB WebM/Opus, a scenario prompt, so a grammar check "
        "is also queued but not waited for) until the sample is `transcribed` with its score "
        "stored (DB polled every 20 ms). A new applicant per run.\n\n"
        f"Median of {len(totals)} runs: **{statistics.median(totals):.2f} s** "
        f"({statistics.median(totals) / ANSWER_SECONDS:.3f} × the answer's length).\n\n"
        "| run | upload request (ms) | upload → stored score (s) | ÷ 60 s |\n"
        "|---|---|---|---|\n" + run_rows + "\n"
    )
