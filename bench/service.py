"""The API under load: a real uvicorn process on 127.0.0.1, its cold start, latency and peak memory."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bench.machine import process_tree
from bench.workload import LABELS, SEEDS

READY_TIMEOUT_S = 300
REQUEST_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """``python -m policytag.cli serve`` with the champion of ``home``'s MLflow store."""

    def __init__(self, home: Path, workdir: Path):
        self.home, self.workdir = home, workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict:
        env = {**os.environ, "POLICYTAG_HOME": str(self.home), "POLICYTAG_DATA_DIR": str(self.workdir / "data"),
               "POLICYTAG_SEEDS_DIR": str(SEEDS), "POLICYTAG_LABELS_DIR": str(LABELS)}
        for name in ("MLFLOW_TRACKING_URI", "POLICYTAG_API_KEY", "POLICYTAG_DATABASE_URL", "DATABASE_URL"):
            env.pop(name, None)
        return env

    def start(self) -> float:
        """Start the process; returns the ``perf_counter`` time it was started at."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = (self.workdir / "service.log").open("w")
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "policytag.cli", "serve", "--port", str(self.port)],
                                     env=self.env(), stdout=self.log, stderr=subprocess.STDOUT)
        return started

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if request(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"service not ready after {READY_TIMEOUT_S} s: {self.log_tail()}")

    def peak_rss_mib(self) -> dict:
        """Peak resident memory (VmHWM) of the process and of any children, in MiB; now: anonymous and file-backed."""
        pids = process_tree(self.proc.pid)
        peaks = [_status_kib(pid, "VmHWM") for pid in pids]
        return {"process": round(peaks[0] / 1024, 1), "children": len(pids) - 1,
                "total": round(sum(peaks) / 1024, 1),
                "anon_now": round(sum(_status_kib(pid, "RssAnon") for pid in pids) / 1024, 1),
                "file_now": round(sum(_status_kib(pid, "RssFile") for pid in pids) / 1024, 1)}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def log_tail(self) -> str:
        self.log.flush()
        return (self.workdir / "service.log").read_text(errors="replace")[-2000:]


def evict_page_cache(folder: Path) -> None:
    """Drop a folder's files from the page cache, as after a reboot.

    The encoder's weights are memory-mapped when loaded. While the pages the
    conversion wrote stay cached, a service held ~280 MiB more file-backed RSS
    (~1,500 vs ~1,220 MiB VmHWM, same anonymous RSS) than one started on an older
    cache or on pages read back from disk. Evicting them straight after the
    conversion makes the figure independent of what ran before. (Pages that a
    process has mapped cannot be evicted, so it must happen before any load.)
    """
    for path in folder.glob("*") if folder.is_dir() else []:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def request(port: int, method: str, path: str, body: bytes | None = None,
            conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        if own:
            conn.close()


def tag_body(text: str) -> bytes:
    return json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")


def cold_start(service: Service, report: str) -> dict:
    """Seconds from process start to the first 200 from /readyz, and to the first /v1/tag answer."""
    started = service.start()
    service.wait_ready()
    ready = time.perf_counter() - started
    status, payload = request(service.port, "POST", "/v1/tag", tag_body(report))
    first = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"first /v1/tag answered {status}: {payload[:500]!r}")
    doc = json.loads(payload)
    return {"ready_s": round(ready, 2), "first_tag_s": round(first, 2), "first_tag_latency_s": round(first - ready, 2),
            "report_chars": len(report), "report_segments": len(doc["segments"]), "model": doc["model"]}


def load_test(port: int, concurrency: int, bodies: list[bytes]) -> dict:
    """POST each body to /v1/tag from ``concurrency`` client threads with keep-alive connections."""
    local = threading.local()
    latencies, errors = [], []

    def one(body: bytes) -> None:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        start = time.perf_counter()
        try:
            status, _ = request(port, "POST", "/v1/tag", body, local.conn)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            local.conn.close()
            del local.conn
        latencies.append(time.perf_counter() - start)
        if status != 200:
            errors.append(status)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, bodies))
    wall = time.perf_counter() - start
    ms = np.array(latencies) * 1000
    return {"concurrency": concurrency, "requests": len(bodies), "errors": len(errors),
            "error_kinds": sorted({str(e) for e in errors}),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
            "requests_per_s": round(len(bodies) / wall, 2), "wall_s": round(wall, 2)}


def benchmark_service(home: Path, workdir: Path, report: Callable[[int], str], plan: list[tuple[int, int]]) -> dict:
    """Cold start, then ``(concurrency, requests)`` load phases, then peak RSS; every report is new."""
    service = Service(home, workdir)
    try:
        out = {"cold_start": cold_start(service, report(0)), "load": []}
        out["cold_start"]["peak_rss_mib"] = service.peak_rss_mib()["total"]
        n = 1
        for concurrency, requests in plan:
            bodies = [tag_body(report(n + i)) for i in range(requests)]
            n += requests
            phase = load_test(service.port, concurrency, bodies)
            phase["peak_rss_mib_so_far"] = service.peak_rss_mib()["total"]
            out["load"].append(phase)
        out["peak_rss_mib"] = service.peak_rss_mib()
        return out
    finally:
        service.stop()
