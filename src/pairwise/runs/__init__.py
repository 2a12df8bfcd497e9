"""Runs of many solves: the executor (local pool or Dask), what-if, districts, multi-year."""
