"""Run regwire's services as separate processes: for e2e tests, chaos runs and benchmarks.

Each service is ``python -m services.cli <name>`` with its own environment, log file
and HTTP port. ``PipelineEnv`` builds the environment (broker, topics, groups, DSN)
so that a test or a benchmark gets an isolated pipeline on a shared broker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
PORT_VARIABLE = {
    "fetcher": "REGWIRE_FETCHER_PORT",
    "parser": "REGWIRE_PARSER_PORT",
    "sink": "REGWIRE_SINK_PORT",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PipelineEnv:
    """The environment shared by one isolated pipeline's processes."""

    bootstrap: str
    name: str
    dsn: str
    partitions: int = 3
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def topics(self) -> dict[str, str]:
        return {
            "raw": f"{self.name}.news.raw.v1",
            "articles": f"{self.name}.news.articles.v1",
            "events": f"{self.name}.regulatory.events.v1",
        }

    def for_service(self, service: str, port: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGWIRE_")}
        env.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "REGWIRE_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "REGWIRE_KAFKA_PARTITIONS": str(self.partitions),
                "REGWIRE_TOPIC_RAW": self.topics["raw"],
                "REGWIRE_TOPIC_ARTICLES": self.topics["articles"],
                "REGWIRE_TOPIC_EVENTS": self.topics["events"],
                "REGWIRE_PARSER_GROUP_ID": f"{self.name}-parser",
                "REGWIRE_SINK_GROUP_ID": f"{self.name}-sink",
                "REGWIRE_SINK_DSN": self.dsn,
                "REGWIRE_LOG_FORMAT": "json",
                "PYTHONUNBUFFERED": "1",
                PORT_VARIABLE[service]: str(port),
            }
        )
        env.update(self.extra)
        return env


@dataclass
class ServiceProcess:
    """One service process: start, wait until ready, scrape, stop, kill."""

    service: str
    env: PipelineEnv
    log_dir: Path
    args: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{self.service}.log"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> ServiceProcess:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.cli", self.service, *self.args],
                cwd=ROOT,
                env=self.env.for_service(self.service, self.port),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.starts += 1
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def status(self, path: str, timeout: float = 2.0) -> int:
        try:
            return httpx.get(self.url(path), timeout=timeout).status_code
        except httpx.HTTPError:
            return 0

    def wait_ready(self, timeout: float = 60.0) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.service} exited early; log:\n{self.tail_log()}")
            if self.status("/readyz") == 200:
                return time.monotonic() - began
            time.sleep(0.1)
        raise TimeoutError(f"{self.service} not ready in {timeout}s; log:\n{self.tail_log()}")

    def metrics(self) -> dict[str, float]:
        """Samples summed over labels, by sample name (``regwire_x_total`` -> value)."""
        try:
            text = httpx.get(self.url("/metrics"), timeout=5).text
        except httpx.HTTPError:
            return {}
        totals: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
        return totals

    def terminate(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait: the exit code, or None if it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail_log(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running(*services: ServiceProcess, ready_timeout: float = 60.0) -> Iterator[None]:
    """Start services, wait until each is ready, and always stop them."""
    try:
        for svc in services:
            svc.start()
        for svc in services:
            svc.wait_ready(ready_timeout)
        yield
    finally:
        for svc in services:
            svc.terminate()


def run_cli(
    env: PipelineEnv, *args: str, timeout: float = 120.0, service: str = "fetcher"
) -> subprocess.CompletedProcess[str]:
    """Run a one-shot ``regwire`` command (replay, events, migrate) in the pipeline's env."""
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        cwd=ROOT,
        env=env.for_service(service, 0),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
