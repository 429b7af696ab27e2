#!/usr/bin/python3
"""powertcp compare A B: the numeric comparison table only. See docs/metrics.md."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from powertcp_analysis.cli import compare_main  # noqa: E402

if __name__ == "__main__":
    sys.exit(compare_main())
