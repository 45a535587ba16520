"""digitpad's neural network, written from scratch in NumPy (no Qt here)."""
