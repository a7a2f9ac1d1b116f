"""curatorbot: keeps a curated catalog of web resources healthy.

The public surface is small: load a catalog (`curatorbot.catalog.load_catalog`), and the
command line (`curatorbot.cli`). Everything else is an implementation module.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/curatorbot/curatorbot"
