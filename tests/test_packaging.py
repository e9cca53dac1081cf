"""The wheel built from the project holds every subpackage of ``analysis`` and its resources."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from analysis.paths import PROJ_ROOT

PACKAGE = PROJ_ROOT / "analysis"


def _subpackages():
    """Every package under analysis/: folders holding an __init__.py (found by walking)."""
    return sorted(str(p.parent.relative_to(PROJ_ROOT).as_posix()) for p in PACKAGE.rglob("__init__.py")
                  if "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    """File names inside the wheel built from a copy of the project (the work tree stays clean)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copy(PROJ_ROOT / "pyproject.toml", src)
    shutil.copy(PROJ_ROOT / "README.md", src)
    shutil.copytree(PACKAGE, src / "analysis", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--disable-pip-version-check", "-q", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        return set(wheel.namelist())


def test_there_are_subpackages_to_check():
    packages = _subpackages()
    assert "analysis" in packages and "analysis/plots" in packages


def test_wheel_holds_every_subpackage(wheel_names):
    missing = [p for p in _subpackages() if f"{p}/__init__.py" not in wheel_names]
    assert not missing, f"subpackages missing from the wheel: {missing}"


def test_wheel_holds_every_module(wheel_names):
    modules = sorted(p.relative_to(PROJ_ROOT).as_posix() for p in PACKAGE.rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert [m for m in modules if m not in wheel_names] == []


def test_wheel_holds_the_resources(wheel_names):
    resources = sorted(p.relative_to(PROJ_ROOT).as_posix() for p in (PACKAGE / "resources").glob("*.txt"))
    assert resources, "no resource files found"
    assert [r for r in resources if r not in wheel_names] == []


def test_wheel_holds_no_tests_notebooks_or_benchmarks(wheel_names):
    top = {Path(name).parts[0] for name in wheel_names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"analysis"}
