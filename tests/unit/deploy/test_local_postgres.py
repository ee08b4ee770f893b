"""The PostgreSQL launcher's check that its server user can reach the data folder."""

from __future__ import annotations

import pwd
import tempfile
from pathlib import Path

import pytest
from local_postgres import PostgresError, _check_reachable

OTHER = pwd.struct_passwd(("pgtest", "x", 54321, 54321, "", "/", "/bin/false"))


def test_a_closed_parent_is_named_with_the_fix(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    with pytest.raises(PostgresError, match=r"closed .*drwx------.*chmod o\+x"):
        _check_reachable(closed / "pg", OTHER)


def test_traversable_parents_pass() -> None:
    # Not under tmp_path: pytest's base folder is private (0700).
    with tempfile.TemporaryDirectory(dir="/tmp") as made:
        folder = Path(made)
        folder.chmod(0o755)
        _check_reachable(folder / "pg", OTHER)


def test_running_as_ourselves_needs_no_check(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    _check_reachable(closed / "pg", None)
