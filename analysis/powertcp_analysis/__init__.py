"""Analysis of powertcp results folders: loading, metrics (docs/metrics.md), plots and reports."""
