"""Realistic synthetic rosters.

`generate_roster` is named here too: before the rooms, `pairwise.generate` was the module that
defined it, and `from pairwise.generate import generate_roster` keeps working.
"""

from pairwise.generate.rosters import generate_roster

__all__ = ["generate_roster"]
