"""The `pairwise` command line: a thin shell over the API (parse, call, print)."""

from pairwise.cli.app import main

__all__ = ["main"]
