"""What the figures were measured on: hardware, kernel, runtimes and library versions."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

LIBRARIES = (
    "aiokafka", "cramjam", "selectolax", "pydantic", "orjson", "httpx", "sqlalchemy",
    "asyncpg", "aiosqlite", "trafilatura", "htmldate", "lxml", "psutil",
)  # fmt: skip


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown"


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def postgres_version() -> str:
    from local_postgres import PostgresError, find_bindir

    try:
        return _first_line([str(find_bindir() / "postgres"), "--version"])
    except PostgresError:
        return "not installed"


def machine_info(kafka_version: str) -> dict[str, Any]:
    memory = psutil.virtual_memory().total
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": cpu_model(),
        "cores (logical)": os.cpu_count(),
        "cores usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory": f"{memory / 2**30:.1f} GiB",
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": _first_line(["java", "-version"]),
        "kafka": kafka_version,
        "postgresql": postgres_version(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
    }


def library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of a process in MB: ``VmHWM``, the kernel's own high-water mark, not
    ``ru_maxrss`` (which a child inherits over fork and exec); current RSS without /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float(psutil.Process(pid).memory_info().rss / 2**20)
    except (OSError, psutil.NoSuchProcess):
        return 0.0
