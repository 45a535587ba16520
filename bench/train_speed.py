"""Time one training epoch here and in PyTorch on the CPU, and a whole preset, in one run.

    python bench/train_speed.py [--data DIR] [--repeats 3] [--preset shipped|quick|demo|none]
                                [--home DIR] [--preset-epochs N]

The same 784-512-10 network, batch 128, Adam, on the 60,000 MNIST training
images: one plain epoch of digitpad's trainer, one augmented epoch, the same
two at batch 512 (the "bigger late batches" lever), each with BLAS on as many
threads as ``digitpad train`` gives it (all cores but the one where the next
batch is prepared; :func:`digitpad.learning.training_threads`), and, when PyTorch is
installed (``pip install torch==2.13.0``; it is never a dependency of
digitpad), one epoch of the same model in PyTorch with as many threads as
NumPy's BLAS uses.  Each is run ``--repeats`` times, alternating, after a
warm-up, and the medians are compared, so that a busy machine slows all of
them alike.  Then it runs ``digitpad train --epochs 1`` in a child process
and reports its peak memory.

Last, ``digitpad train --preset NAME`` (default: shipped, the recipe of the
shipped model) runs in a child process with ``DIGITPAD_HOME=--home`` (default:
a fresh folder, so the drawings are made, not read from the cache); it prints
the wall and CPU time, their ratio to the PyTorch epoch's (CPU time is the
fairer figure on a machine that other work shares), and the model's quality on
the three measures the app compares models on, beside the shipped model's.
With ``--preset-epochs N`` the preset runs with N epochs instead, twice in
the same home (drawing, then with the drawings cached), and the time of the
whole preset is estimated: the drawing, plus the cached run scaled to the
preset's epochs (training time is proportional to epochs).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _env  # bench/_env.py: the BLAS kernels a user has, set before NumPy loads

_env.user_blas()

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitpad.mnist import load as load_mnist  # noqa: E402
from digitpad.model.train import TrainConfig, train  # noqa: E402


def blas_threads():
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return pool["num_threads"], pool.get("internal_api"), pool.get("architecture")
    except ImportError:
        pass
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    return int(threads) if threads else os.cpu_count(), "unknown", "unknown"


def digitpad_epoch(images, labels, augment, batch_size=128, one_thread=False):
    """One epoch as ``digitpad train`` runs it (BLAS off the distorting thread's core), or
    with ``one_thread`` on one thread only: BLAS on one, and no helper thread."""
    from threadpoolctl import threadpool_limits

    from digitpad.learning import training_threads
    config = TrainConfig(hidden=(512,), epochs=1, batch_size=batch_size, optimizer="adam",
                         lr=1e-3, augment=augment, seed=0)
    if one_thread:
        with threadpool_limits(limits=1, user_api="blas"):
            return timed(lambda: train(config, images, labels, prefetch=False))
    with training_threads():
        return timed(train, config, images, labels)


def timed(work, *args):
    """``(wall seconds, CPU seconds of this process)`` that ``work(*args)`` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def torch_epoch_runner(images, labels, threads):
    """A function that trains one epoch of the same network in PyTorch, or None."""
    try:
        import torch
    except ImportError:
        return None, None
    torch.set_num_threads(threads)
    x_all = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255)
    y_all = torch.from_numpy(labels.astype(np.int64))
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(threads=threads):
        torch.set_num_threads(threads)
        order = torch.randperm(len(x_all))
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x_all[idx]), y_all[idx])
            loss.backward()
            optimizer.step()

    return (lambda threads=threads: timed(epoch, threads)), torch.__version__


