"""The ecolca desktop app (PySide6): a view and commands over ecolca's model and LCA code.

Nothing about the calculation lives here: the app edits a :class:`ecolca.core.model.Scenario` through
undoable commands (:mod:`ecolca.app.document`), validates it with :mod:`ecolca.core.validation`, and
runs :func:`ecolca.lca.compare` and :func:`ecolca.report.write_report` in a worker thread.
"""
