"""What the window shows of the sheet: the number on it, the digit selected, and the
reading the bars show.  Qt-free; the window owns one and is its one writer.

A sheet is read as a number (:mod:`digitpad.numbers`): from its strokes, or from its ink
when an image was opened.  When what it holds is not a number (a word, a scribble) it is
read as one drawing, exactly as the window read any sheet before numbers.  The bars, the
preview and the views show one :class:`~digitpad.reading.Prediction`: the selected digit
(the one the person picked, else the least sure), or the whole drawing.
"""
from __future__ import annotations

from . import ink_numbers, numbers, reading


class SheetReading:
    """The sheet's latest reading, and which digit of it is selected."""

    def __init__(self):
        self.number = None        # numbers.NumberReading, or None for an empty sheet
        self._reader = None       # the numbers.NumberReader of the network in use
        self._picked = None       # the digit the person selected (None: the least sure)
        self._whole = None        # the sheet read as one drawing, when it is no number

    def read(self, net, strokes, ink, size, image=False):
        """Read the sheet: ``strokes`` (the canvas' strokes), ``ink`` (its ink image),
        ``size`` (its width and height), ``image`` (an opened image lies under the
        strokes: read the ink's groups instead, :func:`ink_numbers.read_number_ink`).
        ``net`` None or ``ink`` None: nothing to read (no model, or an empty sheet)."""
        number = None
        if net is not None and ink is not None:
            if self._reader is None or self._reader.net is not net:
                self._reader = numbers.NumberReader(net)
            if image:
                number = ink_numbers.read_number_ink(net, ink)
            else:
                number = self._reader.read(strokes, size, whole=ink)
        self.number = number
        self._whole = None
        if number is not None and number.text is None and len(number) > 1:
            self._whole = reading.read(net, ink)
        if number is None or self._picked is not None and self._picked >= len(number):
            self._picked = None

    @property
    def selected(self):
        """The index of the digit the bars show: the one picked, else the least sure; None
        when the sheet is empty or holds no number (the bars show the whole drawing)."""
        if self.number is None or self._whole is not None:
            return None
        return self._picked if self._picked is not None else self.number.least_sure

    def select(self, index):
        """Pick digit ``index``; False (and nothing changes) when there is no such digit."""
        if self.selected is None or not 0 <= index < len(self.number):
            return False
        self._picked = index
        return True

    @property
    def prediction(self):
        """What the bars show: the selected digit's Prediction, the whole drawing's when the
        sheet is no number, None for an empty sheet."""
        if self._whole is not None:
            return self._whole
        return None if self.number is None else self.number.digits[self.selected]

    @property
    def shown_number(self):
        """The number the strip of digits shows: None when the sheet is read as one drawing."""
        return None if self._whole is not None else self.number
