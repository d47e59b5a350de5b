"""Running measurements in subprocesses, summarising samples, describing the machine."""

from __future__ import annotations

import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def worker_command(task: str, **args) -> list[str]:
    return [PYTHON, "-m", "bench.worker", task, json.dumps(args)]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("MGKG_CACHE_DIR", None)
    return env


def run_once(task: str, timeout: float, **args) -> dict:
    """Run a one-shot worker task; its result event, or ``{"timeout": s}`` / ``{"error": ...}``."""
    try:
        done = subprocess.run(  # noqa: S603 (our own worker, no shell)
            worker_command(task, **args),
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("event") == "result":
                return event
    return {"error": (done.stderr.strip().splitlines() or ["no result"])[-1][:300]}


@dataclass
class QueryOutcome:
    times: list[float] | None = None
    rows: int | None = None
    timeout: float | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def run_queries(
    engine: str,
    path: Path,
    cache_dir: Path,
    names: list[str],
    repeats: int,
    budget: float | dict[str, float],
    ready_timeout: float,
    extra: dict | None = None,
) -> tuple[dict[str, dict], dict]:
    """Run catalog queries in a worker; a query past its budget is recorded as a timeout
    (a lower bound) and, for engines that cannot be interrupted in process, the worker is
    restarted for the rest of the queries."""
    results: dict[str, dict] = {}
    info: dict = {"restarts": 0}
    remaining = list(names)
    while remaining:
        args = {
            "engine": engine,
            "path": str(path),
            "cache_dir": str(cache_dir),
            "repeats": repeats,
            "budget": budget,
            "names": remaining,
            **(extra or {}),
        }
        process = subprocess.Popen(  # noqa: S603
            worker_command("queries", **args),
            cwd=ROOT,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue = queue.Queue()

        def pump(stream=process.stdout, sink=lines) -> None:
            for line in stream:
                sink.put(line)
            sink.put(None)

        threading.Thread(target=pump, daemon=True).start()
        errors: list[str] = []
        threading.Thread(target=lambda p=process, e=errors: e.extend(p.stderr), daemon=True).start()
        current = None
        current_budget = 0.0
        deadline = time.monotonic() + ready_timeout
        finished = False
        while True:
            try:
                line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                line = "TIMEOUT"
            if line is None:
                finished = True
                break
            if line == "TIMEOUT":
                if current is None:  # the engine never became ready
                    for name in remaining:
                        results[name] = QueryOutcome(
                            error=f"not ready within {ready_timeout:.0f} s"
                        ).as_dict()
                    remaining = []
                else:
                    results[current] = QueryOutcome(timeout=current_budget).as_dict()
                    remaining = remaining[remaining.index(current) + 1 :]
                    info["restarts"] += 1
                process.kill()
                process.wait()
                break
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            kind = event.pop("event")
            if kind == "ready":
                info.setdefault("ready_seconds", event["seconds"])
                info["peak_mb"] = max(info.get("peak_mb", 0), event["peak_mb"])
                if "round_trip" in event:
                    info.setdefault("round_trip", event["round_trip"])
            elif kind == "start":
                current = event["query"]
                current_budget = event["budget"]
                # the worker stops repeating at the budget; a first run past it is stopped here
                # (a single run has no later run to overshoot with, so it gets less grace)
                grace = 2.0 if repeats == 1 else max(5.0, 0.1 * current_budget)
                deadline = time.monotonic() + current_budget + grace
            elif kind == "done":
                name = event.pop("query")
                results[name] = event
                remaining = [n for n in remaining if n != name]
                current = None
                deadline = time.monotonic() + 60
        process.wait()
        if finished and remaining:  # the worker died: record why, stop
            message = (errors[-1].strip() if errors else f"worker exited {process.returncode}")[:300]
            if current is not None:
                results[current] = QueryOutcome(error=message).as_dict()
                remaining = [n for n in remaining if n != current]
                info["restarts"] += 1
                continue
            for name in remaining:
                results[name] = QueryOutcome(error=message).as_dict()
            remaining = []
    return results, info


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


def summary(samples: list[float] | None) -> dict | None:
    """Median and spread (min, max, relative half-range) of a list of samples."""
    if not samples:
        return None
    median = statistics.median(samples)
    return {
        "median": median,
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
        "spread": (max(samples) - min(samples)) / 2 / median if median else 0.0,
    }


def timed_subprocess(command: list[str], repeats: int, cwd: Path = ROOT) -> list[float]:
    """Wall time of a command (its whole process), ``repeats`` times."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, check=True)  # noqa: S603
        samples.append(time.perf_counter() - started)
    return samples


# ---------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------


def machine() -> dict[str, object]:
    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        info["cpu"] = names[0] if names else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            total = next(line for line in handle if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(total.split()[1]) / 2**20, 1)
    except (OSError, StopIteration):
        pass
    versions = {}
    for name in ("rdflib", "pyoxigraph", "pyshacl", "networkx", "pyvis", "playwright", "matplotlib"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001, S112 (an absent package is simply not listed)
            continue
    info["versions"] = versions
    chromium = Path("/usr/bin/chromium")
    if chromium.exists():
        try:
            out = subprocess.run(  # noqa: S603
                [str(chromium), "--version"], capture_output=True, text=True, timeout=20, check=False
            )
            info["chromium"] = out.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    oxigraph = Path(PYTHON).with_name("oxigraph")
    if oxigraph.exists():
        try:
            out = subprocess.run(  # noqa: S603
                [str(oxigraph), "--version"], capture_output=True, text=True, timeout=20, check=False
            )
            info["oxigraph_server"] = out.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    return info
