"""Conversations of a re-planned year (rule 10): debriefs after visits, co-taught lessons and
their planning conversations, around the sessions the re-plan settled.

Visits stay where the re-plan put them, so conversations never cost the objective or a change.
In order:

1. a conversation of the plan in force that took place (it and its visit before the first
   changing day) stays as it was;
2. a conversation of the plan in force still ahead stays in its slot when its visit is the same
   session at the same time (same visitor, host, cycle, slot and partnership members) and both
   are still free then (a planning that took place before the day stays with its lesson when the
   lesson did not move); a co-taught lesson whose planning stays stays co-taught;
3. every visit still without a debrief gets one in the earliest period from the first changing
   day on where both are free in its window (a visit before the day whose window reaches it, too);
4. each pair of tandem teachers without a co-taught lesson in a cycle ahead gets one, with its
   planning in the latest free period before one of its visits, as a fresh solve's first pass.

The counts state how many were placed and the most the settled visits leave room for (each visit
whose window holds a period both are free in, each tandem pair's cycle likewise): an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pairwise.engine.model.conversation_windows import conversation_windows
from pairwise.engine.replan.frame import Frame
from pairwise.roster.models import (
    Conversation,
    ConversationCounts,
    Plan,
    UnplacedConversation,
    Visit,
    VisitReference,
)

Arc = tuple[str, str, str]
"""(visitor, host, cycle)."""
Kind = Literal["debrief", "planning"]


@dataclass
class _Talks:
    frame: Frame
    plan: Plan
    taken: dict[tuple[str, str], int] = field(default_factory=dict)
    visits: dict[Arc, Visit] = field(init=False)
    members: dict[str, frozenset[str]] = field(init=False)
    debriefs: dict[Arc, Conversation] = field(default_factory=dict)
    plannings: dict[Arc, Conversation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.windows = conversation_windows(self.frame.candidates)
        self.cycle_order = {c: i for i, c in enumerate(self.frame.candidates.cycle_ids)}
        self.visits = {(v.visitor, v.host, v.cycle): v for v in self.plan.visits}
        self.members = {p.id: frozenset(p.members) for p in self.plan.partnerships}
        for visit in self.plan.visits:
            self._book((visit.visitor, visit.host), visit.cycle, visit.slot)
        for sabbatical in self.plan.sabbatical_visits:
            self._book((sabbatical.coach, sabbatical.coachee), sabbatical.cycle, sabbatical.slot)

    # --- slots ---------------------------------------------------------------------------------

    def _index(self, cycle: str, slot: str) -> int | None:
        return self.frame.slot_index.get(cycle, {}).get(slot)

    def _book(self, people: tuple[str, str], cycle: str, slot: str) -> None:
        index = self._index(cycle, slot)
        if index is None:
            return
        for teacher in people:
            self.taken[teacher, cycle] = self.taken.get((teacher, cycle), 0) | 1 << index

    def _common_free(self, arc: Arc) -> int:
        """Periods from the first changing day on where both are free of classes and leave."""
        visitor, host, cycle = arc
        candidates = self.frame.candidates
        return (
            candidates.free_slots(visitor, cycle)
            & candidates.free_slots(host, cycle)
            & self.frame.ahead_mask[cycle]
        )

    def _open(self, arc: Arc, window: int) -> int:
        visitor, host, cycle = arc
        return (
            window
            & self._common_free(arc)
            & ~self.taken.get((visitor, cycle), 0)
            & ~self.taken.get((host, cycle), 0)
        )

    def _window(self, arc: Arc, kind: Kind) -> int:
        index = self._index(arc[2], self.visits[arc].slot)
        if index is None:
            return 0
        side = self.windows.after if kind == "debrief" else self.windows.before
        return side[arc[2]][index]

    def _place(self, arc: Arc, kind: Kind, slot: str) -> None:
        visitor, host, cycle = arc
        start, end = self.frame.roster.slot_times(slot)
        visit = self.visits[arc]
        conversation = Conversation(
            kind=kind,
            members=[visitor, host],
            visit=VisitReference(host=host, visitor=visitor, cycle=cycle, slot=visit.slot),
            slot=slot,
            start=start,
            end=end,
        )
        (self.debriefs if kind == "debrief" else self.plannings)[arc] = conversation
        self._book((visitor, host), cycle, slot)

    # --- the four steps ------------------------------------------------------------------------

    def keep_earlier(self) -> None:
        """Steps 1 and 2: the plan in force's conversations that took place or can stay."""
        frame = self.frame
        before = {p.id: frozenset(p.members) for p in frame.plan.partnerships}
        old_visits = {(v.visitor, v.host, v.cycle, v.slot): v for v in frame.plan.visits}
        for conversation in frame.plan.conversations:
            reference = conversation.visit
            arc = (reference.visitor, reference.host, reference.cycle)
            old = old_visits.get((*arc, reference.slot))
            now = self.visits.get(arc)
            if old is None or now is None or now.slot != old.slot:
                continue
            if before.get(old.partnership) != self.members.get(now.partnership):
                continue
            took_place = frame.kept(conversation.slot) and frame.kept(now.slot)
            if conversation.kind == "planning" and not (took_place or self.tandem(now)):
                continue  # a lesson ahead is co-taught only by a pair still willing
            index = self._index(arc[2], conversation.slot)
            if index is None:
                continue
            if not frame.kept(conversation.slot):
                window = self._window(arc, conversation.kind)
                if not self._open(arc, window) >> index & 1:
                    continue  # its slot is no longer free, or no longer in the window
            self._place(arc, conversation.kind, conversation.slot)

    def place_debriefs(self) -> None:
        """Step 3: the earliest free period in each remaining visit's window."""
        for arc in self._in_time_order():
            if arc in self.debriefs:
                continue
            options = self._open(arc, self._window(arc, "debrief"))
            if options:
                slot = (options & -options).bit_length() - 1
                self._place(arc, "debrief", self.frame.candidates.slots[arc[2]][slot])

    def place_plannings(self, pairs: list[tuple[Arc, Arc]]) -> None:
        """Step 4: a co-taught lesson for each tandem pair's cycle ahead without one (`pairs`:
        `tandem_pairs()`)."""
        for pair in pairs:
            if any(arc in self.plannings for arc in pair):
                continue
            for arc in sorted(pair, key=lambda a: self.visits[a].slot):
                if self.frame.kept(self.visits[arc].slot):
                    continue
                options = self._open(arc, self._window(arc, "planning"))
                if options:
                    slot = options.bit_length() - 1
                    self._place(arc, "planning", self.frame.candidates.slots[arc[2]][slot])
                    break

    # --- tandem pairs --------------------------------------------------------------------------

    def tandem(self, visit: Visit) -> bool:
        policy = self.frame.roster.policy
        team = self.members.get(visit.partnership, frozenset())
        teachers = self.frame.roster.teacher_by_id
        return (
            policy.tandem
            and policy.reciprocal
            and len(team) == 2
            and all(teachers[m].tandem for m in team if m in teachers)
        )

    def tandem_pairs(self) -> list[tuple[Arc, Arc]]:
        """Per cycle, both visits of each tandem pair whose co-taught lesson may still come."""
        pairs = []
        for arc, visit in self.visits.items():
            visitor, host, cycle = arc
            back = (host, visitor, cycle)
            if not (visitor < host and back in self.visits and self.tandem(visit)):
                continue
            if not (self.frame.kept(visit.slot) and self.frame.kept(self.visits[back].slot)):
                pairs.append((arc, back))
        return sorted(pairs, key=lambda pair: self._order(pair[0]))

    # --- the plan's fields ---------------------------------------------------------------------

    def _time_key(self, arc: Arc, slot: str) -> tuple[int, int, int, int]:
        """Time order of a session of the arc in `slot`: cycle, slot, visitor, host."""
        candidates = self.frame.candidates
        index = self._index(arc[2], slot)
        return (
            self.cycle_order.get(arc[2], 0),
            -1 if index is None else index,
            candidates.index.get(arc[0], 0),
            candidates.index.get(arc[1], 0),
        )

    def _order(self, arc: Arc) -> tuple[int, int, int, int]:
        """Time order of the arc's visit."""
        return self._time_key(arc, self.visits[arc].slot)

    def _in_time_order(self) -> list[Arc]:
        return sorted(self.visits, key=self._order)

    def write(self, pairs: list[tuple[Arc, Arc]]) -> None:
        """The plan's conversations in time order, co-taught visits, unplaced ones and counts
        (`pairs`: `tandem_pairs()`)."""
        plan = self.plan
        lessons = set(self.plannings)
        plan.visits = [
            visit.model_copy(update={"mode": self._mode(visit, lessons)}) for visit in plan.visits
        ]
        self.visits = {(v.visitor, v.host, v.cycle): v for v in plan.visits}

        def timed(conversation: Conversation) -> tuple[int, int, int, int]:
            reference = conversation.visit
            arc = (reference.visitor, reference.host, reference.cycle)
            return self._time_key(arc, conversation.slot)

        plan.conversations = sorted([*self.plannings.values(), *self.debriefs.values()], key=timed)
        # arcs without a debrief whose window holds a period both are free in
        reachable = {
            arc
            for arc in self.visits
            if arc not in self.debriefs and self._reachable(arc, "debrief")
        }
        plan.unplaced_conversations = self._unplaced(pairs, reachable)
        most = sum(1 for arc in self.visits if arc in self.debriefs or arc in reachable)
        kept_lessons = sum(
            1
            for v in plan.visits
            if v.mode == "co-teach" and (v.visitor, v.host, v.cycle) not in lessons
        )
        lessons_most = kept_lessons + sum(
            1
            for pair in pairs
            if any(arc in self.plannings or self._reachable(arc, "planning") for arc in pair)
        )
        plan.conversation_counts = ConversationCounts(
            placed=len(plan.conversations),
            most=max(len(plan.conversations), most + lessons_most),
            co_taught=kept_lessons + len(self.plannings),
            co_taught_most=max(kept_lessons + len(self.plannings), lessons_most),
        )

    def _mode(self, visit: Visit, lessons: set[Arc]) -> str:
        """Co-taught when its planning is placed; a visit that took place as it was."""
        if (visit.visitor, visit.host, visit.cycle) in lessons:
            return "co-teach"
        return visit.mode if self.frame.kept(visit.slot) else "visit"

    def _reachable(self, arc: Arc, kind: Kind) -> bool:
        return bool(self._window(arc, kind) & self._common_free(arc))

    def _unplaced(
        self, pairs: list[tuple[Arc, Arc]], reachable: set[Arc]
    ) -> list[UnplacedConversation]:
        earlier = {
            (e.kind, e.visit.visitor, e.visit.host, e.visit.cycle, e.visit.slot): e
            for e in self.frame.plan.unplaced_conversations
        }
        days = self.frame.roster.policy.debrief_within_days
        entries = []
        for arc in self._in_time_order():
            if arc in self.debriefs:
                continue
            visit = self.visits[arc]
            reference = VisitReference(host=arc[1], visitor=arc[0], cycle=arc[2], slot=visit.slot)
            old = earlier.get(("debrief", *arc, visit.slot))
            if old is not None and self.frame.kept(visit.slot) and arc not in reachable:
                entries.append(old)
                continue
            window = "on the day of the visit" if days == 0 else f"within {days} school days"
            if arc in reachable:
                why = (
                    f"every free period {arc[0]} and {arc[1]} share {window} after the visit is "
                    "taken by another session or conversation"
                )
            elif self.frame.kept(visit.slot):
                why = "the visit took place before the re-plan and its debrief was not held"
            else:
                why = f"{arc[0]} and {arc[1]} share no free period {window} after the visit"
            entries.append(UnplacedConversation(kind="debrief", visit=reference, why=why))
        for pair in pairs:
            if any(arc in self.plannings for arc in pair):
                continue
            first = min(pair, key=lambda a: self.visits[a].slot)
            visitor, host, cycle = first
            entries.append(
                UnplacedConversation(
                    kind="planning",
                    visit=VisitReference(
                        host=host, visitor=visitor, cycle=cycle, slot=self.visits[first].slot
                    ),
                    why=f"{visitor} and {host} share no free period left before either of their "
                    f"visits in {cycle} to plan a co-taught lesson",
                )
            )
        return entries


def place_replan_conversations(frame: Frame, plan: Plan) -> None:
    """Set the re-planned `plan`'s conversations, co-taught visits, unplaced conversations and
    counts (see the module's doc)."""
    talks = _Talks(frame, plan)
    pairs = talks.tandem_pairs()
    talks.keep_earlier()
    talks.place_debriefs()
    talks.place_plannings(pairs)
    talks.write(pairs)