def peak_memory_of_cli(data, *options):
    """Peak resident memory (MB) of ``digitpad train --epochs 1 OPTIONS`` in a child process."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, DIGITPAD_HOME=home)
        cmd = [sys.executable, "-m", "digitpad", "train", "--epochs", "1", *options,
               "--out", str(Path(home) / "bench.npz")]
        if data:
            cmd += ["--data", str(data)]
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
    return usage.ru_maxrss / 1024


def preset_run(name, data, home, *options):
    """``digitpad train --preset NAME OPTIONS`` in a child process with DIGITPAD_HOME
    ``home``: (wall seconds, CPU seconds, model file)."""
    out = home / f"bench-{name}.npz"
    cmd = [sys.executable, "-m", "digitpad", "train", "--preset", name, *options,
           "--out", str(out)]
    if data:
        cmd += ["--data", str(data)]
    log = home / f"bench-{name}.log"
    print(f"running {' '.join(cmd[2:])} (its output: {log})", flush=True)
    start = time.perf_counter()
    with open(log, "w") as output:
        child = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ, DIGITPAD_HOME=str(home)),
                                 stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: see {log}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, out


def quality(path, mnist):
    """Scores of a model file on the measures the app compares models on."""
    from digitpad.scores import measure_sets, score
    from digitpad.model.weights import load
    network, meta = load(path)
    return score(network, mnist, measure_sets()), meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = ROOT.parent / "shared" / "mnist"
    parser.add_argument("--data", type=Path, default=default_data if default_data.is_dir() else None)
    parser.add_argument("--repeats", type=int, default=3,
                        help="epochs of each kind (0: time the preset alone)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory run")
    parser.add_argument("--preset", default="shipped",
                        help="the preset to run whole, or none (default shipped)")
    parser.add_argument("--home", type=Path,
                        help="DIGITPAD_HOME for the preset run (default: a fresh folder)")
    parser.add_argument("--preset-epochs", type=int, metavar="N",
                        help="run the preset with N epochs, cold then warm, and scale the "
                             "time to its own epochs (when a whole run takes too long)")
    args = parser.parse_args()

    # Memory first, while this process is still small: Linux counts in a child's peak
    # the size of the process it was forked from (here, later, with PyTorch loaded).
    memory = [] if args.no_memory else [
        (options, peak_memory_of_cli(args.data, *options))
        for options in ((), ("--pen-digits", "5", "--not-digits", "10000"))]

    mnist = load_mnist(args.data)
    images, labels = mnist.train_images, mnist.train_labels
    threads, blas, arch = blas_threads()
    torch_epoch, torch_version = torch_epoch_runner(images, labels, threads)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, NumPy {np.__version__} ({blas} {arch}, "
          f"{threads} threads)" + (f", PyTorch {torch_version}" if torch_version else ""))
    print(_env.describe())
    print("one epoch of 784-512-10, batch 128, Adam, 60,000 images; "
          f"median of {args.repeats} after a warm-up")

    runs = {"digitpad": [], "digitpad augmented": [], "digitpad, batch 512": [],
            "augmented, batch 512": [], "pytorch": [], "digitpad, 1 thread": [],
            "pytorch, 1 thread": []}
    digitpad_epoch(images[:5000], labels[:5000], augment=True)      # warm-up
    if torch_epoch and args.repeats:
        torch_epoch()
    for _ in range(args.repeats):
        runs["digitpad"].append(digitpad_epoch(images, labels, augment=False))
        runs["digitpad augmented"].append(digitpad_epoch(images, labels, augment=True))
        runs["digitpad, batch 512"].append(digitpad_epoch(images, labels, False, 512))
        runs["augmented, batch 512"].append(digitpad_epoch(images, labels, True, 512))
        if torch_epoch:
            runs["pytorch"].append(torch_epoch())
        runs["digitpad, 1 thread"].append(digitpad_epoch(images, labels, False, one_thread=True))
        if torch_epoch:
            runs["pytorch, 1 thread"].append(torch_epoch(1))

    median = {k: statistics.median(wall for wall, _ in v) for k, v in runs.items() if v}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items() if v}
    for name, seconds in median.items():
        print(f"  {name:<20} {seconds:6.3f} s per epoch ({cpu[name]:.3f} CPU-seconds)")
    if "pytorch" in median:
        print(f"  digitpad is {median['pytorch'] / median['digitpad']:.2f}x as fast as "
              f"PyTorch (CPU) ({cpu['pytorch'] / cpu['digitpad']:.2f}x in CPU time); "
              "in each round: " + ", ".join(
                  f"{t[0] / d[0]:.2f}x" for d, t in zip(runs["digitpad"], runs["pytorch"])))
        one, torch_one = "digitpad, 1 thread", "pytorch, 1 thread"
        print(f"  with one thread each, {median[torch_one] / median[one]:.2f}x as fast "
              f"({cpu[torch_one] / cpu[one]:.2f}x in CPU time); in each round: " + ", ".join(
                  f"{t[0] / d[0]:.2f}x" for d, t in zip(runs[one], runs[torch_one])))
    elif torch_epoch is None:
        print("  PyTorch is not installed (pip install torch==2.13.0 to compare): "
              "no PyTorch figures")
    for what, t in (("wall", median), ("CPU", cpu)):
        if "digitpad" in t:
            print(f"  in {what} time, an augmented epoch takes "
                  f"{t['digitpad augmented'] / t['digitpad']:.2f}x a plain one; at batch 512 "
                  f"{t['augmented, batch 512'] / t['digitpad']:.2f}x, and a plain one "
                  f"{t['digitpad, batch 512'] / t['digitpad']:.2f}x")
    for options, mb in memory:
        print(f"peak memory of digitpad train --epochs 1 {' '.join(options)}: {mb:.0f} MB")

    if args.preset != "none":
        preset(args, median.get("pytorch"), cpu.get("pytorch"), mnist)


def preset(args, torch_wall, torch_cpu, mnist):
    """Run a preset whole (or, with --preset-epochs N, twice with N epochs: cold, then
    warm with its drawings cached, and scale the warm run's time to the preset's epochs),
    then measure the model it made beside the shipped one."""
    from digitpad import recipes, weights

    home = args.home or Path(tempfile.mkdtemp(prefix="digitpad-bench-"))
    epochs = recipes.config_from(recipes.recipe(args.preset)).epochs
    n = args.preset_epochs or epochs
    options = () if n == epochs else ("--epochs", str(n))
    cold = preset_run(args.preset, args.data, home, *options)
    runs = [("", cold[:2])]
    if n != epochs:
        warm = preset_run(args.preset, args.data, home, *options)
        scale = epochs / n
        estimate = (cold[0] - warm[0] + warm[0] * scale, cold[1] - warm[1] + warm[1] * scale)
        runs = [(f" with {n} epochs, drawing", cold[:2]),
                (f" with {n} epochs, drawings cached", warm[:2]),
                (f", {epochs} epochs, estimated (drawing + the cached run x {scale:g})",
                 estimate),
                (f", {epochs} epochs, drawings cached, estimated", (warm[0] * scale,
                                                                    warm[1] * scale))]
    for what, (wall, cpu_seconds) in runs:
        line = (f"digitpad train --preset {args.preset}{what}: {wall:.0f} s "
                f"({cpu_seconds:.0f} CPU-seconds)")
        if torch_wall:
            line += (f" = {wall / torch_wall:.0f}x one PyTorch epoch "
                     f"({cpu_seconds / torch_cpu:.0f}x in CPU time)")
        print(line)
    scores, meta = quality(cold[2], mnist)
    print(f"  the model it made{'' if n == epochs else f' (with {n} epochs)'}: "
          f"{scores.summary()}")
    if meta.get("training_seconds") and meta.get("wall_seconds"):
        print(f"  the recipe's run (its meta): {meta['wall_seconds']:.0f} s, of which "
              f"{meta['training_seconds']:.0f} s training and "
              f"{meta['wall_seconds'] - meta['training_seconds']:.0f} s drawing the training "
              f"data and the rest")
    shipped, _ = quality(weights.SHIPPED, mnist)
    print(f"  the shipped model on the same measures: {shipped.summary()}")

if __name__ == "__main__":
    main()
