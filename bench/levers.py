"""Each speed lever of the training step against the code before it, alternating, in one run.

    python bench/levers.py [--before REV] [--rounds 20] [--epochs 3] [--data DIR]

``model/augment.py`` and ``model/optim.py`` of git revision ``--before``
(default 2326d7c, before the levers) are loaded beside today's, and timed in
CPU time (this process's, all threads), alternating, so that a busy machine
slows both alike:

* the distortions of a batch of 128 MNIST digits, before and now (and whether
  they make the same images bit for bit, from the same seed);
* one Adam step on the 784-512-10 network's 407,050 parameters;
* where a batch's CPU time goes now: the parts of the distortions and of the
  training step (forward, loss, backward, Adam, and the two large products);
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


def parts(images, labels, distort, rng, rounds):
    """Where a batch's CPU time goes, now: the distortions' parts and the training step's,
    BLAS on one thread, the median over ``rounds`` of 40 calls each."""
    from threadpoolctl import threadpool_limits

    from digitpad.model.network import MOSTLY_INK, _inked, as_input, cross_entropy
    batch = images[rng.integers(0, len(images), 128)]
    raw = np.zeros((128, 30, 30), np.uint8)
    raw[:, 1:-1, 1:-1] = batch
    padded = augment._as_float(raw)
    net = MLP.create((784, 512, 10))
    adam = optim.Adam(net.params)
    x, y = as_input(batch), labels[:128]
    activations = net.forward(x)
    dlogits = cross_entropy(activations[-1], y)[1]
    grads = net.backward(activations, dlogits)
    inked = _inked(x)
    x_inked, w_inked = x[:, inked], net.weights[0][inked]
    dz = dlogits @ net.weights[1].T * (activations[1] > 0)

    def step():
        a = net.forward(x, for_backward=True)
        adam.step(net.backward(a, cross_entropy(a[-1], y)[1]))
    named = {
        "distortions, whole": lambda: distort(batch),
        "  pad, as floats": lambda: augment._as_float(raw.copy()),
        "  stroke thickness": lambda: distort.change_thickness(padded.copy(), raw),
        "  source points (affine + elastic)": lambda: distort.source_points(128),
        "  warp (source points + bilinear gathers)": lambda: distort.warp(padded.copy()),
        "training step, whole (forward, loss, backward, Adam)": step,
        "  forward": lambda: net.forward(x),
        f"    its product ({len(inked)} inked inputs by 512)": lambda: x_inked @ w_inked,
        "  loss": lambda: cross_entropy(activations[-1], y),
        "  backward": lambda: net.backward(activations, dlogits),
        f"    its product (the gradient of those {len(inked)} rows)": lambda: x_inked.T @ dz,
        "  Adam": lambda: adam.step(grads),
    }
    distorted = distort(batch).reshape(128, -1)
    x_full, dz_full = distorted, dz
    named["  a distorted batch's two products, taken whole (784 inputs)"] = lambda: (
        x_full @ net.weights[0], x_full.T @ dz_full)
    with threadpool_limits(limits=1, user_api="blas"):
        times = alternate({name: (work, 40) for name, work in named.items()}, rounds)
    samples = [images[rng.integers(0, len(images), 128)] for _ in range(50)]
    plain = np.mean([as_input(b).any(axis=0).mean() for b in samples])
    bent = np.mean([distort(b).reshape(128, -1).any(axis=0).mean() for b in samples])
    print(f"inputs inked in some image of a batch of 128 (50 batches): {plain:.1%} plain, "
          f"{bent:.1%} distorted (more than {100 * MOSTLY_INK:.0f}%: the product is taken whole)")
    print(f"where a batch of 128 goes now, BLAS on one thread (median of {rounds} rounds of 40)")
    for name, values in times.items():
        print(f"  {name:<54} {statistics.median(values):7.3f} ms")


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

    parts(images, labels, new_distort, rng, args.rounds)
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
    first = next(iter(runs))
    for name in list(runs)[1:]:
        ratios = [n / b for b, n in zip(cpus[first], cpus[name])]
        print(f"  CPU time, {name} / before, each round: "
              f"{' '.join(f'{r:.3f}' for r in ratios)}; median {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
