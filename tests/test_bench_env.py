"""bench/_env.py: a speed bench re-executes itself without the machine's BLAS overrides."""
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"

SCRIPT = """
import os, sys
sys.path.insert(0, sys.argv[1])
import _env
_env.user_blas()
import numpy
print(os.environ.get("OPENBLAS_CORETYPE"), os.environ.get("OPENBLAS_L2_SIZE"), sys.argv[2])
print(_env.describe())
"""


def run(env):
    return subprocess.run([sys.executable, "-c", SCRIPT, str(BENCH), "an argument"],
                          env=env, capture_output=True, text=True, check=True).stdout


def without_overrides():
    return {k: v for k, v in os.environ.items()
            if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def test_a_bench_runs_again_without_the_overrides_and_says_so():
    env = dict(os.environ, OPENBLAS_CORETYPE="Haswell", OPENBLAS_L2_SIZE="1048576")
    out = run(env).splitlines()
    assert out[0] == "None None an argument"          # same arguments, variables gone
    assert out[1].startswith("blas: openblas")
    assert out[1] == run(without_overrides()).splitlines()[1]    # the CPU's own kernels
    assert out[-1] == "run without OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=1048576"


def test_without_the_overrides_nothing_is_re_executed():
    out = run(without_overrides()).splitlines()
    assert out[0] == "None None an argument"
    assert out[-1] == "neither OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE was set"


def test_every_module_a_bench_runs_with_python_m_can_be_run():
    """A bench that starts ``python -m NAME`` names a module, or a package with a __main__
    (``digitpad.cli`` became a package, and bench/train_speed.py's preset run broke)."""
    import importlib.util
    import re

    named = {(path.name, name) for path in BENCH.glob("*.py")
             for name in re.findall(r'"-m",\s*"([\w.]+)"', path.read_text())}
    assert named, "no bench starts python -m: the test has nothing to check"
    for script, name in sorted(named):
        spec = importlib.util.find_spec(name)
        assert spec is not None, f"{script}: python -m {name}: no such module"
        if spec.submodule_search_locations is not None:     # a package: needs __main__
            assert importlib.util.find_spec(f"{name}.__main__") is not None, \
                f"{script}: python -m {name}: a package without __main__"
