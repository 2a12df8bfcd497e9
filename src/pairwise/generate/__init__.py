"""Realistic synthetic rosters."""
