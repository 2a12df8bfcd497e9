"""The package version, in one place (`pairwise.__version__`, the CLI and the exports read it)."""

__version__ = "0.1.0"
