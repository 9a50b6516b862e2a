"""What the main window does, one concern per module (mixins of
:class:`~ecolca.app.mainwindow.MainWindow`): ``actions`` (commands, menus, toolbar), ``files``,
``editing``, ``running``, ``geometry``, ``layout`` (splitter, docks, status bar)
and ``messages``."""
