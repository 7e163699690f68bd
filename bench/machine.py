"""What the figures were measured on, and how busy other processes kept the machine meanwhile."""

from __future__ import annotations

import os
import platform
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("torch", "transformers", "tokenizers", "scikit-learn", "jieba", "numpy", "mlflow", "uvicorn", "fastapi")
_TICK = os.sysconf("SC_CLK_TCK")


def describe() -> dict:
    """Cores, CPU model, RAM, Python and the versions of the packages that set the figures."""
    return {"cpu_model": _cpuinfo("model name"), "cores": os.cpu_count(),
            "ram_gib": round(_meminfo_kib("MemTotal") / 2**20, 1), "python": platform.python_version(),
            "platform": platform.platform(), "packages": {p: _version(p) for p in PACKAGES}}


def _cpuinfo(key: str) -> str | None:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def _meminfo_kib(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from ``/proc/<pid>/task/*/children``)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return out


def _busy_ticks() -> tuple[int, int]:
    """Machine-wide CPU ticks: busy (user, nice, system, irq, softirq) and stolen by the hypervisor."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return user + nice + system + irq + softirq, steal


def _own_ticks() -> dict[int, int]:
    """CPU ticks (user + system) of this process and each of its descendants."""
    ticks = {}
    for pid in process_tree(os.getpid()):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(stat[11]) + int(stat[12])
    return ticks


def _own_delta(before: dict[int, int], after: dict[int, int]) -> int:
    return sum(t - before.get(pid, 0) for pid, t in after.items())


class OtherLoad:
    """Samples, once a second, the CPU (in cores) used outside this benchmark's process tree.

    ``other``: other processes on this machine; ``steal``: time the hypervisor gave
    to other machines while this one wanted to run (a virtual machine's noise).
    """

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self.samples: list[float] = []
        self.steal: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> OtherLoad:
        self.load_start = os.getloadavg()[0]
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        (busy, steal), own, t = _busy_ticks(), _own_ticks(), time.monotonic()
        while not self._stop.wait(self.interval):
            (busy2, steal2), own2, t2 = _busy_ticks(), _own_ticks(), time.monotonic()
            self.samples.append(max(0, busy2 - busy - _own_delta(own, own2)) / _TICK / (t2 - t))
            self.steal.append((steal2 - steal) / _TICK / (t2 - t))
            busy, steal, own, t = busy2, steal2, own2, t2

    def summary(self) -> dict:
        s, st = sorted(self.samples) or [0.0], self.steal or [0.0]
        return {"other_cores_mean": round(sum(s) / len(s), 2), "other_cores_p90": round(s[int(0.9 * (len(s) - 1))], 2),
                "other_cores_max": round(s[-1], 2), "steal_cores_mean": round(sum(st) / len(st), 2),
                "steal_cores_max": round(max(st), 2), "samples": len(self.samples),
                "loadavg_1min_start": round(self.load_start, 2), "loadavg_1min_end": round(os.getloadavg()[0], 2)}
