"""The plan of the house: Qt only in digitpad.gui, dependencies pointing one way."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
QT_FREE = sorted(
    [f"digitpad.{p.stem}" for p in (REPO / "digitpad").glob("*.py") if p.stem != "__main__"]
    + [f"digitpad.cli.{p.stem}".removesuffix(".__init__")
       for p in (REPO / "digitpad" / "cli").glob("*.py")]
    + [f"digitpad.model.{p.stem}" for p in (REPO / "model").glob("*.py")]
    + ["digitpad.weights"])


def test_every_qt_free_module_imports_without_qt():
    """Import every module outside digitpad.gui in a fresh interpreter: PySide6 stays out."""
    assert "digitpad.preprocess" in QT_FREE and "digitpad.model.train" in QT_FREE
    code = ("import sys\n"
            f"for name in {QT_FREE!r}:\n"
            "    __import__(name)\n"
            "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
            "gui = sorted(m for m in sys.modules if m.startswith('digitpad.gui'))\n"
            "print(qt, gui)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"


def _imports(path):
    """The absolute names a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            else:
                names.add(node.module)
    return names


@pytest.mark.parametrize("folder", ["model", "weights"])
def test_the_network_imports_nothing_of_the_app(folder):
    """model/ (digitpad.model) never imports the app, Qt or the gui: dependencies point one way."""
    for path in (REPO / folder).glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("PySide6", "digitpad")) or name.startswith(
                f"digitpad.{folder}"), f"{path.name} imports {name}"


# The one door: `digitpad` with no command opens the window (imported only then).
ENTRY = {("cli/__init__.py", "digitpad.gui.app")}


def test_only_the_gui_imports_qt():
    for path in (REPO / "digitpad").rglob("*.py"):
        where = path.relative_to(REPO / "digitpad")
        inside_gui = "gui" in where.parts
        for name in _imports(path):
            if not inside_gui and (where.as_posix(), name) not in ENTRY:
                assert not name.startswith(("PySide6", "pyqtgraph", "digitpad.gui")), \
                    f"{path.relative_to(REPO)} imports {name}"


def test_pyproject_lists_every_package_where_it_lies():
    """setuptools installs the packages pyproject.toml lists, from the folders it maps:
    a package folder left off the list would be missing from the wheel."""
    import tomllib
    table = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = table["setuptools"]["packages"]
    folders = {"digitpad": "digitpad", **table["setuptools"]["package-dir"]}
    found = {"digitpad.model", "digitpad.weights"} | {
        ".".join(("digitpad",) + p.parent.relative_to(REPO / "digitpad").parts).rstrip(".")
        for p in (REPO / "digitpad").rglob("__init__.py")}
    assert sorted(listed) == sorted(found)
    for name, folder in folders.items():
        assert (REPO / folder / "__init__.py").is_file(), name


# Argument-parser tables: one add_argument call per option, long by nature.
PARSER_TABLES = {("digitpad/cli/train.py", "add_train_command")}
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def test_no_function_is_longer_than_a_screen():
    """Outside bench/ (and the argument-parser tables) a function fits on a screen."""
    long = []
    for folder in ("digitpad", "model", "weights", "tests", "docs"):
        for path in (REPO / folder).rglob("*.py"):
            where = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and (where, node.name) not in PARSER_TABLES:
                    lines = node.end_lineno - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        long.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    assert not long


def test_a_long_module_says_why_it_is_one():
    """A module of digitpad (model/ included) over 400 lines is split by job, or its
    docstring says why not."""
    for path in [*(REPO / "digitpad").rglob("*.py"), *(REPO / "model").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            assert "One module on purpose" in (ast.get_docstring(ast.parse(text)) or ""), \
                path.relative_to(REPO)
