"""What the bench prints and writes: per-level rows as they finish, then the summary
tables, the ratios Taai / reference, the aims and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path

MB = 1_000_000  # memory is shown in MB of 10^6 bytes, like the 1.5 GB aim
RSS_LIMIT = 1.5e9
TRAIN_LIMIT_S = 300
LATENCY_FACTOR = 1.5
SCALE_FACTOR = 1.7
ERROR_FREE_USERS = 50

ROW = "{:<11} {:>5} {:>6} {:>8} {:>8} {:>8} {:>8} {:>6} {:>5} {:>9} {:>7} {:>8}"


def _n(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def _mb(value) -> str:
    return "-" if value is None else f"{value / MB:.0f}"


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b not in (None, 0) else None


def level_header() -> str:
    return (
        ROW.format(
            "target",
            "users",
            "turns",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "turns/s",
            "errors",
            "off",
            "srv ms/t",
            "cli CPU",
            "host CPU",
        )
        + "\n"
        + "-" * 101
    )


def level_row(target: str, level: dict) -> str:
    latency = level["latency_ms"]
    errors = level["errors"] + level["warmup"]["errors"]
    client = level.get("client_cpu_pct")
    host = level.get("machine_cpu_busy_pct")
    return ROW.format(
        target,
        level["users"],
        level["turns_ok"],
        _n(latency["p50"]),
        _n(latency["p95"]),
        _n(latency["p99"]),
        _n(level["throughput_tps"], 2),
        errors,
        level["off_script"],
        _n(level["server_cpu_ms_per_turn"]),
        "-" if client is None else f"{client:.0f}%",
        "-" if host is None else f"{host:.0f}%",
    )


def _memory_lines(results: dict) -> list[str]:
    lines = [
        "",
        "Memory (MB; RSS at the end of the window, highest sampled RSS, VmHWM = peak since start)",
        "{:<11} {:>5}  {:<14} {:>8} {:>8} {:>8}".format("target", "users", "process", "RSS", "RSS max", "VmHWM"),
    ]
    for target, entry in results["targets"].items():
        for level in entry.get("levels", []):
            for name, memory in level["memory"].items():
                lines.append(
                    "{:<11} {:>5}  {:<14} {:>8} {:>8} {:>8}".format(
                        target,
                        level["users"],
                        name,
                        _mb(memory["rss_end"]),
                        _mb(memory["rss_peak_sampled"]),
                        _mb(memory["hwm"]),
                    )
                )
        for name, memory in (entry.get("idle_memory") or {}).items():
            lines.append(
                "{:<11} {:>5}  {:<14} {:>8} {:>8} {:>8}".format(
                    target, "idle", name, _mb(memory["rss"]), "", _mb(memory["hwm"])
                )
            )
    return lines


def _by_users(entry: dict | None) -> dict[int, dict]:
    return {level["users"]: level for level in (entry or {}).get("levels", [])}


def ratios(results: dict) -> dict:
    """Taai / reference per level, for latency, throughput and the Rasa process's memory."""
    taai, reference = _by_users(results["targets"].get("taai")), _by_users(results["targets"].get("reference"))
    out = {"levels": []}
    for users in sorted(set(taai) & set(reference)):
        a, b = taai[users], reference[users]
        out["levels"].append(
            {
                "users": users,
                **{q: _ratio(a["latency_ms"][q], b["latency_ms"][q]) for q in ("p50", "p95", "p99")},
                "throughput": _ratio(a["throughput_tps"], b["throughput_tps"]),
                "rasa_rss": _ratio(
                    a["memory"].get("rasa", {}).get("rss_end"), b["memory"].get("rasa", {}).get("rss_end")
                ),
            }
        )
    idle_a = (results["targets"].get("taai") or {}).get("idle_memory") or {}
    idle_b = (results["targets"].get("reference") or {}).get("idle_memory") or {}
    out["idle_rasa_rss"] = _ratio(idle_a.get("rasa", {}).get("rss"), idle_b.get("rasa", {}).get("rss"))
    training = results.get("training", {})
    out["training_wall"] = _ratio(
        (training.get("taai") or {}).get("wall_s"), (training.get("reference") or {}).get("wall_s")
    )
    return out


def _aim(text: str, met: bool | None, detail: str) -> dict:
    return {"aim": text, "met": met, "detail": detail}


