"""digitpad's neural network, written from scratch: NumPy and the standard library only.

The network, its training, augmentation, MNIST's files and weight files; it never imports
Qt or the rest of digitpad (the app's folders are :mod:`digitpad.paths`).
"""
