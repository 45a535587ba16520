"""Preprocessing: the pen's width and the drawing's size and place must not decide the image."""
import numpy as np
import pytest

from digitpad import pendigits, preprocess

# A "4" and a "5" as a person draws them, in a 100x100 box (y down).
FOUR = [np.array([[60.0, 0], [5, 65], [95, 65]]), np.array([[65.0, 30], [62, 100]])]
FIVE = [np.array([[85.0, 0], [20, 0], [15, 45], [60, 40], [85, 65], [75, 95], [40, 100],
                  [10, 90]])]


def draw(strokes, pen, size, at, canvas=(420, 420)):
    """Ink of ``strokes`` scaled to ``size`` px at ``at`` on a canvas, with a ``pen`` px pen."""
    placed = [s * (size / 100) + at for s in strokes]
    return pendigits.render(placed, pen, canvas)


def similar(a, b):
    """Mean absolute difference and correlation, at the best shift of at most one pixel
    (the centre of mass is rounded to whole pixels, so a half-pixel change may move it)."""
    best = None
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            c = np.roll(b, (dy, dx), axis=(0, 1))
            d = float(np.abs(a - c).mean()), float(np.corrcoef(a.ravel(), c.ravel())[0, 1])
            best = d if best is None or d[0] < best[0] else best
    return best


@pytest.mark.parametrize("strokes", [FOUR, FIVE])
def test_thin_and_thick_pen_give_nearly_the_same_image(strokes):
    thin = preprocess.to_mnist(draw(strokes, 8, 300, (60, 60)))
    thick = preprocess.to_mnist(draw(strokes, 40, 300, (60, 60)))
    diff, corr = similar(thin, thick)
    assert diff < 0.04 and corr > 0.93
    # without the stroke normalisation they differ much more
    raw_thin = preprocess.to_mnist(draw(strokes, 8, 300, (60, 60)), normalise=False)
    raw_thick = preprocess.to_mnist(draw(strokes, 40, 300, (60, 60)), normalise=False)
    assert similar(raw_thin, raw_thick)[1] < corr - 0.1


@pytest.mark.parametrize("strokes", [FOUR, FIVE])
def test_small_in_a_corner_reads_like_big_in_the_middle(strokes):
    big = preprocess.to_mnist(draw(strokes, 18, 320, (50, 50)))
    small = preprocess.to_mnist(draw(strokes, 18, 70, (335, 335)))
    diff, corr = similar(big, small)
    assert diff < 0.04 and corr > 0.93


def test_strokes_get_mnist_width_and_a_20_pixel_box():
    image = preprocess.to_mnist(draw(FOUR, 6, 300, (60, 60)))
    assert image.shape == (28, 28) and image.dtype == np.float32
    ys, xs = np.nonzero(image > 0.1)
    assert 19 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 21
    again = preprocess.prepare(image, normalise=False)
    assert again.stroke == pytest.approx(preprocess.STROKE, abs=0.03)


def test_blank_is_none():
    assert preprocess.to_mnist(np.zeros((50, 60))) is None
    assert preprocess.prepare(np.full((50, 60), 0.05)) is None


def test_measurements_for_declining():
    four = preprocess.prepare(draw(FOUR, 18, 200, (50, 50)))
    assert four.parts == 1 and four.stroke < 0.15
    dot = preprocess.prepare(pendigits.render([np.array([[100.0, 100.0]])], 18, (420, 420)))
    assert dot.stroke > 0.4
    pair = preprocess.prepare(draw(FOUR + [s + (130, 0) for s in FIVE], 18, 150, (20, 100)))
    assert pair.parts == 2 and not pair.nested
    t = np.linspace(0, 2 * np.pi, 40)
    ring = np.stack([50 + 50 * np.cos(t), 50 + 50 * np.sin(t)], axis=1)
    dotted = preprocess.prepare(draw([ring, np.array([[45.0, 40], [46, 41]])], 18, 200, (50, 50)))
    assert dotted.parts == 1 and dotted.nested
    assert not preprocess.prepare(draw([ring], 18, 200, (50, 50))).nested


def whole_image_morphology(image, radius, op):
    """The definition: alternating 3x3 crosses and squares over the whole image, the last
    step blended by the radius' fraction (what preprocess did before it kept its steps and
    worked on the ink's neighbourhood only)."""
    def step(x, square):
        p = np.pad(x, 1)
        out = np.maximum.reduce if op is np.maximum else np.minimum.reduce
        shifts = [(1, 1), (0, 1), (2, 1), (1, 0), (1, 2)]
        if square:
            shifts += [(0, 0), (0, 2), (2, 0), (2, 2)]
        return out([p[dy:dy + x.shape[0], dx:dx + x.shape[1]] for dy, dx in shifts])
    steps = int(np.floor(radius))
    out = image
    for k in range(steps):
        out = step(out, k % 2 == 1)
    frac = radius - steps
    if frac > 0:
        out = out + frac * (step(out, steps % 2 == 1) - out)
    return out


@pytest.mark.parametrize("grow", [True, False])
def test_kept_steps_on_the_inks_neighbourhood_are_the_whole_images_steps(grow):
    rng = np.random.default_rng(3)
    image = np.zeros((40, 30), np.float32)
    image[5:20, 22:30] = rng.random((15, 8), dtype=np.float32)   # ink at the right border
    image[30:34, 3:9] = 1
    morphology = preprocess._Morphology(image)
    op = np.maximum if grow else np.minimum
    for radius in (0.5, 2.0, 3.7, 1.2, 9.4, 24.0):      # out of order: steps are reused
        got = morphology(radius, grow).whole(image.shape)
        assert np.array_equal(got, whole_image_morphology(image, radius, op)), radius


def flood_fill_components(mask):
    """The definition: 8-connected groups of True pixels, found by a flood fill from each
    unlabelled pixel in raster order: (area, x0, y0, x1, y1) in the order of their first
    pixel."""
    seen = np.zeros_like(mask, dtype=bool)
    groups = []
    for y, x in zip(*np.nonzero(mask)):
        if seen[y, x]:
            continue
        seen[y, x] = True
        todo, pixels = [(y, x)], []
        while todo:
            cy, cx = todo.pop()
            pixels.append((cy, cx))
            for ny in range(max(cy - 1, 0), min(cy + 2, mask.shape[0])):
                for nx in range(max(cx - 1, 0), min(cx + 2, mask.shape[1])):
                    if mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        todo.append((ny, nx))
        ys, xs = [p[0] for p in pixels], [p[1] for p in pixels]
        groups.append((len(pixels), min(xs), min(ys), max(xs), max(ys)))
    return groups


def test_components_are_the_flood_fills_groups_in_order():
    rng = np.random.default_rng(5)
    for _ in range(300):
        shape = tuple(rng.integers(1, 30, 2))
        image = rng.random(shape) * rng.uniform(0.6, 1.5)     # sparse to nearly full
        assert preprocess.components(image) == flood_fill_components(image > 0.5)


def test_an_image_inked_to_every_edge_is_its_own_crop():
    image = np.zeros((9, 7), np.float32)
    image[0, 3] = image[-1, 2] = image[4, 0] = image[5, -1] = 1
    assert preprocess.crop_to_ink(image) is image
    assert preprocess.crop_to_ink(image[1:]).shape == (5, 7)     # rows 4 to 8 of the image
    assert preprocess.crop_to_ink(np.zeros((0, 4), np.float32)) is None
