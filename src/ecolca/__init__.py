"""ecolca: comparative life-cycle assessment of industrial symbiosis.

The model (:mod:`ecolca.model`, :mod:`ecolca.scenario_file`, :mod:`ecolca.validation`) and the LCA
code (:mod:`ecolca.lca`, :mod:`ecolca.setup`) import no Qt; the desktop app is a view over them.
"""

__version__ = "0.1.0"

from ecolca.bwcompat import configure_environment as _configure_environment  # noqa: E402
from ecolca.bwcompat import lighten_brightway_imports as _lighten  # noqa: E402

_configure_environment()
_lighten()
