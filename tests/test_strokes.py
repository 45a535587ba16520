"""digitpad.strokes: the one stroke type, and drawing strokes as the canvas does."""
import numpy as np

from digitpad.strokes import Drawing, Stroke, render


def test_render_draws_ink_and_an_eraser_takes_it_away():
    line = Stroke([(10, 20), (50, 20)], width=6)
    ink = render([line], (60, 40))
    assert ink.shape == (40, 60) and ink.dtype == np.float32
    assert ink[20, 30] > 0.99 and ink[5, 30] == 0 and ink.max() <= 1
    rubbed = render([line, Stroke([(30, 10), (30, 30)], width=10, erase=True)], (60, 40))
    assert rubbed[20, 30] == 0 and rubbed[20, 15] > 0.99      # erased in the middle only


def test_a_tap_is_a_round_dot_and_bounds_include_the_pen():
    dot = Stroke([(20.0, 20.0)], width=10)
    ink = render([dot], (40, 40))
    assert ink[20, 20] > 0.99 and ink[20, 26] == 0
    assert np.allclose((ink > 0.5).sum(), np.pi * 5 ** 2, rtol=0.2)
    assert dot.bounds() == (13.0, 13.0, 27.0, 27.0)


def test_a_sharp_turn_has_a_round_join():
    """The pen is round at every point, not only at the ends: just past the vertex of a V
    drawn as one stroke, where neither straight segment reaches, there is ink."""
    vee = Stroke([(10, 30), (30, 10), (50, 30)], width=10)
    ink = render([vee], (60, 40))
    assert ink[6, 30] > 0.5          # 4 px above the vertex: inside the pen's disc only
    assert ink[3, 30] == 0           # 7 px above: beyond the pen


def test_render_asks_tick_once_per_check_points_points():
    """A long drawing can be stopped: ``tick`` is asked before every CHECK_POINTS points."""
    from digitpad.strokes import CHECK_POINTS

    points = [(float(i % 50), 10.0) for i in range(2 * CHECK_POINTS + 1)]
    calls = []
    render([Stroke(points, 4)], (60, 20), tick=lambda: calls.append(1))
    assert len(calls) == 3


def test_a_stroke_drawn_in_parts_is_the_stroke_drawn_whole():
    """Drawing.draw from a point on, and ink() averaging down only what changed: the image
    render gives of the whole strokes, pixel for pixel, an eraser included."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        strokes = [Stroke([tuple(p) for p in rng.uniform(-10, 90, (int(rng.integers(1, 30)), 2))],
                          float(rng.integers(1, 20)), bool(rng.random() < 0.3))
                   for _ in range(3)]
        drawing = Drawing((80, 60))
        for s in strokes[:-1]:
            drawing.draw(s)
        last, done = strokes[-1], 0
        while done < len(last.points):
            before, done = done, min(len(last.points), done + int(rng.integers(1, 5)))
            drawing.draw(Stroke(last.points[:done], last.width, last.erase), start=before)
            grown = strokes[:-1] + [Stroke(last.points[:done], last.width, last.erase)]
            assert np.array_equal(drawing.ink(), render(grown, (80, 60)))
