"""Words the app's messages share.  Qt-free."""
from __future__ import annotations


def count_of(n, noun, plural=None):
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 drawing", "2,000 drawings",
    "3 damaged correction files" (``plural`` for a noun that does not just take an s)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
