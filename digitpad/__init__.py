"""digitpad: draw a digit, and a NumPy network reads it as you draw."""

__version__ = "0.1.0"
