"""Each speed lever of the training step against the code before it, alternating, in one run.

    python bench/levers.py [--before REV] [--rounds 20] [--epochs 3] [--data DIR]

``model/augment.py`` and ``model/optim.py`` of git revision ``--before``
(default 2326d7c, before the levers) are loaded beside today's, and timed in
CPU time (this process's, all threads), alternating, so that a busy machine
slows both alike:

* the distortions of a batch of 128 MNIST digits, before and now (and whether
  they make the same images bit for bit, from the same seed);
* one Adam step on the 784-512-10 network's 407,050 parameters;
* a plain epoch of 784-512-10 (batch 128, no distortions, 60,000 images), wall
  and CPU time: Adam and ``model/network.py`` before, Adam now with the network
  before, and both now, with BLAS threads as ``digitpad train`` sets them
  (:func:`digitpad.learning.training_threads`: all cores but the
  batch-preparing thread's); with ``--blas-every-core`` also both now with
  BLAS on every core.

It prints the medians and the ratio now/before of each round's pair.  Like
every speed bench it runs on the BLAS kernels a user's machine picks
(``bench/_env.py``).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
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
from digitpad.model import augment, optim  # noqa: E402
from digitpad.model import train as train_module  # noqa: E402
from digitpad.model.network import MLP  # noqa: E402


def module_at(rev, name, folder):
    """``model/NAME.py`` as it was at git revision ``rev``, imported under another name."""
    source = subprocess.run(["git", "show", f"{rev}:model/{name}.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(folder) / f"before_{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"before_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu(work, count):
    """CPU milliseconds per call of ``work()``, over ``count`` calls."""
    start = time.process_time()
    for _ in range(count):
        work()
    return (time.process_time() - start) / count * 1e3


def alternate(named, rounds):
    """{name: [CPU ms per call, one per round]}, each round running every one in turn."""
    times = {name: [] for name in named}
    for _ in range(rounds):
        for name, (work, count) in named.items():
            times[name].append(cpu(work, count))
    return times


def report(times, before, now):
    ratios = [n / b for b, n in zip(times[before], times[now])]
    for name, values in times.items():
        print(f"  {name:<44} median {statistics.median(values):8.3f} ms "
              f"(range {min(values):.3f}-{max(values):.3f})")
    print(f"  {now} / {before}: median of the rounds' ratios {statistics.median(ratios):.3f} "
          f"(range {min(ratios):.3f}-{max(ratios):.3f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = ROOT.parent / "shared" / "mnist"
    parser.add_argument("--data", type=Path, default=default_data if default_data.is_dir() else None)
    parser.add_argument("--before", default="2326d7c", help="git revision of the code before")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=3, help="rounds of plain epochs (0: none)")
    parser.add_argument("--blas-every-core", action="store_true",
                        help="also time the epoch now with BLAS on every core")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits
    print(_env.describe())
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores; code before: {args.before}")
    mnist = load_mnist(args.data)
    images, labels = mnist.train_images, mnist.train_labels
    with tempfile.TemporaryDirectory() as folder:
        old_augment = module_at(args.before, "augment", folder)
        old_optim = module_at(args.before, "optim", folder)
        old_network = module_at(args.before, "network", folder)

    rng = np.random.default_rng(0)
    batches = [images[rng.integers(0, len(images), 128)] for _ in range(40)]
    old_distort = old_augment.Distorter(rng=np.random.default_rng(5))
    new_distort = augment.Distorter(rng=np.random.default_rng(5))
    same = all(np.array_equal(old_distort(b), new_distort(b)) for b in batches)
    print(f"distortions of a batch of 128 (40 batches a round, {args.rounds} rounds); "
          f"the same images bit for bit: {same}")

    def distorting(distort):
        it = iter(range(10 ** 9))
        return lambda: distort(batches[next(it) % len(batches)])
    report(alternate({"before": (distorting(old_distort), 40),
                      "now": (distorting(new_distort), 40)}, args.rounds), "before", "now")

    net = MLP.create((784, 512, 10))
    grads = [rng.standard_normal(p.shape).astype(np.float32) * 1e-2 for p in net.params]
    old_adam = old_optim.Adam([p.copy() for p in net.params])
    new_adam = optim.Adam([p.copy() for p in net.params])
    print(f"one Adam step on {sum(p.size for p in net.params):,} parameters "
          f"(30 steps a round, {args.rounds} rounds)")
    report(alternate({"before": (lambda: old_adam.step(grads), 30),
                      "now": (lambda: new_adam.step(grads), 30)}, args.rounds), "before", "now")

    if not args.epochs:
        return
    config = train_module.TrainConfig(hidden=(512,), epochs=1, batch_size=128,
                                      augment=False, seed=0)
    cores = os.cpu_count() or 1
    from digitpad.learning import training_threads

    class NetworkBefore(old_network.MLP):
        def forward(self, x, for_backward=False):
            return super().forward(x)

    def epoch(optimizers, network, blas=None):
        """A plain epoch as ``digitpad train`` runs it, with these modules."""
        def run():
            saved = train_module.make_optimizer, train_module.MLP
            train_module.make_optimizer = optimizers.make_optimizer
            train_module.MLP = network
            threads = (training_threads() if blas is None
                       else threadpool_limits(limits=blas, user_api="blas"))
            try:
                with threads:
                    return train_module.train(config, images, labels)
            finally:
                train_module.make_optimizer, train_module.MLP = saved
        return run

    runs = {"before: Adam and network before": epoch(old_optim, NetworkBefore),
            "Adam now, network before": epoch(optim, NetworkBefore),
            "now: Adam and network now": epoch(optim, MLP)}
    if args.blas_every_core:
        runs[f"now, BLAS on {cores} threads"] = epoch(optim, MLP, blas=cores)
    epoch(optim, MLP)()                                                    # warm-up
    walls = {name: [] for name in runs}
    cpus = {name: [] for name in runs}
    for _ in range(args.epochs):
        for name, run in runs.items():
            wall, start = time.perf_counter(), time.process_time()
            run()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - start)
    print(f"a plain epoch of 784-512-10, batch 128, 60,000 images ({args.epochs} rounds); "
          f"load average now {os.getloadavg()[0]:.2f}")
    for name in runs:
        print(f"  {name:<44} wall {' '.join(f'{w:.2f}' for w in walls[name])} s, "
              f"median {statistics.median(walls[name]):.2f}; CPU "
              f"{' '.join(f'{c:.2f}' for c in cpus[name])} s, "
              f"median {statistics.median(cpus[name]):.2f}")


if __name__ == "__main__":
    main()
