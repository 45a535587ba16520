"""Making the window's actions and menus: a shortcut list per action, a menu per list."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence


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
