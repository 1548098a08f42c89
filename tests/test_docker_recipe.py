"""The Dockerfile's recipe, proved without a Docker daemon.

The replay builds what the image would hold: the files its COPY lines copy, its `pip install`
RUN line run verbatim in a fresh venv (from the package registry, as `docker build` does), then
the image's commands run as its non-root USER with only the state folder writable, as the
VOLUME would be. Where a daemon is present, `test_docker_build_and_demo` does the same for real.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def instructions(path: Path = ROOT / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def first(name: str) -> str:
    found = [args for word, args in instructions() if word == name]
    assert found, f"Dockerfile has no {name}"
    return found[-1] if name in ("CMD", "USER", "HEALTHCHECK", "WORKDIR") else found[0]


def env_of_image() -> dict[str, str]:
    """The ENV lines' KEY=value pairs."""
    env = {}
    for word, args in instructions():
        if word == "ENV":
            for pair in args.split():
                key, _, value = pair.partition("=")
                env[key] = value
    return env


# --- what the recipe promises -----------------------------------------------------------------


def test_the_image_is_slim_non_root_and_serves_with_a_healthcheck():
    assert first("FROM").startswith("python:3.11-slim")
    uid, _, gid = first("USER").partition(":")
    assert uid.isdigit() and int(uid) != 0 and (not gid or int(gid) != 0)
    assert json.loads(first("CMD")) == ["hmip-bot", "serve"]
    assert json.loads(first("HEALTHCHECK").split("CMD", 1)[1]) == ["hmip-bot", "status", "--check"]
    workdir = first("WORKDIR")
    assert json.loads(first("VOLUME")) == [f"{workdir}/state"]  # config.yaml's default state_dir
    secrets = [k for k in env_of_image() if any(w in k for w in ("TOKEN", "PASSWORD", "SECRET"))]
    assert secrets == []  # secrets come from the environment at run time


def test_dockerignore_keeps_exactly_what_the_copy_lines_need():
    lines = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines[0] == "*"  # everything else (state/, .venv/, .git/, config.yaml) stays out
    kept = {ln[1:].rstrip("/") for ln in lines if ln.startswith("!")}
    for word, args in instructions():
        if word == "COPY":
            sources = args.split()[:-1]
            assert set(s.rstrip("/") for s in sources) <= kept, args


def test_procfile_runs_serve():
    assert (ROOT / "Procfile").read_text().splitlines()[0] == "worker: hmip-bot serve"


# --- the replay -------------------------------------------------------------------------------


