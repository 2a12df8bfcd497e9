"""A quick sabbatical placement around fixed peer visits, tried before the sabbatical model.

The coaches take turns, one visit each per round, in roster order: each takes the cycle where it
has made the fewest visits (never beyond its even share, ceil(budget / cycles)), the first coachee
it has not visited yet, fewest interested coaches first (roster order among equals), and the
first slot where both are free of every visit placed so far, peer or sabbatical. When nobody can
add a visit that way, the rounds go on allowing a repeat coachee or a cycle beyond the share, and
then covered slots (the coach teaches; a cover of the coach's school must be left in that slot).
Every visit it makes keeps rules 6-8: coach and coachee free of every other visit in that slot,
the budget, the per-coachee cap, the covers left by the peer visits.

Why it is worth trying: on a large school the coaches' budgets are small against their options
(the 800-teacher school: 253 visits to place, 19,530 coaching arcs, 586,325 slot booleans in the
sabbatical model, about 20 s to build in Python and 2 GiB to search). When the greedy's value
reaches a proven upper bound on every placement (the count bound, which ignores the peer visits,
so holds around any), no placement is better: it is optimal, exactly, and the model is not built.
When every coach also visits distinct coachees within its even shares, its tie-break is 0, the
most there is, so it is the best placement for the tie-break as well. Otherwise it is only the
model's hint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pairwise.engine.candidates import Candidates, SlotOptions
from pairwise.engine.model.plan_model import PlanSolution
from pairwise.engine.model.visit_rules import CoachingArc, SlotKey

REPEAT_WEIGHT = 2
"""As in the sabbatical model's tie-break: a repeat visit to a coachee weighs more than a visit
beyond a cycle's share."""


@dataclass(frozen=True)
class GreedyPlacement:
    """The greedy's visits, their value and their tie-break (0 is the best there is)."""

    visits: dict[CoachingArc, list[int]]
    value: int
    spread: int


@dataclass
class _State:
    """What the visits placed so far have taken: slots, covers, budgets, caps."""

    occupied: dict[tuple[str, str], int]
    covers_used: dict[SlotKey, int]
    budget: dict[str, int]
    room: dict[str, int]
    per_cycle: dict[tuple[str, str], int]
    seen: dict[tuple[str, str], int]
    visits: dict[CoachingArc, list[int]]

    def busy(self, teacher: str, cycle: str) -> int:
        return self.occupied.get((teacher, cycle), 0)

    def take(self, teacher: str, cycle: str, slot: int) -> None:
        self.occupied[teacher, cycle] = self.busy(teacher, cycle) | (1 << slot)


def peer_occupancy(
    candidates: Candidates, peer: PlanSolution
) -> tuple[dict[tuple[str, str], int], dict[SlotKey, int]]:
    """The slots `peer`'s visits take, per (teacher, cycle) as a bit mask, and the covers they
    use per (cycle, slot, school): what the greedy and the sabbatical model place around."""
    occupied: dict[tuple[str, str], int] = {}
    covers_used: dict[SlotKey, int] = {}
    for (visitor, host, cycle), slot in peer.visits.items():
        for teacher in (visitor, host):
            occupied[teacher, cycle] = occupied.get((teacher, cycle), 0) | (1 << slot)
        options = candidates.arc_options(visitor, host, cycle)
        if options is not None and not (options.uncovered >> slot) & 1:
            key = (cycle, slot, candidates.school[visitor])
            covers_used[key] = covers_used.get(key, 0) + 1
    return occupied, covers_used


def _peer_state(candidates: Candidates, peer: PlanSolution) -> _State:
    """The slots and covers `peer`'s visits take (as the sabbatical model counts them)."""
    occupied, covers_used = peer_occupancy(candidates, peer)
    roster = candidates.roster
    budget = {}
    for coach in candidates.coaches:
        sabbatical = roster.teacher_by_id[coach].sabbatical
        assert sabbatical is not None
        budget[coach] = sabbatical.budget
    cap = roster.policy.sabbatical_visits_per_coachee
    room = {coachee: cap for _coach, coachee, _cycle in candidates.sabbatical_arcs}
    return _State(occupied, covers_used, budget, room, {}, {}, {})


def _arcs_by_coach(
    candidates: Candidates,
) -> dict[str, list[tuple[str, str, SlotOptions]]]:
    """Each coach's (coachee, cycle, options): coachees wanted by fewer coaches first, then in
    roster order; cycles in calendar order."""
    interested: dict[str, set[str]] = {}
    for coach, coachee, _cycle in candidates.sabbatical_arcs:
        interested.setdefault(coachee, set()).add(coach)
    cycle_index = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
    by_coach: dict[str, list[tuple[str, str, SlotOptions]]] = {c: [] for c in candidates.coaches}
    for (coach, coachee, cycle), options in candidates.sabbatical_arcs.items():
        by_coach[coach].append((coachee, cycle, options))
    for arcs in by_coach.values():
        arcs.sort(key=lambda a: (len(interested[a[0]]), candidates.index[a[0]], cycle_index[a[1]]))
    return by_coach


