"""External command-line tools the deploy tests drive, found on PATH or in the venv."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


def find(name: str) -> str | None:
    beside_python = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside_python) if beside_python.exists() else None)


def require(name: str, how: str) -> str:
    """The tool's path, or skip the test saying how to get it."""
    path = find(name)
    if path is None:
        pytest.skip(f"{name} is not installed ({how})")
    return path