def _as_user(uid: int, gid: int) -> list[str]:
    """The command prefix that runs as the image's user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


def _python_for(prefix: list[str]) -> str:
    """A Python >= 3.11 that the image's user can run (pyenv's, under a private /root, is not)."""
    candidates = [getattr(sys, "_base_executable", sys.executable), sys.executable,
                  shutil.which("python3.11"), "/usr/local/bin/python3", "/usr/bin/python3"]
    probe = ("import os, sys, venv, ensurepip; "
             "print(sys.version, sys.base_prefix, sys.version_info >= (3, 11), "
             "os.access(sys.executable, os.R_OK))")
    for python in dict.fromkeys(c for c in candidates if c and Path(c).exists()):
        env = {"PATH": "/usr/bin:/bin"}
        as_root = subprocess.run([python, "-c", probe], capture_output=True, text=True, env=env)
        as_user = subprocess.run([*prefix, python, "-c", probe], capture_output=True, text=True, env=env)
        # The same interpreter both ways (an unreadable one can start with the system's
        # libpython and another version), at least 3.11, with venv.
        if (as_user.returncode == 0 and as_user.stdout == as_root.stdout
                and as_user.stdout.strip().endswith("True True")):
            return python
    pytest.fail("no Python >= 3.11 with venv is runnable by a non-root user "
                "(on Debian: apt-get install python3-venv)")


@pytest.fixture
def build_dir():
    """A world-readable folder (pytest's tmp_path is private to root, unlike an image's /app)."""
    path = Path(tempfile.mkdtemp(prefix="hmip-docker-replay-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _copy(sources: list[str], dest: Path, into: bool) -> None:
    """COPY's rules: a folder's contents are copied; a file goes into `dest` if `into`, else as it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")  # as .dockerignore says
    for src in sources:
        path = ROOT / src
        if path.is_dir():
            shutil.copytree(path, dest, ignore=ignore, dirs_exist_ok=True)
        else:
            target = dest / path.name if into else dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def replay_build(build: Path, python: str) -> tuple[Path, Path]:
    """COPY and the pip RUN lines into build/app with build/venv as the image's Python."""
    venv = build / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    app = build / "app"
    app.mkdir()
    env = {"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(build),
           **env_of_image()}
    for word, args in instructions():
        if word == "COPY":
            *sources, dest = args.split()
            into = dest.endswith("/") or dest == "." or len(sources) > 1
            _copy(sources, app / dest, into)
        elif word == "RUN" and "pip install" in args:
            done = subprocess.run(["bash", "-c", args], cwd=app, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return app, venv


def test_the_docker_recipe_installs_and_runs_as_a_non_root_user(build_dir):
    uid, _, gid = first("USER").partition(":")
    uid, gid = int(uid), int(gid or uid)
    prefix = _as_user(uid, gid)
    app, venv = replay_build(build_dir, _python_for(prefix))

    # The volume: a separate folder owned by the user, mounted where the VOLUME line says.
    volume = build_dir / "volume"
    volume.mkdir()
    home = build_dir / "home"
    home.mkdir()
    if prefix:
        os.chown(volume, uid, gid)
        os.chown(home, uid, gid)
    # The mounted config: the default state_dir (state, next to it) is the volume.
    # Its one source has the demo's name: `status --check` counts only sources in the config.
    (app / "config.yaml").write_text("poll:\n  interval_minutes: 30\nsources:\n"
                                     "  - {name: hmi-probation-news, type: feed, url: 'http://127.0.0.1:9/feed/'}\n")
    for path in (app, *app.rglob("*")):  # root-owned and read-only to the user, like /app
        assert not path.stat().st_mode & stat.S_IWOTH
    (app / "state").symlink_to(volume)

    env = {"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), **env_of_image()}

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *argv], cwd=app, env=env, capture_output=True, text=True,
                              timeout=120)

    health = json.loads(first("HEALTHCHECK").split("CMD", 1)[1])
    before = run(*health)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "no successful poll" in before.stdout

    throwaway = run("hmip-bot", "demo")  # `docker run --rm hmip-bot hmip-bot demo`
    assert throwaway.returncode == 0, throwaway.stderr
    assert "Sheffield PDU" in throwaway.stdout

    demo = run("hmip-bot", "demo", "--state", "state")
    assert demo.returncode == 0, demo.stderr
    assert "Sheffield PDU" in demo.stdout
    after = run(*health)
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout.startswith("ok: last successful poll")

    # The commands ran the installed package (as console scripts do, from any folder), and
    # wrote only to the volume.
    where = subprocess.run([*prefix, f"{venv}/bin/python", "-c", "import bot; print(bot.__file__)"],
                           cwd=home, env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    written = [p for p in volume.rglob("*") if p.is_file()]
    assert written and all(p.stat().st_uid == (uid if prefix else os.geteuid()) for p in written)


def _docker_daemon() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon here; the replay above stands in")
def test_docker_build_and_demo():
    tag = "hmip-bot:test"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=900)
    demo = subprocess.run(["docker", "run", "--rm", tag, "hmip-bot", "demo"], capture_output=True,
                          text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "Sheffield PDU" in demo.stdout
    whoami = subprocess.run(["docker", "run", "--rm", tag, "id", "-u"], capture_output=True,
                            text=True, timeout=120)
    assert whoami.stdout.strip() != "0"
