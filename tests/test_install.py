"""A non-editable install, as a user gets it: ``pip install .`` into a fresh venv.

Then, from a folder outside the source, the ``digitpad`` command must run and
find the shipped weights and the other package data inside the installed
packages.  Slow (pip fetches NumPy, Pillow and Qt, or takes them from its
cache), so it runs only with DIGITPAD_INSTALL_TEST=1, as ``.ci/run`` sets.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[1]
# Where each file of package data lies in the repository, and where it is installed.
PACKAGE_DATA = {"weights/*.npz": "digitpad/weights", "weights/*.md": "digitpad/weights",
                "digitpad/data/*": "digitpad/data"}

pytestmark = pytest.mark.skipif(os.environ.get("DIGITPAD_INSTALL_TEST") != "1",
                                reason="slow; set DIGITPAD_INSTALL_TEST=1 (.ci/run does)")


def run(args, cwd, env=None):
    """Run a command; on failure, fail the test with everything it printed."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {done.returncode}\n"
                    f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(bin folder, env, an empty cwd, source copy)`` of a fresh venv holding digitpad."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "__pycache__", "build", "dist", "*.egg-info", ".pytest_cache"))
    assert (source / "weights" / "digitpad.npz").exists(), "the shipped model is missing"

    venv = base / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=base)
    bin_dir = venv / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         source], cwd=base)

    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(DIGITPAD_HOME=str(base / "home"), QT_QPA_PLATFORM="offscreen",
               PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    return bin_dir, env, elsewhere, source


def test_the_installed_packages_come_from_the_venv_not_the_source(installed):
    bin_dir, env, cwd, source = installed
    out = run([bin_dir / "python", "-c",
               "from digitpad import weights, model, cli; "
               "print(weights.SHIPPED.exists()); print(weights.SHIPPED); print(model.__file__)"],
              cwd, env)
    exists, shipped, model_file = out.split("\n")[:3]
    assert exists == "True"
    assert "site-packages" in shipped and "site-packages" in model_file
    assert str(source) not in shipped and str(REPO) not in shipped


def test_package_data_is_installed(installed):
    bin_dir, env, cwd, source = installed
    site = Path(run([bin_dir / "python", "-c", "import digitpad, pathlib; "
                     "print(pathlib.Path(digitpad.__file__).parents[1])"], cwd, env).strip())
    expected = {Path(target) / p.name for pattern, target in PACKAGE_DATA.items()
                for p in source.glob(pattern)}
    assert expected
    missing = sorted(str(p) for p in expected if not (site / p).is_file())
    assert not missing, f"not installed: {missing}"


def test_digitpad_is_the_only_top_level_name(installed):
    """Nothing generic (model, weights) lands in site-packages: only ``digitpad``."""
    bin_dir, env, cwd, _ = installed
    out = run([bin_dir / "python", "-c", "import importlib.metadata as m; "
               "print(m.distribution('digitpad').read_text('top_level.txt') or ''); "
               "print(*sorted({f.parts[0] for f in m.files('digitpad') "
               "if f.parts[0] not in ('..', 'bin') and not f.parts[0].endswith(('.dist-info', '.pth'))}))"],
              cwd, env).split("\n")
    assert out[0].split() == ["digitpad"]
    assert out[-2].split() == ["digitpad"]


def test_python_m_digitpad_ignores_a_model_py_in_the_current_folder(installed, tmp_path):
    """An ML project's own model.py and weights.py beside the user do not shadow ours."""
    bin_dir, env, _, _ = installed
    for name in ("model.py", "weights.py"):
        (tmp_path / name).write_text("raise SystemExit('the user\'s own module was imported')\n")
    assert run([bin_dir / "python", "-m", "digitpad", "--version"], tmp_path, env) \
        .startswith("digitpad ")
    assert "WEIGHTS" in run([bin_dir / "python", "-m", "digitpad", "evaluate", "--help"],
                            tmp_path, env)
    run([bin_dir / "python", "-c", "import digitpad.cli, digitpad.gui.app"], tmp_path, env)


def test_the_command_runs_from_another_folder(installed):
    bin_dir, env, cwd, _ = installed
    assert run(["digitpad", "--version"], cwd, env).startswith("digitpad ")
    assert "WEIGHTS" in run(["digitpad", "evaluate", "--help"], cwd, env)
    run([bin_dir / "python", "-c", "import PySide6.QtWidgets"], cwd, env)


def test_evaluate_finds_the_shipped_weights(installed, mnist_dir):
    bin_dir, env, cwd, _ = installed
    out = run(["digitpad", "evaluate", "--data", mnist_dir], cwd, env)
    assert out.startswith("model: ") and "site-packages" in out.splitlines()[0]
    assert "MNIST test accuracy: " in out
