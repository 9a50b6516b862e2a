"""What the main window does, one concern per module (mixins of
:class:`~ecolca.app.mainwindow.MainWindow`): ``actions`` (commands, menus, toolbar), ``files``,
``recovery`` (autosave, crash recovery), ``editing``, ``running``, ``geometry``, ``layout``
(splitter, docks, status bar) and ``messages``."""
