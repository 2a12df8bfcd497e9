"""Merging the schools' plans and the cross-school visits into one district plan: partnership ids
renumbered, terms summed, metrics recomputed, conversations kept (except where a cross-school visit
now sits).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pairwise.analysis.network import plan_metrics
from pairwise.result import relative_gap
from pairwise.roster.models import (
    Conversation,
    ConversationCounts,
    Partnership,
    Plan,
    Roster,
    SabbaticalVisit,
    TableSeat,
    Unpaired,
    UnplacedConversation,
    Visit,
)
from pairwise.roster.objective import empty_terms
from pairwise.runs.district.cross_visits import PHASE_TWO_SECONDS, place_cross_visits
from pairwise.runs.district.split import SchoolPart
from pairwise.runs.executor import (
    TaskOutcome,
)

# --- merging --------------------------------------------------------------------------------


def merge_district(
    roster: Roster,
    parts: Sequence[SchoolPart],
    outcomes: dict[str, TaskOutcome],
    *,
    seed: int = 0,
    placement_seconds: float = PHASE_TWO_SECONDS,
) -> tuple[Plan, dict[str, float | int | str]]:
    """One district plan from the schools' plans, with the cross-school visits placed anew."""
    weights = roster.policy.weights
    merged = _Merged()
    for part in parts:
        # one school's plan parsed at a time: its parts join the district's, the rest is freed
        plan = _school_plan(outcomes[part.school])
        merged.add(part, plan, weights.sabbatical, weights.cover)
    partnerships, visits = merged.renumbered()
    placement_started = time.perf_counter()
    crossing = place_cross_visits(
        roster, visits, merged.sabbatical, seed=seed, deterministic_seconds=placement_seconds
    )
    terms = merged.terms
    for visit in crossing:
        terms["sabbatical"] += weights.sabbatical
        if visit.covered:
            terms["cover"] -= weights.cover
    all_terms = empty_terms()
    for name in all_terms:
        all_terms[name] = int(terms.get(name, 0))
    objective = sum(all_terms.values())
    bound = max(objective, sum(int(outcomes[part.school].bound or 0) for part in parts))
    plan = Plan(
        roster=roster.name,
        year=merged.year,
        status="optimal" if objective >= bound else "feasible",
        objective=objective,
        bound=bound,
        gap=round(relative_gap(objective, bound), 6),
        seed=seed,
        terms=all_terms,
        partnerships=partnerships,
        visits=visits,
        sabbatical_visits=merged.sabbatical + crossing,
        tables=merged.tables,
        unpaired=merged.unpaired,
    )
    merged.talks.settle(plan, crossing)
    plan.metrics = plan_metrics(roster, plan)
    stats: dict[str, float | int | str] = {
        "cross_school_visits": len(crossing),
        "cross_school_capacity_used_by_schools": merged.tentative,
        "placement_seconds": round(time.perf_counter() - placement_started, 3),
    }
    return plan, stats


def _school_plan(outcome: TaskOutcome) -> Plan:
    """A school's plan, from the JSON its task wrote (the engine's own output: pydantic reads it
    straight, without the checks a hand-written file needs)."""
    assert outcome.plan_json is not None
    return Plan.model_validate_json(outcome.plan_json)


@dataclass
class _Merged:
    """The schools' plans folded together, school by school, before the cross-school visits."""

    schools: list[tuple[list[Partnership], list[Visit]]] = field(default_factory=list)
    sabbatical: list[SabbaticalVisit] = field(default_factory=list)
    tables: list[TableSeat] = field(default_factory=list)
    unpaired: list[Unpaired] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    talks: _Talks = field(default_factory=lambda: _Talks())
    tentative: int = 0
    year: int | None = None

    def add(self, part: SchoolPart, plan: Plan, sabbatical_weight: int, cover_weight: int) -> None:
        """Take one school's plan; its visits to stand-ins leave with their value."""
        self.year = plan.year if self.year is None else self.year
        self.schools.append((plan.partnerships, plan.visits))
        self.terms.update(plan.terms)
        for visit in plan.sabbatical_visits:
            if visit.coachee in part.stand_in_coach:
                # a placeholder for a cross-school visit: its value leaves with it
                self.tentative += 1
                self.terms["sabbatical"] -= sabbatical_weight
                if visit.covered:
                    self.terms["cover"] += cover_weight
            else:
                self.sabbatical.append(visit)
        self.tables += plan.tables
        self.unpaired += plan.unpaired
        self.talks.add(plan)

    def renumbered(self) -> tuple[list[Partnership], list[Visit]]:
        """Every school's partnerships numbered P01… in school order, their visits following.

        The schools' plans were parsed for this merge alone: their records are renamed in place."""
        width = max(2, len(str(sum(len(partnerships) for partnerships, _ in self.schools))))
        number = 0
        partnerships: list[Partnership] = []
        visits: list[Visit] = []
        for own, own_visits in self.schools:
            renamed: dict[str, str] = {}
            for partnership in own:
                number += 1
                new_id = f"P{number:0{width}d}"
                renamed[partnership.id] = new_id
                partnership.id = new_id
                partnerships.append(partnership)
            for visit in own_visits:
                visit.partnership = renamed[visit.partnership]
            visits += own_visits
        return partnerships, visits


@dataclass
class _Talks:
    """The schools' conversations, less any a cross-school sabbatical visit now sits on."""

    conversations: list[Conversation] = field(default_factory=list)
    unplaced: list[UnplacedConversation] = field(default_factory=list)
    most: int = 0
    co_taught_most: int = 0

    def add(self, plan: Plan) -> None:
        self.conversations += plan.conversations
        self.unplaced += plan.unplaced_conversations
        self.most += plan.conversation_counts.most
        self.co_taught_most += plan.conversation_counts.co_taught_most

    def settle(self, plan: Plan, crossing: list[SabbaticalVisit]) -> None:
        """Give the plan its conversations; one in a slot a crossing visit took is unplaced (a
        co-taught lesson that loses its planning becomes a plain visit)."""
        busy = {
            (visit.slot, teacher) for visit in crossing for teacher in (visit.coach, visit.coachee)
        }
        kept = []
        for conversation in self.conversations:
            if not any((conversation.slot, member) in busy for member in conversation.members):
                kept.append(conversation)
                continue
            self.unplaced.append(
                UnplacedConversation(
                    kind=conversation.kind,
                    visit=conversation.visit,
                    why=f"{conversation.slot} went to a mini-sabbatical visit from another school",
                )
            )
            if conversation.kind == "planning":
                for visit in plan.visits:
                    reference = conversation.visit
                    if (visit.host, visit.visitor, visit.slot) == (
                        reference.host,
                        reference.visitor,
                        reference.slot,
                    ):
                        visit.mode = "visit"
        plan.conversations = kept
        plan.unplaced_conversations = self.unplaced
        plan.conversation_counts = ConversationCounts(
            placed=len(kept),
            most=max(self.most, len(kept)),
            co_taught=sum(visit.mode == "co-teach" for visit in plan.visits),
            co_taught_most=self.co_taught_most,
        )
