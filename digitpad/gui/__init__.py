"""Everything of digitpad that imports Qt: the window, the canvas, the panels, the dialogs
and the background jobs.  The rest of :mod:`digitpad` never imports this package."""
