"""`python -m curatorbot`: the same entry point as the `curatorbot` console script."""

from curatorbot.cli import main

if __name__ == "__main__":
    main()
