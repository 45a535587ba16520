"""What every speed bench does first: run on the BLAS kernels a user's machine picks.

Some machines set ``OPENBLAS_CORETYPE`` (e.g. Haswell: AVX2 kernels on an
AVX-512 CPU) and ``OPENBLAS_L2_SIZE``; a user has neither.  OpenBLAS reads
them once, when NumPy (or PyTorch) is loaded, so a bench calls
:func:`user_blas` before it imports either: if a variable is set, the script
is run again, in place (``os.execve``), without them, and every child it
starts inherits that environment, so both sides of a comparison run alike.
:func:`describe` then says which kernels are in use (``threadpoolctl``).

Only the benches do this; the tests and CI leave the variables alone.

    import _env            # the first lines of a bench, before NumPy
    _env.user_blas()
    ...
    print(_env.describe())
"""
from __future__ import annotations

import os
import sys

OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_UNSET = "DIGITPAD_BENCH_UNSET"      # what the re-executed bench was run without


def user_blas():
    """Re-execute this Python process without :data:`OVERRIDES`, if any is set."""
    found = [name for name in OVERRIDES if name in os.environ]
    if not found:
        return
    if "numpy" in sys.modules or "torch" in sys.modules:
        raise RuntimeError("user_blas() must run before NumPy is imported")
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    env[_UNSET] = " ".join(f"{name}={os.environ[name]}" for name in found)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def private_home():
    """Point ``DIGITPAD_HOME`` at a fresh temporary folder, removed at exit: a bench never
    writes to the user's own."""
    import atexit
    import shutil
    import tempfile

    os.environ["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-bench-")
    atexit.register(shutil.rmtree, os.environ["DIGITPAD_HOME"], ignore_errors=True)


def describe():
    """One line per thread pool in use: the BLAS kernels (internal API, architecture)
    and threads, and which variables this run was re-executed without."""
    from threadpoolctl import threadpool_info

    lines = []
    for pool in threadpool_info():
        lines.append(f"{pool.get('user_api')}: {pool.get('internal_api')} "
                     f"{pool.get('version') or ''}, kernels "
                     f"{pool.get('architecture') or 'n/a'}, {pool.get('num_threads')} thread"
                     f"{'' if pool.get('num_threads') == 1 else 's'} "
                     f"({os.path.basename(pool.get('filepath', ''))})")
    still = [f"{name}={os.environ[name]}" for name in OVERRIDES if name in os.environ]
    unset = os.environ.get(_UNSET)
    if still:
        lines.append(f"{' '.join(still)} is set: not the kernels a user's machine picks")
    elif unset:
        lines.append(f"run without {unset}")
    else:
        lines.append(f"neither {' nor '.join(OVERRIDES)} was set")
    return "\n".join(lines)


CONSTANT_HELP = ("set a constant of digitpad.segments, .crossings, .numbers, .pieces or "
                 ".letterlike for this run (an ablation: e.g. crossings.MIDDLE=0.5; 'none' "
                 "for None)")


def set_constants(settings):
    """Apply ``--constant MODULE.NAME=VALUE`` settings (the reading rules' ablations), saying
    each; exits with a message for a name that is no such constant."""
    from digitpad import crossings, letterlike, numbers, pieces, segments

    modules = {"segments": segments, "crossings": crossings, "numbers": numbers,
               "pieces": pieces, "letterlike": letterlike}
    for setting in settings:
        name, _, value = setting.partition("=")
        module, _, attr = name.partition(".")
        if module not in modules or not attr.isupper() or not hasattr(modules[module], attr):
            sys.exit(f"error: no constant {name}")
        try:
            number = None if value.lower() == "none" else float(value)
        except ValueError:
            sys.exit(f"error: {setting}: the value must be a number or 'none'")
        setattr(modules[module], attr, number)
        print(f"(ablation: {name} = {value})")
