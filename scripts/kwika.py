#!/usr/bin/env python3
"""Operator CLI without installing the console script: ``python scripts/kwika.py --help``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kwika.cli import main

if __name__ == "__main__":
    main()
