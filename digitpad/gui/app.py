"""Running the app: a QApplication, the window, and Ctrl-C in the terminal.

``digitpad`` with no command calls :func:`main`.
"""
from __future__ import annotations

import gc
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from digitpad import paths
from digitpad.signals import EXIT_INTERRUPTED, interrupts_call

from .icon import app_icon
from .jobs import abandoned_jobs
from .window import MainWindow


def main(argv=None, interrupted=None):
    """Open the window and run the application until it is closed (or Ctrl-C in the
    terminal, or a termination signal, closes it as the close button would: exit
    status 130).

    ``interrupted`` is a list a caller's own SIGINT handler appends to while this
    module is imported (see ``digitpad.cli.open_window``): a Ctrl-C then closes the
    window as soon as it is up.
    """
    interrupted = [] if interrupted is None else interrupted
    try:
        paths.check_home()              # DIGITPAD_HOME empty, unknown ~user, not a folder
    except paths.HomeError as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName("digitpad")
    app.setApplicationDisplayName("digitpad")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("digitpad")      # a launcher's digitpad.desktop: its icon in docks

    def stop():
        for widget in app.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.ask_before_closing = False     # a signal asks no question
        app.closeAllWindows()            # the window stops its jobs as it closes
        app.quit()

    def on_interrupt():
        interrupted.append(True)
        # From the event loop: a Ctrl-C that lands before app.exec() has started (while
        # the window is being built, say) would otherwise quit a loop not yet running.
        QTimer.singleShot(0, stop)

    # Python runs a signal handler only between its own instructions: a timer that
    # calls into Python now and then lets it run while Qt's event loop waits.
    wake = QTimer(interval=200)
    wake.timeout.connect(lambda: None)
    try:
        with interrupts_call(on_interrupt):
            window = MainWindow()
            window.show()
            settle()
            wake.start()
            if interrupted:                  # Ctrl-C while starting
                QTimer.singleShot(0, stop)
            status = app.exec()
    finally:
        wake.stop()
        gc.unfreeze()
    if interrupted:
        status = EXIT_INTERRUPTED
    if abandoned_jobs():
        # A worker that would not stop in time (a stalled download, say) must not
        # hold the process open, and its QThread must not be destroyed running.
        sys.stdout.flush()
        os._exit(status)
    return status


def settle():
    """Put what the running app was built of out of the garbage collector's sight.

    Qt's wrappers, the modules and the model live as long as the window, yet each full
    collection walked all of them: 40 ms with the window up on the development machine, often
    inside a read of the sheet (``python bench/latency.py`` prints it).  Frozen
    (:func:`gc.freeze`), a full collection walks only what came after, and takes well under
    a millisecond; what comes after is collected as before.
    """
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
