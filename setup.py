"""Where the packages are: ``digitpad`` and its subpackages are found by themselves; the
repository's top-level ``model/`` and ``weights/`` folders install as ``digitpad.model``
and ``digitpad.weights``, so ``digitpad`` is the only name digitpad puts in site-packages.
Everything else about the project is in pyproject.toml."""
from setuptools import find_packages, setup

MAPPED = {"digitpad.model": "model", "digitpad.weights": "weights"}

packages = find_packages(include=["digitpad", "digitpad.*"])
for name, folder in MAPPED.items():
    packages += [name] + [f"{name}.{sub}" for sub in find_packages(where=folder)]

setup(packages=packages, package_dir=MAPPED)
