"""Run every benchmark in one process and print one table; write it as JSON under var/bench/.

    .venv/bin/python bench/run.py                 # 10,000,000 events (make bench)
    .venv/bin/python bench/run.py --size 1000000  # make bench-quick
    .venv/bin/python bench/run.py --size 10000 --rounds 3   # a quick look while developing

PostgreSQL and Redis come from DATABASE_URL and REDIS_URL (the local services by
default). The benchmarks use databases of their own on that server:
bench_activity_1k and bench_activity_<size> (kept between runs, so only the first
run seeds them), and the event-writer benchmark's bench_activity_writes. Subject
and baseline are alternated in one process (A B B A); each row shows the medians,
the median of the per-round ratios and their spread. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Row, abba, database_url, setup_django  # noqa: E402


def _size_label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size}"


def _control_row(rounds: int) -> Row:
    """A/A: the same request as subject and baseline; its ratio and spread are the noise floor."""
    from django.test import Client

    client = Client()

    def probe() -> None:
        client.get("/healthz")

    r = abba(probe, probe, rounds=rounds, calls=50)
    return Row(
        "0 A/A control",
        "GET /healthz",
        "the same",
        r["subject"],
        r["baseline"],
        "ms",
        r["ratio"],
        "≈ 1 (noise floor)",
        None,
        r["spread"],
    )


def _subprocess_rows(script: str, args: list[str]) -> list[Row]:
    """Run a benchmark that needs processes or a database of its own; read its rows from JSON."""
    out = ROOT / "var" / "bench" / f".{Path(script).stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout running only such a group
    env = {**os.environ, "DATABASE_URL": database_url("postgres")}
    completed = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / script), "--json", str(out), *args], cwd=ROOT, env=env
    )
    if not out.exists():
        raise SystemExit(f"{script} failed (exit status {completed.returncode})")
    rows = [Row(**row) for row in json.loads(out.read_text())]
    out.unlink()
    return rows


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "subject", "baseline", "unit", "ratio", "spread", "target", "result", "queries")
    lines = [header]
    for row in rows:
        verdict = "—" if row.ok is None else ("pass" if row.ok else "FAIL")
        lines.append(
            (
                row.benchmark,
                f"{row.subject_label}: {_fmt(row.subject)}",
                f"{row.baseline_label}: {_fmt(row.baseline)}" if row.baseline_label else "",
                row.unit,
                f"{row.ratio:.3f}",
                row.spread,
                row.target,
                verdict,
                row.queries,
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))
    for row in rows:
        if row.note:
            print(f"  {row.benchmark}: {row.note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000_000, help="events in the large log (10,000,000)")
    parser.add_argument("--rounds", type=int, default=5, help="ABBA rounds per comparison (5)")
    parser.add_argument(
        "--only", default="", help="comma-separated groups to run: control,stack,activity,cors,writes,server"
    )
    args = parser.parse_args()
    groups = set(filter(None, args.only.split(","))) or {"control", "stack", "activity", "cors", "writes", "server"}
    started = time.perf_counter()
    small, big = "bench_activity_1k", f"bench_activity_{_size_label(args.size)}"
    setup_django(small)
    from bench import activity_pages, server, stack

    def log(text: str) -> None:
        print(text, flush=True)

    rows: list[Row] = []
    if "control" in groups:
        rows.append(_control_row(args.rounds))
    if "stack" in groups:
        log("== the security stack")
        rows += stack.run(rounds=args.rounds, log=log)
    if "activity" in groups:
        log(f"== the activity log at {args.size:,} events")
        from bench.common import ensure_database

        ensure_database(big)
        rows += activity_pages.run(big=big, small=small, size=args.size, rounds=args.rounds, log=log)
    if "cors" in groups:
        log("== CORS")
        rows += _subprocess_rows("cors_bench.py", ["--rounds", str(max(args.rounds, 5))])
    if "writes" in groups:
        log("== event writers")
        rows += _subprocess_rows("activity_writes.py", [])
    if "server" in groups:
        log("== gunicorn")
        rows += server.run(database=small, log=log)

    print()
    print_table(rows)
    elapsed = time.perf_counter() - started
    print(f"\n{len(rows)} rows in {elapsed / 60:.1f} min; size {args.size:,} events; {os.cpu_count()} cores")
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "size": args.size,
                "rounds": args.rounds,
                "cores": os.cpu_count(),
                "seconds": round(elapsed),
                "rows": [row.as_dict() for row in rows],
            },
            indent=2,
        )
    )
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
