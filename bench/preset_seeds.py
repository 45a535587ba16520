"""Train the shipped preset with several seeds, and on another CPU's kernels, and compare.

    python bench/preset_seeds.py [--seeds 0 1 2] [--haswell-seeds 0] [--out DIR] [--data DIR]

The quality a user gets from ``digitpad train --preset shipped`` (or Model >
Retrain > shipped) is that of one run of it, on their seed and their CPU: this
runs the preset once per seed with the BLAS kernels a user's machine picks
(bench/_env.py), and once per ``--haswell-seeds`` seed with
``OPENBLAS_CORETYPE=Haswell`` forced (AVX2 kernels, which round otherwise: what
another CPU does), each in a child process, one after the other (each run uses
every core: its two members train side by side).  A model already in ``--out``
is not trained again, so an interrupted run can be resumed.

Last it runs ``bench/compare_models.py`` on every model made and on the shipped
one (MNIST, the held-out writers' pen digits read right and declined, letters
declined, generated non-digits declined) and prints, per measure, the median
and range of the runs, and where the shipped model falls among them.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "weights" / "digitpad.npz"


def train(seed, haswell, out, data):
    """One ``digitpad train --preset shipped --seed SEED`` into OUT: (wall s, CPU s), or
    None when OUT already holds its model."""
    path = out / f"shipped-seed{seed}{'-haswell' if haswell else ''}.npz"
    if path.exists():
        return path, None
    env = dict(os.environ, DIGITPAD_HOME=str(out / ("home-haswell" if haswell else "home")))
    if haswell:
        env["OPENBLAS_CORETYPE"] = "Haswell"
    cmd = [sys.executable, "-m", "digitpad", "train", "--preset", "shipped",
           "--seed", str(seed), "--out", str(path)]
    if data:
        cmd += ["--data", str(data)]
    log = path.with_suffix(".log")
    print(f"running {' '.join(cmd[2:])}{' with OPENBLAS_CORETYPE=Haswell' if haswell else ''}"
          f" (its output: {log})", flush=True)
    start = time.perf_counter()
    with open(log, "w") as output:
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=output,
                                 stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: see {log}")
    times = time.perf_counter() - start, usage.ru_utime + usage.ru_stime
    print(f"  {path.name}: {times[0]:.0f} s wall, {times[1]:.0f} CPU-seconds", flush=True)
    return path, times


def compare(paths, mnist):
    """bench/compare_models.py's table of PATHS: {file name: [its figures as floats]}."""
    cmd = [sys.executable, str(ROOT / "bench" / "compare_models.py"), *map(str, paths)]
    if mnist:
        cmd += ["--mnist", str(mnist)]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    print(text, flush=True)
    rows = {}
    for line in text.splitlines():
        name = line.split(" ", 1)[0]
        if name.endswith(".npz"):
            rows[name] = [float(f.rstrip("%")) for f in line.split()[2:]]
    return rows


def summary(rows):
    """Per measure: the median and range of the runs, and the shipped model beside them."""
    names = ["MNIST", "digits right", "declined", "0 right", "1 right", "letters declined",
             "non-digits declined"]
    runs = [v for k, v in rows.items() if k != SHIPPED.name]
    shipped = rows.get(SHIPPED.name)
    print(f"\n{len(runs)} runs of the shipped preset: median (range); the shipped model")
    for i, name in enumerate(names):
        values = sorted(run[i] for run in runs)
        rank = sum(v < shipped[i] for v in values) if shipped else None
        print(f"  {name:<20} {statistics.median(values):6.2f}% ({values[0]:.2f}-{values[-1]:.2f})"
              + (f"   shipped {shipped[i]:.2f}% (above {rank} of {len(values)} runs)"
                 if shipped else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--haswell-seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "preset-seeds")
    parser.add_argument("--data", type=Path, help="the MNIST folder (default: the cache)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(_env.describe(), flush=True)
    paths = [train(seed, False, args.out, args.data)[0] for seed in args.seeds]
    paths += [train(seed, True, args.out, args.data)[0] for seed in args.haswell_seeds]
    summary(compare([*paths, SHIPPED], args.data))


if __name__ == "__main__":
    main()
