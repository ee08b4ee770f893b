"""A single-node Apache Kafka broker (KRaft) for laptops, tests and benchmarks.

The broker runs from the release jars, resolved from Maven Central with ``mvn``
(``org.apache.kafka:kafka_2.13`` and its runtime dependencies) into a cache folder,
so only the first start needs the network. It formats its storage, listens on
127.0.0.1, and counts as started only when it answers a metadata request.

With ``KAFKA_BOOTSTRAP_SERVERS`` set, nothing is started: that cluster is used.

    python deploy/local/local_kafka.py exec -- regwire run     # broker around a command
    python deploy/local/local_kafka.py start --data-dir var/kafka --port 9092
    python deploy/local/local_kafka.py stop --data-dir var/kafka
    python deploy/local/local_kafka.py fetch                    # resolve the jars only

From Python (the test fixtures and the benchmarks)::

    with LocalKafka(data_dir) as broker:
        broker.bootstrap_servers
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

KAFKA_VERSION = os.environ.get("REGWIRE_KAFKA_VERSION", "4.3.1")
SCALA_VERSION = "2.13"
SLF4J_VERSION = "2.0.17"
DEFAULT_CACHE = Path(
    os.environ.get("REGWIRE_KAFKA_CACHE", Path.home() / ".cache" / "regwire" / "kafka")
)

POM_TEMPLATE = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.regwire</groupId>
  <artifactId>local-kafka</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_{scala}</artifactId>
      <version>{kafka}</version>
    </dependency>
    <!-- declared here so they win over the 1.7 API that kafka pulls in -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>{slf4j}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>{slf4j}</version>
    </dependency>
  </dependencies>
</project>
"""


class LauncherError(RuntimeError):
    """The broker could not be provided; the message says what to do."""


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not java:
        raise LauncherError(
            "Java was not found. The local Kafka broker needs a Java 17+ runtime: install one "
            "(Debian/Ubuntu: 'apt-get install openjdk-17-jre-headless maven'), or point regwire "
            "at an existing cluster with KAFKA_BOOTSTRAP_SERVERS=host:port."
        )
    return java


