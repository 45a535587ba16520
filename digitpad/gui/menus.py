"""Making the window's actions and menus: a shortcut list per action, a menu per list, and
the window's own (:func:`create_actions`, :func:`create_menus`)."""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from digitpad.strokes import PEN_WIDTHS


def make_action(parent, text, slot, shortcuts=(), name=None, checkable=False, tip=None):
    """A QAction of ``parent`` that calls ``slot``, with every key of ``shortcuts`` (standard
    keys expanded to all their platform bindings), added to ``parent`` so that its shortcuts
    work even with the menu bar hidden."""
    action = QAction(text, parent, checkable=checkable)
    if name:
        action.setObjectName(name)
    keys = []
    for s in shortcuts:
        seqs = QKeySequence.keyBindings(s) if isinstance(s, QKeySequence.StandardKey) \
            else [QKeySequence(s)]
        keys += [k for k in seqs if not k.isEmpty() and k not in keys]
    if keys:
        action.setShortcuts(keys)
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    parent.addAction(action)
    return action


def add_menu(menu_bar, title, *items):
    """A menu of actions; None is a separator, ``(title, actions)`` a submenu."""
    menu = menu_bar.addMenu(title)
    for item in items:
        if item is None:
            menu.addSeparator()
        elif isinstance(item, tuple):
            menu.addMenu(item[0]).addActions(item[1])
        else:
            menu.addAction(item)
    return menu


def create_actions(w):
    """The window's actions, each kept as an attribute of it (``w.open_action``...)."""
    K = QKeySequence.StandardKey

    def a(*args, **options):
        return make_action(w, *args, **options)
    w.open_action = a("&Open image...", w.open_image, [K.Open], "openAction",
                      tip="Read a digit from an image file")
    w.save_drawing_action = a("&Save drawing as PNG...", w.save_drawing, [K.Save],
                              "saveDrawingAction")
    w.load_model_action = a("&Load model...", w.models.load, ["Ctrl+L"], "loadModelAction")
    w.save_model_action = a("Save model &as...", w.models.save, [K.SaveAs, "Ctrl+Shift+S"],
                            "saveModelAction")
    w.reset_model_action = a("&Reset to the shipped model", w.models.reset, [],
                             "resetModelAction")
    w.quit_action = a("&Quit", w.close, [K.Quit, "Ctrl+Q"], "quitAction")

    w.undo_action = a("&Undo stroke", w.canvas.undo, [K.Undo], "undoAction")
    # Ctrl+Y as well everywhere: on X11 the platform's Redo is Ctrl+Shift+Z alone.
    w.redo_action = a("&Redo stroke", w.canvas.redo, [K.Redo, "Ctrl+Shift+Z", "Ctrl+Y"],
                      "redoAction")
    w.clear_action = a("&Clear", w.clear, ["Delete", "Escape"], "clearAction")
    w.eraser_action = a("&Eraser", w.set_eraser, ["E"], "eraserAction", checkable=True,
                        tip="Erase with the left button too (the right button always erases)")
    w.pen_actions = QActionGroup(w)
    for label, width in PEN_WIDTHS.items():
        action = QAction(f"{label} ({width} px)", w, checkable=True)
        action.setData(width)
        action.triggered.connect(lambda _=False, px=width: w.set_pen_width(px))
        w.pen_actions.addAction(action)

    w.retrain_action = a("&Retrain...", w.retrain, ["Ctrl+R"], "retrainAction")
    w.evaluate_action = a("&Evaluate on MNIST test set", w.evaluate, ["Ctrl+T"],
                          "evaluateAction")
    w.learn_action = a("&Learn from my corrections...", w.teaching.learn, ["Ctrl+Shift+L"],
                       "learnAction", tip="Fine-tune the model on the drawings you corrected")
    w.corrections_action = a("My &corrections...", w.teaching.show_corrections, [],
                             "correctionsAction")
    w.teach_actions = []
    for d in range(10):
        action = a(f"This drawing is a {d}", lambda _=False, d=d: w.teaching.teach(d),
                   [str(d)], f"teachAction{d}",
                   tip=f"Keep this drawing as a {d}, to learn from later")
        action.setIconText(str(d))
        action.setData(d)
        action.setEnabled(False)
        w.teach_actions.append(action)
    w.about_action = a("&About digitpad", w.about, [K.HelpContents], "aboutAction")


def create_menus(w):
    """The window's menu bar, of the actions :func:`create_actions` made."""
    bar = w.menuBar()
    add_menu(bar, "&File", w.open_action, w.save_drawing_action, None,
             w.load_model_action, w.save_model_action, w.reset_model_action,
             None, w.quit_action)
    add_menu(bar, "&Edit", w.undo_action, w.redo_action, w.clear_action, None,
             w.eraser_action, ("&Pen width", w.pen_actions.actions()))
    add_menu(bar, "&Model", w.retrain_action, w.evaluate_action, None,
             w.learn_action, w.corrections_action,
             ("&This drawing is a", w.teach_actions))
    add_menu(bar, "&View", *w.views.actions())
    add_menu(bar, "&Help", w.about_action)
