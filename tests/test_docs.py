"""The docs quote only what exists: commands, options, files, modules and links.

A quoted command is `python PATH.py ...` or `digitpad ...` (also `python -m digitpad ...`, or
a path ending in /digitpad), in a code span or a code block of README.md, docs/*.md or
weights/README.md. Its script must exist, its `digitpad` subcommand too, and each --option it
gives must be one that the script's or the subcommand's argparse parser lists in its --help
(the scripts are run with --help only: nothing heavy runs). Options quoted without a command,
such as `--epochs` or `--letters 2 --styles`, must be accepted by one of those parsers. A
quoted repository path (`bench/pen_digits.py`, `digitpad/data/`) and a dotted name
(`digitpad.scores.score`, `scores.score`, `PRESETS` in `digitpad/recipes.py`) must exist, and
every relative link, with its #anchor, must lead somewhere.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "weights" / "README.md"]

# Scripts that hand the options they do not know on to `digitpad train` (parse_known_args).
PASSES_TO_TRAIN = {"bench/recipe_search.py"}
# The repository's top-level folders: a quoted path that starts with one must exist.
TOP = {"model", "weights", "digitpad", "tests", "bench", "docs", ".ci"}
# Installed names of the folders that setup.py maps.
PACKAGES = {"digitpad.model": "model", "digitpad.weights": "weights", "digitpad": "digitpad"}

OPTION = re.compile(r"(?<![\w-])--[a-z0-9][a-z0-9-]*")
FILE_NAME = re.compile(r"\.(npz|py|md|png|json|toml|txt)$")   # digitpad.npz is a file


# ---------------------------------------------------------------- reading the docs

def _snippets(text):
    """Code quoted in a Markdown text: each command of a fenced block, then each `span`."""
    found = []

    def block(match):
        lines = []
        for line in match.group(1).splitlines():
            line = line.strip()
            if not line:
                continue
            # A block of `command   what it does` rows: the command ends at a wide gap.
            line = re.split(r"\s{3,}", line)[0]
            if lines and (lines[-1].endswith("\\") or line.startswith("--")):
                lines[-1] = lines[-1].rstrip("\\") + " " + line
            else:
                lines.append(line)
        found.extend(lines)
        return "\n"

    text = re.sub(r"^```[^\n]*\n(.*?)^```", block, text, flags=re.S | re.M)
    found.extend(" ".join(span.split()) for span in re.findall(r"`([^`]+)`", text))
    return found


def _commands(snippet):
    """The (program, arguments) of each command in a snippet; program is a script path or
    'digitpad'. Shell glue (&&, |, ;, >) and leading NAME=value settings are skipped."""
    for part in re.split(r"&&|\|\||[|;]", snippet):
        words = part.split()
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", words[0]):
            words.pop(0)
        if ">" in words:
            words = words[:words.index(">")]
        if not words:
            continue
        program, rest = words[0], words[1:]
        if re.fullmatch(r"(\S*/)?python3?(\.exe)?", program):
            if rest[:2] == ["-m", "digitpad"]:
                yield "digitpad", rest[2:]
            elif rest and rest[0].endswith(".py"):
                yield rest[0], rest[1:]
        elif re.fullmatch(r"(\S*/)?digitpad", program):
            yield "digitpad", rest


def _options(words):
    """The --options among a command's words: [--against D], --augment/--no-augment, --x=1."""
    return [option for word in words for option in OPTION.findall(word)
            if not word.startswith("{")]


# ---------------------------------------------------------------- what exists

@functools.lru_cache(maxsize=None)
def _help(*argv):
    """(exit status, --help text) of a command run from the repository."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, *argv, "--help"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def _accepted(program, words):
    """(problem or None, the options its parser accepts) for a quoted command."""
    if program == "digitpad":
        sub = words[0] if words and re.fullmatch(r"[a-z]+", words[0]) else None
        status, text = _help("-m", "digitpad", *([sub] if sub else []))
        if status != 0:
            return f"`digitpad {sub}` is not a command", set()
        return None, set(OPTION.findall(text))
    if not (REPO / program).is_file():
        return f"{program} does not exist", set()
    status, text = _help(program)
    if status != 0:
        return f"`python {program} --help` failed:\n{text[-2000:]}", set()
    accepted = set(OPTION.findall(text))
    if program in PASSES_TO_TRAIN:
        accepted |= _accepted("digitpad", ["train"])[1]
    return None, accepted


def _path_exists(path):
    return (REPO / path).exists()


def _dotted_exists(name):
    """digitpad.learning.score: a module digitpad/learning.py that defines score."""
    parts = name.split(".")
    for prefix in sorted(PACKAGES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            here, rest = REPO / PACKAGES[prefix], parts[len(prefix.split(".")):]
            break
    while rest and (here / rest[0]).is_dir():
        here, rest = here / rest[0], rest[1:]
    if rest and here.joinpath(rest[0] + ".py").is_file():
        here, rest = here / (rest[0] + ".py"), rest[1:]
    if here.is_dir():
        here = here / "__init__.py"
    if not here.is_file():
        return False
    return not rest or _defines(here, rest[0])


def _defines(path, name):
    """Whether a Python file defines a function, class or top-level name."""
    defined = rf"^\s*(def|class)\s+{name}\b|^{name}\s*[:=]"
    return re.search(defined, path.read_text(encoding="utf-8"), re.M) is not None


def _slug(heading):
    """GitHub's anchor for a heading."""
    heading = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def _anchors(path):
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {_slug(h) for h in re.findall(r"^#+\s+(.*)$", text, re.M)}


