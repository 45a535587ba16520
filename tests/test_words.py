"""The words messages share: one way to count things in them."""
import re
from pathlib import Path

from digitpad.words import count_of

REPO = Path(__file__).resolve().parents[1]


def test_count_of_says_one_thing_or_many():
    assert count_of(1, "correction") == "1 correction"
    assert count_of(0, "correction") == "0 corrections"
    assert count_of(2000, "drawing") == "2,000 drawings"
    assert count_of(3, "damaged correction file") == "3 damaged correction files"
    assert count_of(2, "body", "bodies") == "2 bodies" and count_of(1, "body", "bodies") == "1 body"


def test_no_message_makes_its_own_plural():
    """f"{n} correction{'s' if n != 1 else ''}" is count_of(n, "correction"), everywhere."""
    inline = re.compile(r"""['"]s['"] if |else ['"]s['"]""")
    found = [f"{path.relative_to(REPO)}:{k}"
             for folder in ("digitpad", "model")
             for path in sorted((REPO / folder).rglob("*.py"))
             for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if inline.search(line)]
    assert not found
