"""Small districts whose coaches coach across schools: the district solve against the whole roster.

    python benchmarks/districts.py [--seeds 13] [--teachers 60] [--schools 3] [--time-limit 60]

For each seed S: `pairwise generate --teachers 60 --schools 3 --kind mixed --seed S`, then each
school's most experienced teacher made a mini-sabbatical coach (budget 6-12, drawn from S) of the
two priorities held least in its own school and most elsewhere, so the coaches of several schools
want the same coachees. Each roster is solved by `solve_district` and by the engine on the whole
roster (`pairwise.engine.pipeline.solve`), both with two workers; every plan goes through the
checker. Prints one row per seed (status, objective, bound, seconds; the district's merged plan
before the gap was closed) and exits 1 when a district plan breaks a rule or misses the whole
roster's proven optimum.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

from pairwise.checker.entry import check
from pairwise.engine.pipeline import solve
from pairwise.generate.rosters import generate_roster
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster
from pairwise.runs.district.solve import solve_district


def coaches_across_the_district(roster: Roster, seed: int) -> Roster:
    """One coach per school, on the priorities of the other schools (budget 6-12 from `seed`)."""
    draw = random.Random(seed)
    data = roster.model_dump(mode="json")
    for teacher in data["teachers"]:
        teacher["sabbatical"] = None
    for school in roster.schools():
        own = [t for t in data["teachers"] if t["school"] == school]
        coach = max(own, key=lambda t: (t["years_experience"], t["id"]))
        elsewhere = Counter(t["priority"] for t in data["teachers"] if t["school"] != school)
        mine = {t["priority"] for t in own}
        ranked = sorted(elsewhere, key=lambda p: (p in mine, elsewhere[p], p))
        coach["sabbatical"] = {"topics": ranked[:2], "budget": draw.randint(6, 12)}
    return roster_from_data(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=13)
    parser.add_argument("--teachers", type=int, default=60)
    parser.add_argument("--schools", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    options = parser.parse_args()
    failures = 0
    print("seed | merged objective / bound | district status, objective, bound, s | whole, s")
    for seed in range(options.seeds):
        roster = coaches_across_the_district(
            generate_roster(options.teachers, schools=options.schools, kind="mixed", seed=seed),
            seed,
        )
        started = time.perf_counter()
        district = solve_district(roster, time_limit=options.time_limit, workers=2)
        district_seconds = time.perf_counter() - started
        started = time.perf_counter()
        whole = solve(roster, time_limit=options.time_limit, workers=2)
        whole_seconds = time.perf_counter() - started
        valid = district.plan is not None and not check(roster, district.plan).violations
        same = whole.status != "optimal" or district.objective == whole.objective
        failures += not (valid and same)
        merged = f"{district.stats.get('merged_objective', '-')} / {district.stats.get('merged_bound', '-')}"
        print(
            f"{seed} | {merged} | {district.status} {district.objective} {district.bound} "
            f"{district_seconds:.1f} | {whole.status} {whole.objective} {whole_seconds:.1f}"
            + ("" if valid and same else "  << FAIL")
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
