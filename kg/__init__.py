"""kg: knowledge graphs from geopolitical news and analysis articles.

Public API: :func:`build_graph` runs the whole pipeline on articles and
returns the build (records and quads); :class:`Settings` holds its options.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .config import Settings
    from .pipeline import Build, build_graph

__all__ = ["Build", "Settings", "__version__", "build_graph"]


def __getattr__(name: str) -> Any:
    # lazy imports keep `import kg` (and `kg --version`) free of spaCy's start-up cost
    if name == "Settings":
        from .config import Settings

        return Settings
    if name in {"build_graph", "Build"}:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
