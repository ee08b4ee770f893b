"""A throwaway PostgreSQL cluster on loopback, for the tests, the chaos suite and benchmarks.

Uses the server binaries of Debian's ``postgresql`` package (``make test`` installs
it when absent). The cluster runs as an unprivileged user (PostgreSQL refuses root):
the current user, or ``postgres`` / ``nobody`` when running as root. Trust
authentication on 127.0.0.1 only; the data folder is deleted by ``cleanup()``.

    with LocalPostgres() as pg:
        pg.dsn   # postgresql+asyncpg://regwire@127.0.0.1:PORT/regwire
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

DB_NAME = "regwire"
DB_USER = "regwire"


class PostgresError(RuntimeError):
    """The cluster could not be provided; the message says what to do."""


def find_bindir() -> Path:
    """The newest installed server's bin folder (Debian keeps them per major version)."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "postgres").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("postgres")
    if found:
        return Path(found).parent
    raise PostgresError(
        "PostgreSQL server binaries were not found. Install Debian's package "
        "('apt-get install postgresql'; make test does this), or set "
        "REGWIRE_TEST_POSTGRES_DSN to an existing server."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> pwd.struct_passwd | None:
    """Who the server runs as: None for the current (non-root) user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresError("running as root and no 'postgres' or 'nobody' user to run the server as")


def _demote(user: pwd.struct_passwd | None) -> Callable[[], None] | None:
    if user is None:
        return None

    def apply() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return apply


def _check_reachable(folder: Path, user: pwd.struct_passwd | None) -> None:
    """Fail now, with the folder to fix, if the server's user cannot reach ``folder``
    (initdb would only say "Permission denied")."""
    if user is None:
        return
    for parent in folder.resolve().parents:
        st = parent.stat()
        if st.st_uid != user.pw_uid and not st.st_mode & stat.S_IXOTH:
            raise PostgresError(
                f"{parent} (mode {stat.filemode(st.st_mode)}) keeps user {user.pw_name!r} "
                f"out of {folder}: put the data folder elsewhere or chmod o+x {parent}"
            )


class LocalPostgres:
    def __init__(
        self, base_dir: Path | None = None, port: int | None = None, *, fsync: bool = True
    ):
        self.bindir = find_bindir()
        self.user = _run_as()
        self.base = Path(base_dir or tempfile.mkdtemp(prefix="regwire-pg-"))
        self.base.mkdir(parents=True, exist_ok=True)
        # The server user must be able to reach its folder (mkdtemp makes 0700 ones).
        self.base.chmod(0o755)
        _check_reachable(self.base, self.user)
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.port = port or _free_port()
        self.fsync = fsync
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql+asyncpg://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}"

    @property
    def log_file(self) -> Path:
        return self.base / "postgres.log"

    def _own(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)

    def _initdb(self) -> None:
        self.data.mkdir(exist_ok=True)
        self.sockets.mkdir(exist_ok=True)
        for path in (self.data, self.sockets):
            self._own(path)
        cmd = [
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", DB_USER,
            "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions",
        ]  # fmt: skip
        result = subprocess.run(
            cmd, capture_output=True, text=True, check=False, preexec_fn=_demote(self.user)
        )
        if result.returncode != 0:
            raise PostgresError("initdb failed:\n" + (result.stdout + result.stderr)[-2000:])

    def start(self, timeout: float = 60.0) -> None:
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
            created = True
        else:
            created = False
        log = self.log_file.open("ab")
        self._own(self.log_file)
        server = [
            str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.sockets}",
            "-c", f"fsync={'on' if self.fsync else 'off'}", "-c", "max_connections=200",
            "-c", "shared_buffers=128MB",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            server,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_demote(self.user),
            start_new_session=True,
        )
        log.close()
        self._wait_ready(timeout)
        if created:
            self.psql(f"CREATE DATABASE {DB_NAME}", database="postgres")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise PostgresError(
                    f"postgres exited with code {self.proc.returncode}; see {self.log_file}"
                )
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise PostgresError(f"postgres did not accept connections within {timeout:.0f}s")

    def psql(self, sql: str, database: str = DB_NAME) -> str:
        cmd = [
            str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-h", "127.0.0.1",
            "-p", str(self.port), "-U", DB_USER, "-d", database, "-c", sql,
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def stop(self, mode: str = "fast", timeout: float = 30.0) -> None:
        """``fast`` (SIGINT) or ``immediate`` (SIGQUIT: no checkpoint, crash recovery next)."""
        if self.proc is None:
            return
        sig = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[mode]
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, mode: str = "immediate") -> None:
        self.stop(mode)
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a throwaway PostgreSQL until Ctrl-C.")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        with LocalPostgres(port=args.port) as pg:
            print(pg.dsn, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
    except PostgresError as exc:
        print(f"local_postgres: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
