"""Surge benchmark: sign, confirm, page, home, widget frame, API and /healthz at concurrency
16 and 64, and the campaign page's size on the wire with gzip.

Runs `make serve`'s launcher (gunicorn + task worker, DEBUG off) on 127.0.0.1 with
bench.settings (the product plus a bare-insert reference view), drives it with wrk, and
repeats sign/confirm/counting with 5,000,000 signatures stored.

    python -m bench surge   # BENCH_SECONDS=5 per run, BENCH_ROUNDS=3, BENCH_MAX_REQUESTS=60000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench surge
    BENCH_SKIP_5M=1 python -m bench surge   # without the 5M phase
    python -m bench.surge machinery         # each performance piece on against off, paired
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import statistics
import time
import urllib.parse

import psycopg2

from bench.common import (
    CPU_ROLES,
    Server,
    confirm_link,
    database_url,
    free_port,
    get,
    get_raw,
    machine_description,
    require_wrk,
    run_wrk,
    setup_django,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "60000"))
CONCURRENCIES = [16, 64]
SEED_ROWS = int(os.environ.get("BENCH_SEED_ROWS", "5000000"))
SIGN_SLUG = "banfacialrecognitioneu"
CONFIRM_SLUG = "tiremeurostodasuamira"
# Read scenarios: a GET of this path, reported as a percentage of /healthz in the same round.
READS = {
    "page": f"/en/{SIGN_SLUG}/",
    "home": "/en/",
    "frame": f"/embed/{SIGN_SLUG}/?partner=demo-{SIGN_SLUG}&lang=en",
    "api": f"/api/v1/petitions/{SIGN_SLUG}",
}
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')

THREAD_IDS = """
local threads_started = 0
function setup(thread)
  threads_started = threads_started + 1
  thread:set("tid", threads_started)
end
"""

SIGN_SCRIPT = (
    THREAD_IDS
    + """
local n = 0
local sent = 0
function init(args)
  prefix = args[1]; token = args[2]; origin = args[3]; limit = tonumber(args[4])
  path = args[5]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Origin"] = origin
end
function request()
  n = n + 1
  local body = "name=Bench+Signer&email=" .. prefix .. "-" .. tid .. "-" .. n
    .. "%40example.org&country=DE&postal_code=&privacy_consent=on&form_token=" .. token
  return wrk.format("POST", path, nil, body)
end
function response(status, headers, body)
  sent = sent + 1
  if sent >= limit then wrk.thread:stop() end
end
"""
)

CONFIRM_SCRIPT = (
    THREAD_IDS
    + """