def aims(results: dict) -> list[dict]:
    targets = results["targets"]
    taai, reference = _by_users(targets.get("taai")), _by_users(targets.get("reference"))
    found = []

    text = f"Taai's median turn latency at 1 user is at most {LATENCY_FACTOR}x the reference's"
    if 1 in taai and 1 in reference and reference[1]["latency_ms"]["p50"]:
        a, b = taai[1]["latency_ms"]["p50"], reference[1]["latency_ms"]["p50"]
        found.append(
            _aim(
                text,
                a is not None and a <= LATENCY_FACTOR * b,
                f"{_n(a)} ms vs {LATENCY_FACTOR} x {_n(b)} ms = {_n(LATENCY_FACTOR * b)} ms",
            )
        )
    else:
        found.append(_aim(text, None, "needs the 1-user level for Taai and the reference"))

    text = f"0 errors at {ERROR_FREE_USERS} concurrent users (Taai, warm-up included)"
    if ERROR_FREE_USERS in taai:
        level = taai[ERROR_FREE_USERS]
        errors = level["errors"] + level["warmup"]["errors"]
        turns = level["turns_attempted"] + level["warmup"]["turns"]
        found.append(_aim(text, errors == 0, f"{errors} errors in {turns} turns, window: {level['errors_by_kind']}"))
    else:
        found.append(_aim(text, None, f"the {ERROR_FREE_USERS}-user level was not run"))

    text = f"a fresh `rasa train` of Taai takes under {TRAIN_LIMIT_S // 60} minutes"
    training = results.get("training", {}).get("taai")
    if training and training.get("ok"):
        found.append(
            _aim(text, training["wall_s"] < TRAIN_LIMIT_S, f"{training['wall_s']} s wall ({training['cpu_s']} s CPU)")
        )
    else:
        found.append(_aim(text, None, "training not measured" if not training else "training failed"))

    text = "one Rasa process stays under 1.5 GB (Taai, peak VmHWM of its process tree)"
    entry = targets.get("taai") or {}
    hwm = [level["memory"]["rasa"]["hwm"] for level in entry.get("levels", []) if "rasa" in level["memory"]]
    hwm += [(entry.get("idle_memory") or {}).get("rasa", {}).get("hwm") or 0]
    idle = (entry.get("idle_memory") or {}).get("rasa", {}).get("rss")
    if max(hwm) > 0:
        found.append(_aim(text, max(hwm) < RSS_LIMIT, f"peak {_mb(max(hwm))} MB, idle RSS {_mb(idle)} MB"))
    else:
        found.append(_aim(text, None, "Taai was not measured"))

    text = f"the production profile has at least {SCALE_FACTOR}x the throughput of one process"
    production = _by_users(targets.get("production"))
    common = sorted(set(production) & set(taai))
    if common:
        users = common[-1]
        a, b = production[users]["throughput_tps"], taai[users]["throughput_tps"]
        found.append(
            _aim(
                text,
                b > 0 and a >= SCALE_FACTOR * b,
                f"at {users} users: {_n(a, 2)} vs {_n(b, 2)} turns/s = {_n(_ratio(a, b), 2)}x",
            )
        )
    else:
        why = (targets.get("production") or {}).get("skipped") or (targets.get("production") or {}).get("error")
        found.append(_aim(text, None, why or "needs the production profile and Taai at the same number of users"))
    return found


def summary(results: dict) -> str:
    lines = ["", "=" * 92, "Summary", "=" * 92]
    training = results.get("training", {})
    if training:
        lines.append("Training (fresh, empty cache)   wall s    CPU s")
        for name, label in (("taai", "Taai: rasa train"), ("reference", "reference: rasa init")):
            t = training.get(name)
            if t:
                lines.append(
                    f"  {label:<29} {_n(t.get('wall_s'), 1):>7}  {_n(t.get('cpu_s'), 1):>7}"
                    + ("" if t.get("ok") else "  FAILED")
                )
        lines.append("")
    lines.append(level_header())
    for target, entry in results["targets"].items():
        for level in entry.get("levels", []):
            lines.append(level_row(target, level))
        for key in ("skipped", "error"):
            if entry.get(key):
                lines.append(f"{target:<11} {key}: {entry[key]}")
    lines.extend(_memory_lines(results))
    r = results["ratios"]
    if r["levels"] or r["idle_rasa_rss"] or r["training_wall"]:
        lines += [
            "",
            "Ratios Taai / reference",
            "{:>5} {:>6} {:>6} {:>6} {:>10} {:>9}".format("users", "p50", "p95", "p99", "turns/s", "Rasa RSS"),
        ]
        for level in r["levels"]:
            lines.append(
                "{:>5} {:>6} {:>6} {:>6} {:>10} {:>9}".format(
                    level["users"], *(_n(level[k], 2) for k in ("p50", "p95", "p99", "throughput", "rasa_rss"))
                )
            )
        lines.append(f"idle Rasa RSS {_n(r['idle_rasa_rss'], 2)}, training wall time {_n(r['training_wall'], 2)}")
    lines += ["", "Aims"]
    for aim in results["aims"]:
        verdict = {True: "aim met   ", False: "aim missed", None: "aim n/a   "}[aim["met"]]
        lines.append(f"  {verdict}  {aim['aim']}: {aim['detail']}")
    return "\n".join(lines)


def write_json(results: dict, out_dir: Path, stamp: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
