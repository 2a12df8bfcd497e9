"""Donut-style pairing: random partners (avoiding last year's), each visit in the first free slot.

Locks are honoured first; then each teacher, in a random order, takes a random admissible partner who
was not their partner last year (anyone admissible when no such partner is left) whose visits fit
the timetable. Teams sit at random tables; sabbatical visits go first-free as in `greedy`. Every
hard rule holds; the stated `bound` is the plan's own objective (no bound is proved).
"""

from __future__ import annotations

import random
import time
from collections import Counter

from pairwise.roster.models import Plan, Roster
from solvers.greedy import (
    Admissibility,
    Booking,
    Group,
    PairChooser,
    TableChooser,
    assemble,
    build_partnerships,
    sabbatical_visits,
    seat_tables,
)


def random_pairs(generator: random.Random, roster: Roster) -> PairChooser:
    """A pair chooser drawing partners at random, last year's partners last."""
    last_year = {
        frozenset((entry.a, entry.b)) for entry in roster.history if entry.year == roster.year - 1
    }

    def choose(
        pool: list[str], admissible: Admissibility, booking: Booking, cycles: list[str]
    ) -> list[Group]:
        order = pool[:]
        generator.shuffle(order)
        taken: set[str] = set()
        groups = []
        for teacher in order:
            if teacher in taken:
                continue
            candidates = [
                other
                for other in order
                if other not in taken and other != teacher and admissible.allowed(teacher, other)
            ]
            generator.shuffle(candidates)
            candidates.sort(key=lambda other: frozenset((teacher, other)) in last_year)
            for other in candidates:
                visits = booking.schedule([teacher, other], cycles)
                if visits is not None:
                    groups.append(Group([teacher, other], cycles, visits))
                    taken.update((teacher, other))
                    break
        return groups

    return choose


def random_tables(generator: random.Random) -> TableChooser:
    def choose(teams: list[str], earlier: Counter[tuple[str, str]]) -> list[list[str]]:
        order = teams[:]
        generator.shuffle(order)
        tables = [order[index : index + 2] for index in range(0, len(order) - 1, 2)]
        if len(order) % 2:
            tables[-1].append(order[-1])
        return tables

    return choose


def solve(roster: Roster, seed: int = 0) -> Plan | None:
    """A random pairing, valid by every hard rule; None when no lock-respecting plan is found."""
    started = time.perf_counter()
    generator = random.Random(seed)
    booking = Booking(roster)
    built = build_partnerships(roster, booking, random_pairs(generator, roster))
    if built is None:
        return None
    groups, unpaired = built
    sabbatical = sabbatical_visits(roster, booking)
    seats = seat_tables(roster, random_tables(generator))
    if seats is None:
        return None
    return assemble(roster, groups, unpaired, sabbatical, seats, seed=seed, started=started)
