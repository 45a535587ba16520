"""Processes as /proc sees them (Linux): for tests that kill a process and check what is left."""
import os
from pathlib import Path

HAS_PROC = os.path.isdir("/proc/self")


def running(pid):
    """Whether process ``pid`` still runs (a zombie, ended but not reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def spawned(pid):
    """The processes ``pid`` started with multiprocessing's spawn."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found