local n = 0
local paths = {}
function init(args)
  origin = args[1]; limit = tonumber(args[2])
  local all = {}
  for line in io.lines(args[3]) do all[#all + 1] = line end
  -- each thread takes its own slice of the links: thread tid of T takes every T-th link
  local T = tonumber(args[4])
  for i = tid, #all, T do paths[#paths + 1] = all[i] end
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Origin"] = origin
end
function request()
  n = n + 1
  if n > #paths then n = #paths end
  return wrk.format("POST", paths[n], nil, "")
end
function response(status, headers, body)
  if n >= #paths or n >= limit then wrk.thread:stop() end
end
"""
)

REFERENCE_SCRIPT = (
    THREAD_IDS
    + """
local n = 0
local sent = 0
function init(args)
  prefix = args[1]; limit = tonumber(args[2])
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  n = n + 1
  local body = "name=Bench+Signer&email=" .. prefix .. "-" .. tid .. "-" .. n .. "%40example.org"
  return wrk.format("POST", "/bench/reference-insert", nil, body)
end
function response(status, headers, body)
  sent = sent + 1
  if sent >= limit then wrk.thread:stop() end
end
"""
)

GET_SCRIPT = """
local sent = 0
function init(args) limit = tonumber(args[1]) end
function response(status, headers, body)
  sent = sent + 1
  if sent >= limit then wrk.thread:stop() end
end
"""


def connect(url: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def petition_id(conn, slug: str) -> int:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM petitions_petition p JOIN campaign_campaign c"
            " ON c.id = p.campaign_id WHERE c.slug = %s",
            [slug],
        )
        return cursor.fetchone()[0]


def reset(conn, *, keep_seed: bool) -> None:
    """Remove what earlier benchmark runs added (keeping the 5M seed when asked)."""
    from bench.reference_app.views import CREATE_TABLES

    with conn.cursor() as cursor:
        cursor.execute(CREATE_TABLES)
        cursor.execute("TRUNCATE bench_reference_row, bench_reference_outbox")
        cursor.execute("TRUNCATE django_tasks_database_dbtaskresult")
        if keep_seed:
            cursor.execute("DELETE FROM petitions_consent")
            cursor.execute("DELETE FROM petitions_signature WHERE email_key NOT LIKE 'seed%%'")
        else:
            cursor.execute("TRUNCATE petitions_consent, petitions_signature CASCADE")
        cursor.execute("DELETE FROM petitions_signaturecount")
        if keep_seed:
            cursor.execute(
                "INSERT INTO petitions_signaturecount (petition_id, country, region, count,"
                " updated_at) SELECT petition_id, country, region, count(*), now()"
                " FROM petitions_signature WHERE counted GROUP BY petition_id, country, region"
            )
        cursor.execute("VACUUM ANALYZE petitions_signature")


def seed(conn, *, petition: int, rows: int) -> None:
    """Store `rows` confirmed, counted signatures fast (one INSERT … SELECT per million)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM petitions_signature WHERE email_key LIKE 'seed%%'")
        have = cursor.fetchone()[0]
        step = 1_000_000
        for start in range(have + 1, rows + 1, step):
            stop = min(rows, start + step - 1)
            began = time.monotonic()
            cursor.execute(
                """
                INSERT INTO petitions_signature (public_id, petition_id, name, email, email_key,
                    country, region, postal_code, locale, status, created_at, confirmed_at,
                    counted, updates_opt_in, source, ref, ip_hash)
                SELECT md5('seed' || i)::uuid, %(p)s, 'Seed Signer ' || i,
                    'seed' || i || '@example.org', 'seed' || i || '@example.org',
                    (ARRAY['DE','FR','IT','ES','PL','NL','BE','PT','AT','SE'])[1 + i %% 10],
                    '', '', 'en', 'confirmed', now() - interval '1 day', now(), true, false,
                    '', '', ''
                FROM generate_series(%(a)s, %(b)s) AS i
                """,
                {"p": petition, "a": start, "b": stop},
            )
            print(
                f"  seeded signatures {start:,}-{stop:,} in {time.monotonic() - began:.0f}s",
                flush=True,
            )


def create_pending(conn, *, petition: int, count: int, tag: str) -> list[str]:
    """Pending signatures made directly in the database; returns their public ids."""
    with conn.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO petitions_signature (public_id, petition_id, name, email, email_key,
                country, region, postal_code, locale, status, created_at, counted,
                updates_opt_in, source, ref, ip_hash)
            SELECT gen_random_uuid(), %(p)s, 'Pending Signer', %(t)s || i || '@example.org',
                %(t)s || i || '@example.org', 'BR', 'BR-SP', '', 'pt-br', 'pending', now(),
                false, false, '', '', ''
            FROM generate_series(1, %(n)s) AS i
            RETURNING public_id
            """,
            {"p": petition, "t": tag, "n": count},
        )
        return [row[0] for row in cursor.fetchall()]


def confirm_links_file(public_ids: list[str], path: str) -> str:
    with open(path, "w") as handle:
        for public_id in public_ids:
            handle.write(confirm_link(public_id, slug=CONFIRM_SLUG, lang="pt-br") + "\n")
    return path


def form_token(server: Server) -> str:
    status, html = get(f"{server.url}/en/{SIGN_SLUG}/")
    assert status == 200, status
    return TOKEN.search(html).group(1)


def page_transfer(server: Server) -> dict[str, int]:
    """Bytes of the campaign page's body on the wire for each Accept-Encoding."""
    sizes = {}
    for coding in ("identity", "gzip", "br"):
        status, headers, body = get_raw(
            f"{server.url}{READS['page']}", headers={"Accept-Encoding": coding}
        )
        assert status == 200, status
        assert headers.get("Content-Encoding", "identity") == coding, headers
        sizes[coding] = len(body)
    return sizes


def wait_for_queue(conn, timeout: float = 120) -> float:
    """Let the task worker send the queued emails, so it does not steal CPU from the next run."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING')"
                # not the hourly purge waiting for its next run (run_after 9999-12-31: none)
                " AND NOT (run_after > now() AND run_after < '9999-01-01')"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.5)
    return time.monotonic() - began


def measure_counting(conn, *, petition: int, confirm: int = 1000, reads: int = 200) -> dict:
    """Database cost of counting: flushing `confirm` new confirmations, and a counts read."""
    from petitions.reporting.counting import _FLUSH, _LOCK_NAMESPACE

    tag = f"count{secrets.token_hex(3)}-"
    create_pending(conn, petition=petition, count=confirm, tag=tag)
    with conn.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_signature SET status = 'confirmed', confirmed_at = now()"
            " WHERE email_key LIKE %s",
            [tag + "%"],
        )
        began = time.perf_counter()
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition])
        cursor.execute(_FLUSH, {"petition": petition})
        cursor.execute("COMMIT")
        flush_ms = (time.perf_counter() - began) * 1000
        timings = []
        for _ in range(reads):
            began = time.perf_counter()
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition])
            cursor.execute(_FLUSH, {"petition": petition})
            cursor.execute("COMMIT")
            cursor.execute(
                "SELECT country, region, count, updated_at FROM petitions_signaturecount"
                " WHERE petition_id = %s AND count > 0 ORDER BY country, region",
                [petition],
            )
            cursor.fetchall()
            timings.append((time.perf_counter() - began) * 1000)
    return {
        "flush_1000_ms": round(flush_ms, 2),
        "read_ms_p50": round(statistics.median(timings), 3),
    }


def run_scenarios(server: Server, conn, *, names: list[str], concurrencies: list[int]) -> list:
    """ROUNDS rounds of every scenario, interleaved so that a noisy neighbour hits them alike;
    each figure is the median over the rounds."""
    runs = []
    for number in range(ROUNDS):
        print(f"  round {number + 1} of {ROUNDS}", flush=True)
        runs += run_round(server, conn, names=names, concurrencies=concurrencies)
    results = []
    for concurrency in concurrencies:
        for name in names:
            mine = [r for r in runs if r["scenario"] == name and r["concurrency"] == concurrency]
            merged = {
                key: statistics.median(r[key] for r in mine)
                for key in ("rps", "p50_ms", "p99_ms", "max_ms")
            }
            merged["cpu_ms"] = {
                role: statistics.median(r["cpu_ms"][role] for r in mine) for role in CPU_ROLES
            }
            merged.update(
                scenario=name,
                concurrency=concurrency,
                rounds=[r["rps"] for r in mine],
                status_errors=sum(r["status_errors"] for r in mine),
                socket_errors=sum(r["socket_errors"] for r in mine),
            )
            results.append(merged)
    print("  medians:", flush=True)
    for r in results:
        print(
            f"  {r['scenario']:<10} c={r['concurrency']:<3} {r['rps']:>8.1f} ok/s  "
            f"p50 {r['p50_ms']:>7.1f} ms  p99 {r['p99_ms']:>7.1f} ms  rounds {r['rounds']}  "
            f"CPU ms per answer {cpu_text(r['cpu_ms'])}",
            flush=True,
        )
    return results


def cpu_text(cpu_ms: dict) -> str:
    return " ".join(f"{role} {cpu_ms[role]:.2f}" for role in CPU_ROLES)


def run_round(server: Server, conn, *, names: list[str], concurrencies: list[int]) -> list:
    results = []
    origin = server.url
    token = urllib.parse.quote(form_token(server), safe="")
    confirm_petition = petition_id(conn, CONFIRM_SLUG)
    for concurrency in concurrencies:
        for name in names:
            prefix = f"b{secrets.token_hex(4)}"
            if name == "healthz":
                result = run_wrk(
                    f"{server.url}/healthz",
                    script=GET_SCRIPT,
                    script_args=[str(MAX_REQUESTS)],
                    concurrency=concurrency,
                    seconds=SECONDS,
                )
            elif name in READS:
                result = run_wrk(
                    f"{server.url}{READS[name]}",
                    script=GET_SCRIPT,
                    script_args=[str(MAX_REQUESTS)],
                    concurrency=concurrency,
                    seconds=SECONDS,
                )
            elif name == "reference":
                result = run_wrk(
                    server.url,
                    script=REFERENCE_SCRIPT,
                    script_args=[prefix, str(MAX_REQUESTS)],
                    concurrency=concurrency,
                    seconds=SECONDS,
                )
            elif name == "sign-worker-paused":
                # Diagnostic: the same signing with the email worker stopped (SIGSTOP) during
                # the run, to show what sending the emails at the same rate costs.
                worker = server.task_worker()
                if worker:
                    os.kill(worker, signal.SIGSTOP)
                try:
                    result = run_wrk(
                        server.url,
                        script=SIGN_SCRIPT,
                        script_args=[
                            prefix,
                            token,
                            origin,
                            str(MAX_REQUESTS),
                            f"/en/{SIGN_SLUG}/sign/",
                        ],
                        concurrency=concurrency,
                        seconds=SECONDS,
                    )
                finally:
                    if worker:
                        os.kill(worker, signal.SIGCONT)
                result["queue_drain_s"] = round(wait_for_queue(conn), 1)
            elif name == "sign":
                result = run_wrk(
                    server.url,
                    script=SIGN_SCRIPT,
                    script_args=[
                        prefix,
                        token,
                        origin,
                        str(MAX_REQUESTS),
                        f"/en/{SIGN_SLUG}/sign/",
                    ],
                    concurrency=concurrency,
                    seconds=SECONDS,
                )
                result["queue_drain_s"] = round(wait_for_queue(conn), 1)
            elif name == "confirm":
                count = min(MAX_REQUESTS, 2500 * SECONDS)
                ids = create_pending(conn, petition=confirm_petition, count=count, tag=prefix)
                links = confirm_links_file(ids, str(server.workdir / f"links-{prefix}.txt"))
                result = run_wrk(
                    server.url,
                    script=CONFIRM_SCRIPT,
                    script_args=[origin, str(MAX_REQUESTS), links, "2"],
                    concurrency=concurrency,
                    seconds=SECONDS,
                )
            else:
                raise ValueError(name)
            result["scenario"] = name
            result["settle_s"] = settle(server)
            print(
                f"  {name:<10} c={concurrency:<3} {result['rps']:>8.1f} ok/s  "
                f"p50 {result['p50_ms']:>7.1f} ms  p99 {result['p99_ms']:>7.1f} ms  "
                f"non-2xx/3xx {result['status_errors']}  socket errors {result['socket_errors']}  "
                f"CPU ms per answer {cpu_text(result['cpu_ms'])}",
                flush=True,
            )
            results.append(result)
    return results


def settle(server: Server, timeout: float = 60) -> float:
    """Wait until requests that wrk left queued are answered, so a slow scenario (the frame)
    does not eat into the next one's seconds; returns how long that took."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        asked = time.monotonic()
        get(f"{server.url}/healthz", timeout=timeout)
        if time.monotonic() - asked < 0.05:
            break
        time.sleep(0.1)
    return round(time.monotonic() - began, 1)


def rate(results: list, name: str, concurrency: int) -> float:
    return next(
        r["rps"] for r in results if r["scenario"] == name and r["concurrency"] == concurrency
    )


def cpu(results: list, name: str, concurrency: int) -> dict:
    return next(
        r["cpu_ms"] for r in results if r["scenario"] == name and r["concurrency"] == concurrency
    )


def paired_percent(results: list, name: str, base: str, concurrency: int) -> float:
    """The median over the rounds of ``name``'s rate as a percentage of ``base``'s in the same
    round: both ran back to back, so a drift of the machine's speed between rounds cancels."""
    mine, theirs = (
        next(r["rounds"] for r in results if r["scenario"] == n and r["concurrency"] == concurrency)
        for n in (name, base)
    )
    return statistics.median(100 * a / b for a, b in zip(mine, theirs, strict=True))


def cpu_percent(results: list, name: str, base: str, concurrency: int) -> float:
    """``base``'s CPU per answer (all roles) as a percentage of ``name``'s: the rate ratio the
    work alone predicts on a machine whose CPU is the bottleneck."""
    return (
        100
        * sum(cpu(results, base, concurrency).values())
        / sum(cpu(results, name, concurrency).values())
    )


def p99(results: list, name: str, concurrency: int) -> float:
    return next(
        r["p99_ms"] for r in results if r["scenario"] == name and r["concurrency"] == concurrency
    )


def main() -> int:
    require_wrk()
    print(f"Machine: {machine_description()}", flush=True)
    print(
        f"Each run: {SECONDS}s, at most {MAX_REQUESTS} requests, wrk -t2, on 127.0.0.1", flush=True
    )
    url = database_url("bench_surge")
    setup_django(url)
    report: dict = {"machine": machine_description(), "seconds": SECONDS, "rounds": ROUNDS}

    print("\nPhase 1: empty database", flush=True)
    with Server(database=url) as server:
        conn = connect(url)
        reset(conn, keep_seed=False)
        names = [
            "healthz",
            *READS,
            "reference",
            "sign",
            "confirm",
            "sign-worker-paused",
        ]
        transfer = page_transfer(server)
        results = run_scenarios(server, conn, names=names, concurrencies=CONCURRENCIES)
        rss = server.worker_rss()
        counting = measure_counting(conn, petition=petition_id(conn, SIGN_SLUG))
        conn.close()
    report["empty"] = {
        "results": results,
        "worker_rss_mb": rss,
        "counting": counting,
        "page_transfer": transfer,
    }
    print(f"  gunicorn worker RSS after the run: {rss} MB", flush=True)
    print(f"  counting (database): {counting}", flush=True)

    summary = [
        f"campaign page on the wire: {transfer['gzip']:,} bytes with Accept-Encoding: gzip, "
        f"{transfer['br']:,} with br, {transfer['identity']:,} without (the HTML alone; the "
        "first load with CSS, JS and images must stay <= 61,440: python -m bench page_weight)"
    ]
    for c in CONCURRENCIES:
        reads = ", ".join(
            f"{name} {100 * rate(results, name, c) / rate(results, 'healthz', c):.0f}%"
            for name in READS
        )
        summary.append(
            f"c={c}: sign {rate(results, 'sign', c):.0f}/s = "
            f"{100 * rate(results, 'sign', c) / rate(results, 'reference', c):.0f}% of the bare "
            f"insert ({rate(results, 'reference', c):.0f}/s); {reads} of /healthz "
            f"({rate(results, 'healthz', c):.0f}/s)"
        )
        paired = ", ".join(
            f"{name} {paired_percent(results, name, 'healthz', c):.0f}%" for name in READS
        )
        summary.append(
            f"c={c}: per-round ratios (median): sign "
            f"{paired_percent(results, 'sign', 'reference', c):.0f}% of the bare insert, "
            f"{paired} of /healthz; by CPU per answer "
            f"sign {cpu_percent(results, 'sign', 'reference', c):.0f}% of the bare insert"
        )
    for c in CONCURRENCIES:
        summary.append(
            f"c={c}: with the email worker paused, sign {rate(results, 'sign-worker-paused', c):.0f}/s"
            f" = {100 * rate(results, 'sign-worker-paused', c) / rate(results, 'reference', c):.0f}%"
            " of the bare insert (diagnostic)"
        )
    for c in CONCURRENCIES:
        summary.append(
            f"c={c}: CPU ms per answer, sign {cpu_text(cpu(results, 'sign', c))}; "
            f"bare insert {cpu_text(cpu(results, 'reference', c))}"
        )
    summary.append(
        f"sign at c=64: {rate(results, 'sign', 64):.0f}/s with p99 {p99(results, 'sign', 64):.0f} ms"
        f" (target >= 600/s, p99 <= 250 ms); worker RSS max {max(rss or [0]):.0f} MB (<= 150)"
    )

    if not os.environ.get("BENCH_SKIP_5M"):
        print(f"\nPhase 2: {SEED_ROWS:,} signatures stored", flush=True)
        url5 = database_url("bench_surge_5m")
        # The server migrates the database before seeding can use its tables.
        with Server(database=url5) as server:
            conn = connect(url5)
            seed(conn, petition=petition_id(conn, SIGN_SLUG), rows=SEED_ROWS)
            reset(conn, keep_seed=True)
            results5 = run_scenarios(server, conn, names=["sign", "confirm"], concurrencies=[64])
            counting5 = measure_counting(conn, petition=petition_id(conn, SIGN_SLUG))
            conn.close()
        report["seeded"] = {"rows": SEED_ROWS, "results": results5, "counting": counting5}
        print(f"  counting (database): {counting5}", flush=True)
        for name in ("sign", "confirm"):
            before, after = rate(results, name, 64), rate(results5, name, 64)
            summary.append(
                f"{name} with {SEED_ROWS:,} stored: {after:.0f}/s vs {before:.0f}/s empty "
                f"({100 * (after - before) / before:+.0f}%; target >= -20%)"
            )
        summary.append(
            f"counting with {SEED_ROWS:,} stored: flush of 1000 {counting5['flush_1000_ms']} ms vs "
            f"{counting['flush_1000_ms']} ms, read {counting5['read_ms_p50']} ms vs "
            f"{counting['read_ms_p50']} ms"
        )

    print("\nSummary", flush=True)
    for line in summary:
        print(f"  {line}", flush=True)
    report["summary"] = summary
    out = os.environ.get("BENCH_REPORT")
    if out:
        with open(out, "w") as handle:
            json.dump(report, handle, indent=2, default=str)
    return 0


# The machinery mode: python -m bench.surge machinery (see docs/BENCHMARKS.md, "Machinery").
PAIRS = int(os.environ.get("BENCH_PAIRS", "3"))
PIECE_CONCURRENCY = int(os.environ.get("BENCH_MACHINERY_CONCURRENCY", "64"))
WARMUP_SECONDS = 2
# Pieces whose worth shows on the campaign page too (the others only on the sign path).
PAGE_PIECES = {"page_cache", "instance_caches"}


def piece_env(piece: str | None) -> dict[str, str]:
    """The server's environment with ``piece`` turned off (None: everything on)."""
    env = {"BENCH_DISABLE": piece or ""}
    if piece == "worker_nice":  # the launcher's own knob, not a Django setting
        env["WORKER_NICE"] = "0"
    return env


def tasks_done(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        )
        return cursor.fetchone()[0]


def piece_round(server: Server, conn, *, pages: bool, seconds: int) -> dict:
    """One round on one server: signing at PIECE_CONCURRENCY, and the campaign page when
    ``pages``. The email queue is not drained between rounds: its backlog grows as in a long
    surge, alike for both servers; the emails the worker sent meanwhile are counted."""
    token = urllib.parse.quote(form_token(server), safe="")
    prefix = f"m{secrets.token_hex(4)}"
    done = tasks_done(conn)
    sign = run_wrk(
        server.url,
        script=SIGN_SCRIPT,
        script_args=[prefix, token, server.url, str(MAX_REQUESTS), f"/en/{SIGN_SLUG}/sign/"],
        concurrency=PIECE_CONCURRENCY,
        seconds=seconds,
    )
    sign["emails_per_s"] = round((tasks_done(conn) - done) / seconds, 1)
    settle(server)
    result = {"sign": sign}
    if pages:
        result["page"] = run_wrk(
            f"{server.url}{READS['page']}",
            script=GET_SCRIPT,
            script_args=[str(MAX_REQUESTS)],
            concurrency=PIECE_CONCURRENCY,
            seconds=seconds,
        )
        settle(server)
    return result


def pause_worker(server: Server, *, paused: bool) -> None:
    """Stop (SIGSTOP) or continue the server's task worker: the idle server's worker must not
    work off its backlog while the other server is measured."""
    if worker := server.task_worker():
        os.kill(worker, signal.SIGSTOP if paused else signal.SIGCONT)


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def measure_piece(piece: str, urls: dict[str, str]) -> dict:
    """PAIRS pairs of rounds, one with ``piece`` on and one with it off, on two servers started
    side by side (each with its own database and task worker, warmed up alike); the order
    within a pair alternates (on-off, off-on, …) so that a drift of the machine cancels."""
    pages = piece in PAGE_PIECES
    servers: dict[str, Server] = {}
    rounds: dict[str, list[dict]] = {"on": [], "off": []}
    try:
        conns = {}
        for state in ("on", "off"):
            taken = tuple(server.port for server in servers.values())
            env = piece_env(None if state == "on" else piece)
            servers[state] = Server(database=urls[state], env=env, port=free_port(taken=taken))
        for server in servers.values():
            server.start()  # one at a time: both collect static files into the same folder
        for state, server in servers.items():
            conns[state] = connect(urls[state])
            reset(conns[state], keep_seed=False)
            piece_round(server, conns[state], pages=pages, seconds=WARMUP_SECONDS)
            pause_worker(server, paused=True)
        for number in range(PAIRS):
            order = ("on", "off") if number % 2 == 0 else ("off", "on")
            for state in order:
                pause_worker(servers[state], paused=False)
                result = piece_round(servers[state], conns[state], pages=pages, seconds=SECONDS)
                pause_worker(servers[state], paused=True)
                rounds[state].append(result)
                line = "  ".join(
                    f"{kind} {r['rps']:>7.1f}/s p99 {r['p99_ms']:>6.1f} ms"
                    f" errors {r['status_errors'] + r['socket_errors']}"
                    + (f" emails {r['emails_per_s']:.0f}/s" if kind == "sign" else "")
                    for kind, r in result.items()
                )
                print(f"  {piece:<16} pair {number + 1} {state:<3}  {line}", flush=True)
        for conn in conns.values():
            conn.close()
    finally:
        for server in servers.values():
            pause_worker(server, paused=False)
            server.stop()
    summary = {"piece": piece, "rounds": rounds}
    for kind in ("sign", "page") if pages else ("sign",):
        on = [r[kind] for r in rounds["on"]]
        off = [r[kind] for r in rounds["off"]]
        rate_ratios = [a["rps"] / b["rps"] for a, b in zip(on, off, strict=True)]
        p99_ratios = [a["p99_ms"] / b["p99_ms"] for a, b in zip(on, off, strict=True)]
        cpu_on = [sum(r["cpu_ms"].values()) for r in on]
        cpu_off = [sum(r["cpu_ms"].values()) for r in off]
        summary[kind] = {
            "on_rps": statistics.median(r["rps"] for r in on),
            "off_rps": statistics.median(r["rps"] for r in off),
            "rate_ratio": statistics.median(rate_ratios),
            "rate_ratios": rate_ratios,
            "on_p99_ms": statistics.median(r["p99_ms"] for r in on),
            "off_p99_ms": statistics.median(r["p99_ms"] for r in off),
            "p99_ratio": statistics.median(p99_ratios),
            "p99_ratios": p99_ratios,
            "cpu_ratio": statistics.median(b / a for a, b in zip(cpu_on, cpu_off, strict=True)),
            "on_emails": statistics.median(r.get("emails_per_s", 0) for r in on),
            "off_emails": statistics.median(r.get("emails_per_s", 0) for r in off),
        }
    return summary


def machinery_table(summaries: list[dict]) -> list[str]:
    """The markdown table: each piece, on against off. Ratios are on/off per pair (rate: above
    1 means the piece makes it faster; p99: below 1 means it shortens the tail; CPU: off's CPU
    per answer over on's), their median over the pairs and their spread (min–max)."""
    lines = [
        "| piece | measure | on | off | on/off (median of pairs) | spread | p99 ms on / off |"
        " p99 on/off (spread) | CPU per answer off/on | emails sent /s on / off |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        for kind in ("sign", "page"):
            if kind not in s:
                continue
            m = s[kind]
            lines.append(
                f"| {s['piece']} | {kind} /s | {m['on_rps']:,.0f} | {m['off_rps']:,.0f} |"
                f" **{m['rate_ratio']:.3f}** | {spread(m['rate_ratios'])} |"
                f" {m['on_p99_ms']:.1f} / {m['off_p99_ms']:.1f} |"
                f" {m['p99_ratio']:.2f} ({spread(m['p99_ratios'])}) | {m['cpu_ratio']:.2f} |"
                f" {m['on_emails']:.0f} / {m['off_emails']:.0f} |"
            )
    return lines


def main_machinery() -> int:
    """Each performance piece on against off, in paired rounds within one run."""
    require_wrk()
    print(f"Machine: {machine_description()}", flush=True)
    urls = {state: database_url(f"bench_machinery_{state}") for state in ("on", "off")}
    setup_django(urls["on"])
    from bench.settings import PIECES

    chosen = [p for p in os.environ.get("BENCH_PIECES", ",".join(PIECES)).split(",") if p]
    print(
        f"Pieces: {', '.join(chosen)}; {PAIRS} pairs of {SECONDS}s runs at c={PIECE_CONCURRENCY}",
        flush=True,
    )
    summaries = []
    for piece in chosen:
        print(f"\n{piece}: off means {PIECES[piece]}", flush=True)
        summaries.append(measure_piece(piece, urls))
    print("\nSummary (on/off: rate above 1 = the piece helps; p99 below 1 = it helps)", flush=True)
    table = machinery_table(summaries)
    for line in table:
        print(line, flush=True)
    out = os.environ.get("BENCH_REPORT")
    if out:
        with open(out, "w") as handle:
            json.dump(
                {"machine": machine_description(), "pieces": summaries, "table": table},
                handle,
                indent=2,
                default=str,
            )
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main_machinery() if sys.argv[1:] == ["machinery"] else main())
