"""Ctrl-C and termination signals, handled in one place.  Qt-free.

A command (``digitpad train`` ...) ends the same way on Ctrl-C and on a
termination signal (``kill``, a logout): :func:`interrupts_raise` makes SIGTERM
raise KeyboardInterrupt as SIGINT does, so the command's clean-up runs.  The
window takes note of both instead (:func:`interrupts_call`) and closes itself
from its event loop.  A helper process leaves Ctrl-C to the process that
started it (:func:`leave_interrupts_to_parent`).  Either way the exit status
is :data:`EXIT_INTERRUPTED`.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

EXIT_INTERRUPTED = 130          # the shell's status for a process ended by SIGINT
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_raise():
    """Within the block, a termination signal raises KeyboardInterrupt, as Ctrl-C does
    (by default the process would simply vanish, leaving its helpers and files behind).
    Only the main thread may set signal handlers: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def interrupts_call(handler):
    """Within the block, Ctrl-C and a termination signal call ``handler()`` instead of
    interrupting whatever runs; the handlers before are restored after it."""
    previous = {sig: signal.signal(sig, lambda *_: handler()) for sig in INTERRUPTS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def leave_interrupts_to_parent():
    """In a helper process: Ctrl-C, sent to the whole process group, is the first
    process' to handle (it ends its helpers itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