def resolve_jars(version: str = KAFKA_VERSION, cache: Path = DEFAULT_CACHE) -> Path:
    """Return the folder of jars for ``version``, downloading them once with Maven."""
    home = cache / version
    libs = home / "libs"
    marker = home / ".complete"
    if marker.exists():
        return libs
    mvn = shutil.which("mvn")
    if not mvn:
        raise LauncherError(
            "Maven ('mvn') is needed once to download the Kafka jars from Maven Central: "
            "install it (Debian/Ubuntu: 'apt-get install maven'), or set "
            "KAFKA_BOOTSTRAP_SERVERS to use an existing cluster."
        )
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="libs-", dir=home))
    pom = home / "pom.xml"
    pom.write_text(
        POM_TEMPLATE.format(scala=SCALA_VERSION, kafka=version, slf4j=SLF4J_VERSION),
        encoding="utf-8",
    )
    cmd = [
        mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise LauncherError(
            f"mvn could not resolve org.apache.kafka:kafka_{SCALA_VERSION}:{version}:\n"
            + (result.stdout + result.stderr)[-3000:]
        )
    shutil.rmtree(libs, ignore_errors=True)
    staging.rename(libs)
    marker.write_text(version, encoding="utf-8")
    return libs


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """Runs in the child before exec: the broker dies if its owner dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


async def _answers_metadata(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient  # the project's own client

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        await admin.describe_cluster()
    except Exception:  # not up yet: any failure means "try again"
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    return True


def wait_until_ready(
    bootstrap: str, timeout: float = 90.0, proc: subprocess.Popen[bytes] | None = None
) -> float:
    """Block until the broker answers a metadata request; returns the seconds waited."""
    # aiokafka logs each refused connection; while waiting, those are expected.
    client_log = logging.getLogger("aiokafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    start = time.monotonic()
    try:
        while time.monotonic() - start < timeout:
            if proc is not None and proc.poll() is not None:
                raise LauncherError(f"the Kafka broker exited with code {proc.returncode}")
            if asyncio.run(_answers_metadata(bootstrap)):
                return time.monotonic() - start
            time.sleep(0.3)
    finally:
        client_log.setLevel(level)
    raise LauncherError(f"the Kafka broker at {bootstrap} did not answer within {timeout:.0f}s")


def cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64, not starting with '-'
    (the format tool would read such an id as an option)."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if cid[0].isalnum():
            return cid


class LocalKafka:
    """One broker process over one data folder; ``start()``/``stop()`` or ``with``."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        version: str = KAFKA_VERSION,
        cache: Path = DEFAULT_CACHE,
        heap: str = "512m",
        bind_to_parent: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.controller_port = free_port()
        self.version = version
        self.cache = cache
        self.heap = heap
        self.bind_to_parent = bind_to_parent
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    def _properties(self) -> str:
        logs = self.data_dir / "logs"
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                f"CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                f"log.dirs={logs}",
                # topics are created explicitly by regwire, with their partition counts
                "auto.create.topics.enable=false",
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "message.max.bytes=16777216",
                "log.retention.hours=168",
                "",
            ]
        )

    def _java(self, java: str, libs: Path, main: str, *args: str) -> list[str]:
        return [
            java, f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC",
            "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-cp", f"{libs}/*", main, *args,
        ]  # fmt: skip

    def start(self, timeout: float = 120.0) -> float:
        """Start (formatting storage on first use); returns seconds until it answered."""
        began = time.monotonic()
        java = find_java()
        libs = resolve_jars(self.version, self.cache)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        props = self.data_dir / "server.properties"
        props.write_text(self._properties(), encoding="utf-8")
        if not (self.data_dir / "logs" / "meta.properties").exists():
            cid = cluster_id()
            fmt = self._java(
                java, libs, "kafka.tools.StorageTool", "format", "-t", cid, "-c", str(props)
            )
            result = subprocess.run(fmt, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise LauncherError("formatting Kafka storage failed:\n" + result.stderr[-2000:])
        log = self.log_file.open("ab")
        self.proc = subprocess.Popen(
            self._java(java, libs, "kafka.Kafka", str(props)),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if self.bind_to_parent else None,
            start_new_session=True,
        )
        log.close()
        (self.data_dir / "broker.pid").write_text(str(self.proc.pid), encoding="utf-8")
        (self.data_dir / "bootstrap").write_text(self.bootstrap_servers, encoding="utf-8")
        try:
            wait_until_ready(self.bootstrap_servers, timeout, self.proc)
        except LauncherError:
            self.stop()
            raise
        return time.monotonic() - began

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown (SIGTERM), SIGKILL only if it does not finish in time."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / "broker.pid").unlink()

    def kill(self) -> None:
        """SIGKILL, for fault injection: no flush, no clean shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def __enter__(self) -> LocalKafka:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def external_bootstrap() -> str | None:
    """An existing cluster named by the environment, if any."""
    value = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    return value or None


@contextlib.contextmanager
def kafka_cluster(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """Yield bootstrap servers: the configured cluster, or a local broker for the block."""
    existing = external_bootstrap()
    if existing:
        yield existing
        return
    with LocalKafka(data_dir, port) as broker:
        yield broker.bootstrap_servers


def _stop_from_pidfile(data_dir: Path) -> bool:
    pidfile = data_dir / "broker.pid"
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text(encoding="utf-8"))
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        for _ in range(300):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="resolve the Kafka jars into the cache and exit")
    for name in ("start", "exec", "stop"):
        p = sub.add_parser(name)
        p.add_argument("--data-dir", type=Path, default=Path("var/kafka"))
        if name != "stop":
            p.add_argument("--port", type=int, default=None, help="default: a free port")
        if name == "exec":
            p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command to run")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(resolve_jars())
            return 0
        if args.command == "stop":
            stopped = _stop_from_pidfile(args.data_dir)
            print("stopped" if stopped else "no broker running from " + str(args.data_dir))
            return 0
        if args.command == "start":
            broker = LocalKafka(args.data_dir, args.port, bind_to_parent=False)
            took = broker.start()
            print(f"Kafka {broker.version} ready at {broker.bootstrap_servers} in {took:.1f}s")
            print(f"stop it with: python {sys.argv[0]} stop --data-dir {args.data_dir}")
            return 0
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            parser.error("exec needs a command after --")
        return _exec_with_broker(args.data_dir, args.port, cmd)
    except LauncherError as exc:
        print(f"local_kafka: {exc}", file=sys.stderr)
        return 2


def _exec_with_broker(data_dir: Path, port: int | None, cmd: list[str]) -> int:
    existing = external_bootstrap()
    env = dict(os.environ)
    if existing:
        print(f"Using the Kafka cluster at {existing} (KAFKA_BOOTSTRAP_SERVERS)", file=sys.stderr)
        return subprocess.call(cmd, env=env)
    broker = LocalKafka(data_dir, port)
    took = broker.start()
    print(
        f"Kafka {broker.version} ready at {broker.bootstrap_servers} in {took:.1f}s "
        f"(log: {broker.log_file})",
        file=sys.stderr,
    )
    env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
    child = subprocess.Popen(cmd, env=env)
    # Ctrl-C reaches the whole foreground group; wait for the command to wind down.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    finally:
        broker.stop()


if __name__ == "__main__":
    sys.exit(main())
