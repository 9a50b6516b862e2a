"""The app's names of exchanges, fields and parameters: :mod:`ecolca.core.labels` (the report and
the CLI name them the same way), re-exported for the app's modules."""

from ecolca.core.labels import (delta_note, exchange_label, exchange_labels,  # noqa: F401
                                field_name, item_name, parameter_name, short_from_label)

__all__ = ["exchange_labels", "exchange_label", "short_from_label", "field_name",
           "item_name", "parameter_name", "delta_note"]