# ---------------------------------------------------------------- the check

def problems(text, where):
    """Everything a Markdown text quotes that does not exist; `where` is the file's path."""
    found, lone = [], []
    for snippet in _snippets(text):
        commands = list(_commands(snippet))
        for program, words in commands:
            problem, accepted = _accepted(program, words)
            if problem:
                found.append(f"{snippet!r}: {problem}")
                continue
            for option in _options(words):
                if option not in accepted:
                    name = f"digitpad {words[0]}" if program == "digitpad" and words else program
                    found.append(f"{snippet!r}: {option} is not an option of {name}")
        if not commands and OPTION.match(snippet):      # `--epochs`, `--letters 2 --styles`
            lone += _options(snippet.split())
        for word in snippet.split() if not commands else ():
            word = word.strip("()[],;:")
            if "/" in word and word.split("/")[0] in TOP and re.fullmatch(r"[\w./-]+", word):
                if not _path_exists(word):
                    found.append(f"{snippet!r}: {word} does not exist")
        name = snippet.removesuffix("()")
        if re.fullmatch(r"[a-z_]+(\.\w+)+", name) and not FILE_NAME.search(name):
            short = name.split(".")[0]       # learning.score: a module of digitpad, shortened
            if short != "digitpad" and any((REPO / "digitpad" / short).with_suffix(suffix).exists()
                                           for suffix in (".py", "")):
                name = "digitpad." + name
            if name.startswith("digitpad.") and not _dotted_exists(name):
                found.append(f"{snippet!r}: no such module or name")
    # `PRESETS` in `digitpad/recipes.py`, also as a link: the file defines the name.
    for name, path in re.findall(r"`(\w+)`\s+in\s+\[?`([\w/]+\.py)`", text):
        if not (REPO / path).is_file() or not _defines(REPO / path, name):
            found.append(f"`{name}` in `{path}`: {path} does not define {name}")
    if lone:
        every = set()
        for program, words in [("digitpad", ["train"]), ("digitpad", ["predict"]),
                               ("digitpad", ["evaluate"]),
                               *((str(p.relative_to(REPO)), []) for p in REPO.glob("bench/*.py"))]:
            every |= _accepted(program, words)[1]
        found += [f"`{option}` is not an option of digitpad or a bench" for option in lone
                  if option not in every]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (where.parent / file).resolve() if file else where
        if not path.exists():
            found.append(f"link {target}: {file} does not exist")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            found.append(f"link {target}: no heading #{anchor} in {path.name}")
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_what_the_docs_quote_exists(doc):
    assert problems(doc.read_text(encoding="utf-8"), doc) == []


def test_the_docs_quote_the_commands_behind_the_figures():
    """The check sees the commands (a parser that found none would pass every doc)."""
    quoted = {(program, tuple(words)) for doc in DOCS
              for snippet in _snippets(doc.read_text(encoding="utf-8"))
              for program, words in _commands(snippet)}
    programs = {program for program, _ in quoted}
    assert {"digitpad", "bench/pen_digits.py", "bench/latency.py", "bench/train_speed.py",
            "bench/hostile.py"} <= programs
    assert ("bench/pen_digits.py", ()) in quoted
    assert any(program == "digitpad" and words[:1] == ("train",) and "--slant" in words
               for program, words in quoted)


def test_a_made_up_command_option_path_or_link_is_caught():
    text = """
Run `python bench/pen_digits.py --no-such-option` or `digitpad train --epocs 3`, then
`OPENBLAS_NUM_THREADS=1 python bench/latency.py --views none --made-up`.

```
digitpad frobnicate             no such command
python bench/no_such_bench.py
digitpad train --hidden 512 \\
    --not-an-option 3
```

`--also-made-up` alone; `bench/gone.py`; `digitpad.learning.no_such_name`;
`scores.made_up()`; `NOT_THERE` in `digitpad/recipes.py`;
[a link](no/such/file.md) and [an anchor](#no-such-heading).
"""
    found = problems(text, REPO / "README.md")
    for expected in ("--no-such-option is not an option of bench/pen_digits.py",
                     "--epocs is not an option of digitpad train",
                     "--made-up is not an option of bench/latency.py",
                     "`digitpad frobnicate` is not a command",
                     "bench/no_such_bench.py does not exist",
                     "--not-an-option is not an option of digitpad train",
                     "`--also-made-up` is not an option",
                     "bench/gone.py does not exist",
                     "'digitpad.learning.no_such_name': no such module or name",
                     "'scores.made_up()': no such module or name",
                     "digitpad/recipes.py does not define NOT_THERE",
                     "link no/such/file.md: no/such/file.md does not exist",
                     "link #no-such-heading: no heading"):
        assert any(expected in problem for problem in found), (expected, found)
    assert len(found) == 13, found
    assert problems("`python bench/latency.py --views none` [ok](docs/app.md#hidden-units) "
                    "`scores.score` `digitpad.paths.mnist_cache()` `PRESETS` in "
                    "[`digitpad/recipes.py`](digitpad/recipes.py)", REPO / "README.md") == []
