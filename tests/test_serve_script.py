"""Issue 11 item 22: ./scripts/serve.sh installs only when pyproject.toml changed (or the
install is missing), and passes its arguments (e.g. --demo) to `kwika serve`. Run in a
copy of the repository whose .venv records the commands instead of running them."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "serve.sh", tmp_path / "scripts" / "serve.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kwika"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    # `python -m pip ...` is recorded; anything else (the hash) runs the real interpreter.
    _executable(
        bin_dir / "python",
        f'#!/usr/bin/env bash\nif [ "$1 $2" = "-m pip" ]; then echo "pip $*" >> {log}; '
        f'exit 0; fi\nexec {sys.executable} "$@"\n',
    )
    _executable(bin_dir / "kwika", f'#!/usr/bin/env bash\necho "kwika $*" >> {log}\n')
    return tmp_path


def _serve(project: Path, *args: str, check: bool = True) -> list[str]:
    log = project / "calls.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PORT": "18801"}
    subprocess.run(
        ["bash", str(project / "scripts" / "serve.sh"), *args],
        check=check,
        env=env,
        timeout=60,
        capture_output=not check,
    )
    return log.read_text().splitlines()


def test_pip_runs_only_when_pyproject_changed(tmp_path):
    project = _project(tmp_path)
    first = _serve(project)
    assert [line.split()[0] for line in first] == ["pip", "kwika"]
    assert _serve(project, "--demo") == [
        "kwika serve --host 127.0.0.1 --port 18801 --demo"
    ]  # current: no pip
    with (project / "pyproject.toml").open("a") as changed:
        changed.write('version = "2"\n')
    assert [line.split()[0] for line in _serve(project)] == ["pip", "kwika"]
    (project / ".venv" / "bin" / "kwika").unlink()  # a broken install is reinstalled
    assert _serve(project, check=False)[0].startswith("pip")
