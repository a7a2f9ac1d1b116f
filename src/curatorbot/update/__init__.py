"""`update`: from a check, the run history and metadata to a plan of changes and a new file.

    planner.py   results + history + metadata -> list[Change] (pure, no I/O)
    redirects.py which redirect targets are safe to write (not a home page, not a login)
    run.py       the whole job: check, metadata, history, plan, minimal-diff write
"""
