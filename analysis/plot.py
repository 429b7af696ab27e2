#!/usr/bin/python3
"""powertcp plot RESULTS... [--out DIR]: figures (PNG+SVG) and report.md. See docs/metrics.md."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import matplotlib, numpy, pandas  # noqa: E401,F401
except ImportError as e:
    sys.exit(f"error: {e.name} is missing for {sys.executable}; run with /usr/bin/python3 "
             "(Debian's python3-matplotlib, python3-numpy, python3-pandas)")
from powertcp_analysis.cli import plot_main  # noqa: E402

if __name__ == "__main__":
    sys.exit(plot_main())
