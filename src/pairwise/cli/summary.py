"""The summary `pairwise solve` prints at the end: the plan's value, terms, partnerships, covers,
unpaired teachers, seatings and sabbatical coaches, in rich tables."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table

from pairwise.cli.wording import counted
from pairwise.engine.plan.reasons import coach_idle_reason
from pairwise.roster.models import TERM_NAMES, Plan, Roster


def print_summary(console: Console, roster: Roster, plan: Plan, destination: str | None) -> None:
    """Everything an admin reads first about a plan, then where it was written."""
    _overview(console, roster, plan)
    _terms(console, plan)
    _partnerships(console, roster, plan)
    _covers(console, roster, plan)
    _unpaired(console, roster, plan)
    _tables(console, roster, plan)
    _coaches(console, roster, plan)
    if destination is not None:
        console.print(f"plan written to {destination}", soft_wrap=True)


def _overview(console: Console, roster: Roster, plan: Plan) -> None:
    table = Table(title=f"{roster.name}: plan", show_header=False)
    table.add_row("status", plan.status or "not stated")
    table.add_row("objective", _stated(plan.objective))
    table.add_row("bound", _stated(plan.bound))
    table.add_row("gap", "not stated" if plan.gap is None else f"{plan.gap:.2%}")
    table.add_row("seconds", "not stated" if plan.seconds is None else f"{plan.seconds:.1f}")
    proof = _proof(plan)
    if proof is not None:
        table.add_row("proof", proof)
    sizes = Counter(len(p.members) for p in plan.partnerships)
    text = (
        f"{len(plan.partnerships)} ({counted(sizes.get(2, 0), 'pair')}, "
        f"{counted(sizes.get(3, 0), 'triad')})"
    )
    table.add_row("partnerships", text)
    table.add_row("visits", str(len(plan.visits)))
    table.add_row("sabbatical visits", str(len(plan.sabbatical_visits)))
    counts = plan.conversation_counts
    if plan.visits:
        lessons = (
            f", {counted(counts.co_taught, 'co-taught lesson')}" if counts.co_taught_most else ""
        )
        table.add_row(
            "conversations",
            f"{counts.placed} booked of at most {counts.most}{lessons}"
            + (
                f" ({len(plan.unplaced_conversations)} unplaced, each with why in the plan)"
                if plan.unplaced_conversations
                else ""
            ),
        )
    console.print(table)


def _proof(plan: Plan) -> str | None:
    """What the bound says of the plan, in words: proven, or how far it may be from the best."""
    if plan.status == "optimal":
        return "proven optimal: no plan of this roster is worth more"
    if plan.status == "feasible" and plan.bound is not None and plan.gap is not None:
        return (
            f"not proven in the time limit: no plan is worth more than {plan.bound}, "
            f"{plan.gap:.2%} above this one; a longer --time-limit may prove it or find a "
            "better one"
        )
    return None


def _stated(value: int | None) -> str:
    return "not stated" if value is None else str(value)


def _terms(console: Console, plan: Plan) -> None:
    table = Table(title="objective terms")
    table.add_column("term")
    table.add_column("value", justify="right")
    for name in TERM_NAMES:
        table.add_row(name, str((plan.terms or {}).get(name, 0)))
    table.add_row("total", str(plan.objective), style="bold")
    console.print(table)


def _covers(console: Console, roster: Roster, plan: Plan) -> None:
    school_of = {t.id: roster.school_of(t.id) for t in roster.teachers}
    peer: Counter[str] = Counter()
    sabbatical: Counter[str] = Counter()
    for visit in plan.visits:
        if visit.covered:
            peer[school_of.get(visit.visitor, "")] += 1
    for sabbatical_visit in plan.sabbatical_visits:
        if sabbatical_visit.covered:
            sabbatical[school_of.get(sabbatical_visit.coach, "")] += 1
    budget = roster.policy.release_budget
    table = Table(title="covered visits")
    table.add_column("school")
    table.add_column("peer (against release_budget)", justify="right")
    table.add_column("sabbatical", justify="right")
    for school in roster.schools():
        limit = "no limit" if budget is None else str(budget)
        table.add_row(
            school or "(the school)", f"{peer[school]} of {limit}", str(sabbatical[school])
        )
    console.print(table)


# the reasons shown per partnership in the summary (the report and partnerships.csv list them all)
REASONS_SHOWN = 2


def _partnerships(console: Console, roster: Roster, plan: Plan) -> None:
    """Who is paired with whom, by name, and why (the strongest reasons)."""
    if not plan.partnerships:
        return
    every_cycle = [cycle.id for cycle in roster.cycles]
    table = Table(title="partnerships")
    table.add_column("partners")
    table.add_column("cycles")
    table.add_column("why")
    for partnership in plan.partnerships:
        cycles = "all" if partnership.cycles == every_cycle else ", ".join(partnership.cycles)
        table.add_row(
            " + ".join(roster.teacher_name(member) for member in partnership.members),
            cycles,
            "; ".join(partnership.reasons[:REASONS_SHOWN]),
        )
    console.print(table)


def _unpaired(console: Console, roster: Roster, plan: Plan) -> None:
    if not plan.unpaired:
        console.print("every participating teacher has a partner", soft_wrap=True)
        return
    table = Table(title="unpaired")
    table.add_column("teacher")
    table.add_column("cycles")
    table.add_column("why")
    for entry in plan.unpaired:
        table.add_row(roster.teacher_name(entry.teacher), ", ".join(entry.cycles), entry.why)
    console.print(table)


def _tables(console: Console, roster: Roster, plan: Plan) -> None:
    if not plan.tables:
        return
    table = Table(title="table sessions")
    table.add_column("cycle")
    table.add_column("meeting")
    table.add_column("seating")
    meetings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for seat in plan.tables:
        teams = " + ".join(roster.team_name(team) for team in seat.teams)
        meetings[seat.cycle, seat.meeting].append(f"{seat.table}: {teams}")
    for (cycle, meeting), seats in meetings.items():
        table.add_row(cycle, meeting, "; ".join(seats))
    console.print(table)


def _coaches(console: Console, roster: Roster, plan: Plan) -> None:
    coaches = [t for t in roster.teachers if t.sabbatical is not None]
    if not coaches:
        return
    visits: dict[str, list[str]] = defaultdict(list)
    for visit in plan.sabbatical_visits:
        visits[visit.coach].append(f"{roster.teacher_name(visit.coachee)} ({visit.cycle})")
    table = Table(title="sabbatical coaches")
    table.add_column("coach")
    table.add_column("visits", justify="right")
    table.add_column("unspent budget", justify="right")
    table.add_column("coachees")
    idle = []
    for coach in coaches:
        assert coach.sabbatical is not None
        made = visits.get(coach.id, [])
        if not made:
            why = (
                coach_idle_reason(roster, coach.id) or "no visit fitted beside the rest of the plan"
            )
            idle.append(f"{roster.teacher_name(coach.id)} makes no visit: {why}")
        detail = ", ".join(made) if made else "none (see below)"
        table.add_row(
            roster.teacher_name(coach.id),
            str(len(made)),
            str(coach.sabbatical.budget - len(made)),
            detail,
        )
    console.print(table)
    for line in idle:
        console.print(line, soft_wrap=True)
