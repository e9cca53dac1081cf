"""``python -m analysis``: the command line of :mod:`analysis.cli`."""
from analysis.cli import main

if __name__ == "__main__":
    main(prog_name="python -m analysis")
