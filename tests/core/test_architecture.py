"""The import contracts of pyproject.toml fail on a cycle, a reach-in, a module.py read by
another module, and core importing a module: shown on a throwaway project that follows
the same layout, checked with the same contracts."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> str:
    """pyproject's contracts, pointed at the throwaway ``shop`` package."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    lines = [
        "[tool.importlinter]",
        'root_packages = ["shop"]',
        f"contract_types = {config['contract_types']!r}".replace("'", '"'),
    ]
    for contract in config["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            if isinstance(value, str):
                value = value.replace("kwika", "shop")
            elif isinstance(value, list):
                value = [v.replace("kwika", "shop") for v in value]
            rendered = repr(value).replace("'", '"')
            lines.append(f"{key} = {rendered.lower() if isinstance(value, bool) else rendered}")
    return "\n".join(lines) + "\n"


def _project(tmp_path: Path, extra: dict[str, str]) -> Path:
    files = {
        "shop/__init__.py": "",
        "shop/registry.py": "import shop.modules.a.module\nimport shop.modules.b.module\n",
        "shop/core/__init__.py": "",
        "shop/integrations/__init__.py": "",
        "shop/modules/__init__.py": "",
        "shop/modules/a/__init__.py": "from shop.modules.a.service import run\n",
        "shop/modules/a/service.py": "import shop.modules.b\nimport shop.modules.b.signals\n"
        "def run():\n    return shop.modules.b.answer()\n",
        "shop/modules/a/module.py": "from shop.modules.a import service\n",
        "shop/modules/b/__init__.py": "def answer():\n    return 42\n",
        "shop/modules/b/signals.py": "",
        "shop/modules/b/internal.py": "",
        "shop/modules/b/module.py": "import shop.modules.b.internal\n",
        **extra,
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "pyproject.toml").write_text(_contracts())
    return tmp_path


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": f"{project}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_project_that_keeps_the_rules_passes(tmp_path: Path) -> None:
    result = _lint(_project(tmp_path, {}))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "extra", "broken"),
    [
        (
            "cycle",
            {"shop/modules/b/internal.py": "import shop.modules.a\n"},
            "No cycles between modules BROKEN",
        ),
        (
            "reach-in",
            {"shop/modules/a/service.py": "import shop.modules.b.internal\n"},
            "shop.modules.a.service -> shop.modules.b.internal",
        ),
        (
            "module.py read by another module",
            {"shop/modules/a/service.py": "import shop.modules.b.module\n"},
            "shop.modules.a.service -> shop.modules.b.module",
        ),
        (
            "core importing a module",
            {"shop/core/__init__.py": "import shop.modules.b\n"},
            "import no module (nor the registry) BROKEN",
        ),
    ],
)
def test_the_contracts_fail_on(tmp_path: Path, name: str, extra: dict[str, str], broken: str):
    result = _lint(_project(tmp_path, extra))
    assert result.returncode != 0, name
    assert broken in result.stdout, result.stdout + result.stderr


def test_kwika_keeps_its_contracts() -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:]
