"""The fixture sites, one module per source (``tests/support/sites/<source>.py``).

Each module defines ``add(site)``, which adds that source's routes (paths are
``/{host}/{path}``, see tests.support.localsite) serving files from
``tests/fixtures/<source>/``; ``images`` is the host of the qq pages' images.
``all_sites()`` serves every source at once.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.support.server import FixtureSite


def source_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def all_sites() -> FixtureSite:
    site = FixtureSite()
    for name in source_modules():
        importlib.import_module(f"{__name__}.{name}").add(site)
    return site
