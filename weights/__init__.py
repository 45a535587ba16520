"""The model that ships with digitpad; see README.md here for how it was made."""
from pathlib import Path

SHIPPED = Path(__file__).with_name("digitpad.npz")
