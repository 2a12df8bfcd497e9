"""Reference solvers for tests and benchmarks: exact brute force, an admin's greedy, random pairs.

`src/pairwise` never imports these; they speak the same roster and plan formats.
"""
