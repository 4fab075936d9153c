"""`python -m bench`: see docs/bench.md, or `python -m bench --help`."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench import procmem, report
from bench.conversations import REFERENCE, TAAI, Script
from bench.load import Level, run_level
from bench.servers import ROOT, ClusterTarget, ReferenceBot, TaaiServer, init_reference, train_taai
from bench.verify import verify


def _users(text: str) -> list[int]:
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("user counts must be 1 or more")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Taai under load over REST, next to Rasa's `rasa init` bot: turn latency, throughput, "
            "errors, memory and training time. Method and definitions: docs/bench.md."
        ),
    )
    parser.add_argument(
        "--users", type=_users, default=[1, 10, 50], help="concurrent users per level (default 1,10,50)"
    )
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per level (default 30)")
    parser.add_argument("--conversations", type=int, help="instead of --duration: conversations per user per level")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per level, not recorded (default 5)")
    parser.add_argument("--timeout", type=float, default=30, help="client timeout per turn in seconds (default 30)")
    parser.add_argument("--idle-wait", type=float, default=10, help="seconds after the last level before idle memory")
    parser.add_argument(
        "--production",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also measure the production profile (ops.cluster: PostgreSQL, Redis, replicas, nginx)",
    )
    parser.add_argument(
        "--production-users", type=_users, help="levels for the production profile (default: the highest of --users)"
    )
    parser.add_argument("--replicas", type=int, default=2, help="Rasa replicas in the production profile (default 2)")
    parser.add_argument("--action-servers", type=int, default=2, help="action servers in the production profile")
    parser.add_argument(
        "--sanic-workers",
        type=int,
        default=1,
        help="Sanic worker processes per Rasa replica in the production profile (default 1)",
    )
    parser.add_argument(
        "--train",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a fresh `rasa train` of Taai and `rasa init` of the reference",
    )
    parser.add_argument(
        "--reference", action=argparse.BooleanOptionalAction, default=True, help="measure the reference bot"
    )
    parser.add_argument(
        "--taai",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure Taai as `make run` starts it (one Rasa process, SQLite)",
    )
    parser.add_argument(
        "--reference-dir",
        type=Path,
        help="reuse a trained `rasa init` project instead of creating one (its training is then not timed)",
    )
    parser.add_argument("--out-dir", type=Path, default=ROOT / "results" / "bench", help="where the JSON goes")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory (logs, models)")
    args = parser.parse_args(argv)
    if args.conversations is not None and args.conversations < 1:
        parser.error("--conversations must be 1 or more")
    if args.duration <= 0 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--duration and --timeout must be positive, --warmup not negative")
    args.production_users = args.production_users or [max(args.users)]
    return args


def _meta(args: argparse.Namespace, stamp: str) -> dict:
    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    memory = ""
    try:
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    return {
        "timestamp": stamp,
        "commit": git("rev-parse", "--short", "HEAD"),
        "worktree_changed": bool(git("status", "--porcelain")),
        "python": platform.python_version(),
        "rasa": importlib.metadata.version("rasa"),
        "cpus": os.cpu_count(),
        "memory": memory.split(":")[-1].strip(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "definitions": {
            "turn": "one POST /webhooks/rest/webhook, from sending to having read the whole reply",
            "error": "non-200, timeout, connection error, a body that is not a JSON list, or an empty list",
            "latency": "percentiles (linear interpolation) over error-free turns started in the measured window",
            "throughput": "error-free turns finished inside the measured window / window length",
            "memory": "bytes; VmRSS and VmHWM from /proc/<pid>/status, summed over the process tree",
        },
    }


def _level(args: argparse.Namespace, users: int) -> Level:
    return Level(
        users=users,
        warmup_s=args.warmup,
        duration_s=None if args.conversations else args.duration,
        conversations=args.conversations,
        timeout_s=args.timeout,
    )


def bench_target(label: str, server, script: Script, users: list[int], args: argparse.Namespace) -> dict:
    """Start, verify, run every level, read idle memory, stop. Never raises for a
    server that fails: the failure is reported and the next target runs."""
    entry: dict = {"script": script.name, "turns_per_conversation": len(script.turns), "levels": []}
    print(f"\n[{label}] starting...", flush=True)
    try:
        server.start()
        entry["startup_s"] = server.startup_s
        entry["processes"] = {name: procmem.cmdline(pid)[:160] for name, pid in server.pids().items()}
        check = verify(server.base_url, script, server.token)
        entry["verification"] = check
        print(
            f"[{label}] up in {server.startup_s} s; verification conversation "
            f"{'ok' if check['ok'] else 'FAILED'} ({check['turns']} turns, ms {check['turn_ms']})",
            flush=True,
        )
        if not check["ok"]:
            entry["error"] = "verification failed: " + "; ".join(check["problems"])
            print(f"[{label}] {entry['error']}", flush=True)
            return entry
        print(report.level_header(), flush=True)
        for count in users:
            level = run_level(server.base_url, script, _level(args, count), server.pids())
            entry["levels"].append(level)
            print(report.level_row(label, level), flush=True)
            time.sleep(2)  # let the server drain before the next level
        time.sleep(args.idle_wait)
        entry["idle_memory"] = procmem.snapshot(server.pids())
    except Exception as error:  # noqa: BLE001 - reported, and the bench goes on
        entry["error"] = f"{type(error).__name__}: {error}"
        print(f"[{label}] error: {entry['error']}", flush=True)
    finally:
        server.stop()
    return entry


def bench_production(work: Path, args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    try:
        target = ClusterTarget(work / "cluster", args.replicas, args.action_servers, args.sanic_workers)
    except ImportError as error:
        message = f"ops.cluster is not importable yet ({error}); production profile skipped"
        print(f"\n[production] {message}", flush=True)
        return {"skipped": message}
    except Exception as error:  # noqa: BLE001
        message = f"could not set up ops.cluster.LocalCluster: {type(error).__name__}: {error}"
        print(f"\n[production] {message}", flush=True)
        return {"error": message}
    entry = bench_target("production", target, TAAI, args.production_users, args)
    entry.update(
        replicas=args.replicas,
        action_servers=args.action_servers,
        sanic_workers=args.sanic_workers,
        replica_urls=target.replica_urls,
    )
    return entry


def _interrupt(_signum, _frame) -> None:
    """A SIGTERM (a CI timeout, say) stops the servers and reports, like Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="taai-bench-"))
    results: dict = {"meta": _meta(args, stamp), "training": {}, "targets": {}}
    window = f"{args.conversations} conversations per user" if args.conversations else f"{args.duration:g} s"
    print(
        f"Taai bench {stamp}: levels {','.join(map(str, args.users))} users, {args.warmup:g} s warm-up + "
        f"{window} each, {args.timeout:g} s timeout; temporary files in {work}",
        flush=True,
    )
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(
            f"warning: load average {load:.1f} on {os.cpu_count()} CPUs: the machine is busy, "
            "figures will not be comparable",
            flush=True,
        )
    try:
        reference_dir = args.reference_dir
        if args.train:
            print("\n[training] Taai: fresh `rasa train`...", flush=True)
            results["training"]["taai"] = train_taai(work / "train-taai")
            print(f"[training] Taai: {results['training']['taai']['wall_s']} s", flush=True)
        if args.reference and reference_dir is None:
            reference_dir = work / "reference"
            print("[training] reference: `rasa init --no-prompt` (trains the example bot)...", flush=True)
            results["training"]["reference"] = init_reference(reference_dir)
            print(f"[training] reference: {results['training']['reference']['wall_s']} s", flush=True)
        for name, outcome in results["training"].items():
            if not outcome["ok"]:
                print(f"[training] {name} failed: {outcome.get('error')}", flush=True)
        if args.reference:
            if reference_dir and list((reference_dir / "models").glob("*.tar.gz")):
                server = ReferenceBot(work / "reference-run", reference_dir.resolve())
                results["targets"]["reference"] = bench_target("reference", server, REFERENCE, args.users, args)
            else:
                results["targets"]["reference"] = {"error": f"no trained model under {reference_dir}/models"}
        if args.taai:
            results["targets"]["taai"] = bench_target("taai", TaaiServer(work / "taai"), TAAI, args.users, args)
        if args.production:
            results["targets"]["production"] = bench_production(work, args)
    except KeyboardInterrupt:
        results["interrupted"] = True
        print("\ninterrupted; reporting what was measured", flush=True)
    finally:
        if args.keep_tmp:
            print(f"temporary files kept in {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["ratios"] = report.ratios(results)
    results["aims"] = report.aims(results)
    print(report.summary(results))
    path = report.write_json(results, args.out_dir, stamp)
    print(f"\nJSON: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if results.get("interrupted") else 0


if __name__ == "__main__":
    sys.exit(main())
