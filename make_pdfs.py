#!/usr/bin/env python3
"""Build the spa's PDF handouts. Run `python make_pdfs.py --help` for the options."""
import sys
from pathlib import Path

from spapress.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], project=Path(__file__).resolve().parent))
