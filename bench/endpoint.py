"""The endpoint: ``mgkg serve`` against the Oxigraph server on the same data, on loopback.

Each server runs in its own process with its defaults (``mgkg serve --input FILE --port
PORT``; ``oxigraph load`` then ``oxigraph serve --location DIR --bind 127.0.0.1:PORT``).
Clients are threads of the benchmark process, each on its own keep-alive connection,
sending the same catalog query (bound parameters written in as a VALUES block, as ``mgkg
query --endpoint`` sends it) as a form-encoded POST asking for SPARQL JSON results, as
fast as answers come back, for a fixed time after a short warm-up. Both servers get the
same requests from the same client code, so client overhead counts equally against both.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .measure import ROOT, environment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, path: str, timeout: float, process: subprocess.Popen) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


class Server:
    def __init__(self, name: str, process: subprocess.Popen, url: str, query_path: str, started: float):
        self.name, self.process, self.url, self.query_path = name, process, url, query_path
        self.startup_seconds = started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_mgkg(data: Path, cache_dir: Path) -> Server:
    port = free_port()
    env = environment()
    env["MGKG_CACHE_DIR"] = str(cache_dir)
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mgkg", "serve", "--input", str(data), "--port", str(port), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, "/health", 300, process)
    return Server("mgkg serve", process, url, "/sparql", time.perf_counter() - started)


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).with_name("oxigraph")
    return str(local) if local.exists() else shutil.which("oxigraph")


def start_oxigraph(data: Path, work: Path) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    location = work / f"oxigraph-{data.stem}"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [binary, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, "/query?query=ASK%7B%7D", 120, process)
    return Server("oxigraph server", process, url, "/query", time.perf_counter() - started)


def query_text(name: str) -> str:
    """A catalog query with its default parameters written in (what ``--endpoint`` sends)."""
    from mgkg import query as q
    from mgkg.catalog import load_catalog

    query = load_catalog(ROOT / "queries").get(name)
    return q.prepare(query, {}, None).with_values()


def load(server: Server, text: str, clients: int, duration: float, warmup: float = 1.0) -> dict:
    """``clients`` keep-alive clients sending ``text`` for ``duration`` seconds."""
    body = urlencode({"query": text}).encode("utf-8")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    parts = urlsplit(server.url)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    rows: list[int | None] = [None]
    start_at = time.monotonic() + 0.2
    measure_from = start_at + warmup
    stop_at = measure_from + duration

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.monotonic() < start_at:
            time.sleep(0.01)
        while True:
            begun = time.monotonic()
            if begun >= stop_at:
                break
            try:
                conn.request("POST", server.query_path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                ok = False
                data = b""
            ended = time.monotonic()
            if begun >= measure_from and ended <= stop_at:
                if ok:
                    latencies[i].append(ended - begun)
                else:
                    errors[i] += 1
            if ok and rows[0] is None:
                parsed = json.loads(data)
                rows[0] = len(parsed["results"]["bindings"]) if "results" in parsed else 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + warmup + 120)
    samples = sorted(x for per in latencies for x in per)
    count = len(samples)

    def pct(p: float) -> float | None:
        return samples[min(count - 1, int(p * count))] if count else None

    return {
        "clients": clients,
        "duration": duration,
        "requests": count,
        "errors": sum(errors),
        "throughput": count / duration,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "rows": rows[0],
    }


def run(
    data: Path,
    cache_dir: Path,
    work: Path,
    queries: dict[str, str],
    clients: list[int],
    duration: float,
    warmup: float = 1.0,
) -> dict:
    """Both servers, every (query, clients) pair; servers run one at a time."""
    work.mkdir(parents=True, exist_ok=True)
    texts = {kind: query_text(name) for kind, name in queries.items()}
    result: dict = {"data": data.name, "queries": queries, "servers": {}, "cpus": os.cpu_count()}
    for starter in (start_mgkg, start_oxigraph):
        try:
            server = starter(data, cache_dir) if starter is start_mgkg else starter(data, work)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            result["servers"][starter.__name__.replace("start_", "")] = {"error": str(exc)[:300]}
            continue
        try:
            runs = {}
            for kind, text in texts.items():
                for n in clients:
                    runs[f"{kind}/{n}"] = load(server, text, n, duration, warmup)
            result["servers"][server.name] = {"startup_seconds": server.startup_seconds, "runs": runs}
        finally:
            server.stop()
    return result