def greedy_sabbaticals(candidates: Candidates, peer: PlanSolution) -> GreedyPlacement:
    """Sabbatical visits around `peer`'s visits, coaches taking turns (see the module)."""
    state = _peer_state(candidates, peer)
    by_coach = _arcs_by_coach(candidates)
    cycles = len(candidates.cycle_ids)
    share = {coach: -(-budget // cycles) for coach, budget in state.budget.items()}
    weights = candidates.roster.policy.weights

    def spread_kept(coach: str, coachee: str, cycle: str) -> bool:
        return (
            state.seen.get((coach, coachee), 0) == 0
            and state.per_cycle.get((coach, cycle), 0) < share[coach]
        )

    passes: list[tuple[Callable[[str, str, str], bool], bool]] = [
        (spread_kept, False),  # uncovered, distinct coachees within the even shares
        (lambda _coach, _coachee, _cycle: True, False),  # uncovered, any
        (lambda _coach, _coachee, _cycle: True, True),  # covered
    ]
    value = 0
    for allowed, covered in passes:
        active = [coach for coach in candidates.coaches if state.budget[coach] > 0]
        while active:
            still = []
            for coach in active:
                gain = _one_visit(candidates, state, coach, by_coach[coach], allowed, covered)
                if gain:
                    value += weights.sabbatical - (weights.cover if covered else 0)
                    if state.budget[coach] > 0:
                        still.append(coach)
            active = still
    return GreedyPlacement(state.visits, value, _spread(candidates, state, share))


def _one_visit(
    candidates: Candidates,
    state: _State,
    coach: str,
    arcs: list[tuple[str, str, SlotOptions]],
    allowed: Callable[[str, str, str], bool],
    covered: bool,
) -> bool:
    """One more visit of `coach`, in its least-visited cycle first; False when none is left."""
    order = {cycle: i for i, cycle in enumerate(candidates.cycle_ids)}
    best: tuple[tuple[int, int], str, str, int] | None = None
    for coachee, cycle, options in arcs:
        if state.room[coachee] <= 0 or not allowed(coach, coachee, cycle):
            continue
        rank = (state.per_cycle.get((coach, cycle), 0), order[cycle])
        if best is not None and rank >= best[0]:
            continue
        mask = options.covered if covered else options.uncovered
        mask &= ~(state.busy(coach, cycle) | state.busy(coachee, cycle))
        if covered:
            mask &= _covers_left(candidates, state, coach, cycle, mask)
        if mask:
            slot = (mask & -mask).bit_length() - 1
            best = (rank, coachee, cycle, slot)
    if best is None:
        return False
    _rank, coachee, cycle, slot = best
    state.take(coach, cycle, slot)
    state.take(coachee, cycle, slot)
    state.visits.setdefault((coach, coachee, cycle), []).append(slot)
    state.budget[coach] -= 1
    state.room[coachee] -= 1
    state.per_cycle[coach, cycle] = state.per_cycle.get((coach, cycle), 0) + 1
    state.seen[coach, coachee] = state.seen.get((coach, coachee), 0) + 1
    if covered:
        key = (cycle, slot, candidates.school[coach])
        state.covers_used[key] = state.covers_used.get(key, 0) + 1
    return True


def _covers_left(candidates: Candidates, state: _State, coach: str, cycle: str, mask: int) -> int:
    """The slots of `mask` where a cover of the coach's school is still on hand."""
    school = candidates.school[coach]
    left = 0
    rest = mask
    while rest:
        low = rest & -rest
        slot = low.bit_length() - 1
        limit = candidates.roster.cover_limit(candidates.slots[cycle][slot])
        if state.covers_used.get((cycle, slot, school), 0) < limit:
            left |= low
        rest ^= low
    return left


def _spread(candidates: Candidates, state: _State, share: dict[str, int]) -> int:
    """The sabbatical model's tie-break of these visits (minus repeats and excess; 0 is best)."""
    cap = candidates.roster.policy.sabbatical_visits_per_coachee
    repeats = sum(max(0, n - 1) for n in state.seen.values()) if cap >= 2 else 0
    excess = sum(max(0, n - share[coach]) for (coach, _cycle), n in state.per_cycle.items())
    return -(REPEAT_WEIGHT * repeats + excess)
