"""Next year's roster from this year's roster, its plan and the staff's feedback (`pairwise rollover`).

The rules, in the order a roster reads:
- `year` + 1 (or the year asked for); the name's year written anew ("2026-27" -> "2027-28");
- cycle weeks and meeting dates moved by whole weeks to the same ISO weeks (`roster.calendar`);
- per teacher: dated unavailability (single slots, date ranges) and `begin_date` dropped, weekly
  periods kept; `years_experience` + 1; priority, strengths, sabbatical topics and `tandem` from the
  feedback where given; a roadmap kept (its dates moved) while the priority stays, dropped when it
  changes; a teacher whose `end_date` is before the new year's first week leaves (history keeps
  them);
- teams: next year's priority from the feedback where given (roadmaps as for teachers);
- `history` gains every partnership of the plan (kind `peer`, each pair of a triad) and every coach
  and coachee with sabbatical visits (kind `sabbatical`), in the plan's year, with trust the mean of
  the answers given mapped by (answer - 3) / 2 into [-1, 1] (0 with no answer);
- `team_history` gains every pair of teams that sat at a table;
- relations: `avoid` kept, `request`, `lock` and `continue` dropped (they were this year's); a pair
  where both answered `continue` yes gets a `continue` relation;
- policy kept, except cover overrides (dated, so this year's).

`roll_over` is a pure function: the same inputs give the same roster byte for byte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.roster.calendar import same_iso_week, shift_cycles, shift_date_text
from pairwise.roster.facts import pair_key
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import (
    HistoryEntry,
    Plan,
    Relation,
    Roadmap,
    Roster,
    Teacher,
    TeamHistoryEntry,
)

# --- the feedback, as the survey's reader hands it over -----------------------------------------


@dataclass(frozen=True)
class PartnerAnswer:
    """One teacher's answers about one partner: trust 1-5, continue yes/no, what helped."""

    trust: int | None = None
    continues: bool | None = None
    helped: str = ""


@dataclass(frozen=True)
class TeacherAnswer:
    """One teacher's answers for next year; None: not answered (this year's value stays)."""

    priority: str | None = None
    strengths: tuple[str, ...] | None = None
    coach_topics: tuple[str, ...] | None = None
    tandem: bool | None = None


@dataclass(frozen=True)
class Feedback:
    """Every answer of the survey, keyed by ids (validated against the roster and plan on reading)."""

    partners: dict[tuple[str, str], PartnerAnswer] = field(default_factory=dict)
    """(teacher, partner) -> answer."""
    coaching: dict[tuple[str, str], int] = field(default_factory=dict)
    """(coachee, coach) -> useful 1-5."""
    teachers: dict[str, TeacherAnswer] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    """team -> next year's priority."""


# --- the result ---------------------------------------------------------------------------------


@dataclass
class RolloverReport:
    """What rollover did, for the admin: carried, changed, dropped, unanswered, still to do."""

    carried: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            ("Carried", self.carried),
            ("Changed", self.changed),
            ("Dropped", self.dropped),
            ("No answer", self.no_answer),
            ("Still to do", self.to_do),
        ]

    def as_text(self) -> str:
        lines: list[str] = []
        for title, items in self.sections():
            lines.append(f"{title}:")
            lines += [f"  - {item}" for item in items] or ["  (nothing)"]
        return "\n".join(lines) + "\n"


@dataclass
class Rollover:
    roster: Roster
    report: RolloverReport


def trust_from_answers(answers: Sequence[int]) -> float:
    """The mean of 1-5 answers mapped by (answer - 3) / 2 into [-1, 1]; 0 with no answer."""
    if not answers:
        return 0.0
    return round((sum(answers) / len(answers) - 3) / 2, 4)


def renamed(name: str, old_year: int, new_year: int) -> str:
    """The roster's name with its school year written anew: '2026-27' -> '2027-28', '2026' -> '2027'."""
    span = re.compile(rf"\b{old_year}(\s*[-/–]\s*)(\d{{2}}|\d{{4}})\b")

    def next_span(match: re.Match[str]) -> str:
        second = match.group(2)
        end = (old_year + 1) if len(second) == 4 else (old_year + 1) % 100
        if int(second) != end:
            return match.group(0)
        shifted = new_year + 1 if len(second) == 4 else (new_year + 1) % 100
        return f"{new_year}{match.group(1)}{shifted:0{len(second)}d}"

    text, count = span.subn(next_span, name)
    if count and text != name:
        return text
    return re.sub(rf"\b{old_year}\b", str(new_year), name)


def _counted(count: int, noun: str) -> str:
    """`1 pair`, `2 pairs`, `3 entries`, `2 coaches`."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y"):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'ch', 'sh', 'x')) else 's'}"


def _names(ids: Iterable[str]) -> str:
    return ", ".join(ids)


# --- the transformation -------------------------------------------------------------------------


@dataclass
class _Context:
    roster: Roster
    plan: Plan
    feedback: Feedback | None
    year: int
    report: RolloverReport
    first_monday: dt.date


def roll_over(
    roster: Roster, plan: Plan, feedback: Feedback | None = None, *, year: int | None = None
) -> Rollover:
    """Next year's roster (validated) and the report of what changed; see the module's docstring.

    Raises `InputError` when `year` is not after the roster's year or the plan is for another year.
    """
    new_year = roster.year + 1 if year is None else year
    problems = []
    if new_year <= roster.year:
        problems.append(
            Problem("--year", f"{new_year} is not after the roster's year {roster.year}")
        )
    if plan.year is not None and plan.year != roster.year:
        problems.append(
            Problem("plan.year", f"the plan is for {plan.year}, the roster for {roster.year}")
        )
    if problems:
        raise InputError(problems)
    report = RolloverReport()
    shifted = shift_cycles(roster.cycles, new_year - roster.year)
    first_monday = min(dt.date.fromisoformat(week) for c in shifted.cycles for week in c.weeks)
    context = _Context(roster, plan, feedback, new_year, report, first_monday)
    teachers = _teachers(context)
    staying = {teacher["id"] for teacher in teachers}
    data: dict[str, Any] = roster.model_dump(mode="json", exclude_none=False)
    data.update(
        {
            "name": renamed(roster.name, roster.year, new_year),
            "year": new_year,
            "cycles": [cycle.model_dump(mode="json") for cycle in shifted.cycles],
            "teams": _teams(context),
            "teachers": teachers,
            "history": _history(context),
            "team_history": _team_history(context),
            "relations": _relations(context, staying),
        }
    )
    data["policy"]["cover_overrides"] = []
    _calendar_report(context, shifted.notes)
    _report_totals(context, data)
    try:
        next_roster = roster_from_data(data)
    except InputError as error:  # a bug, not the admin's input: say so plainly
        raise AssertionError(f"rollover made an invalid roster: {error}") from error
    return Rollover(next_roster, report)


def projected_roster(roster: Roster, year: int) -> Roster:
    """The roster as it stands in a later `year` with no plan in between: rolled over year by year
    with no partnership and no feedback (calendar moved, experience grown, this year's requests,
    locks and continues gone, avoids kept). A multi-year rotation values later years with it."""
    # everyone stays in a projection (a teacher's last day does not take them out of the pairs a
    # rotation values); the year's real roster, rolled over from its plan, lets them go
    staying = [teacher.model_copy(update={"end_date": None}) for teacher in roster.teachers]
    current = roster.model_copy(update={"teachers": staying})
    if current.year >= year:
        return roster
    while current.year < year:
        empty = Plan(roster=current.name, status="feasible", objective=0, bound=0)
        current = roll_over(current, empty).roster
    return current


def roll_over_years(
    roster: Roster,
    plans: Sequence[Plan],
    feedback: Feedback | None = None,
    *,
    year: int | None = None,
) -> Rollover:
    """Roll over through consecutive years of plans (a `solve --years K` folder): every year but the
    last without feedback, the last with `feedback`. The report is the last year's, with the
    earlier years' history said in one line each.

    Raises `InputError` when the plans are not the roster's year and the years after it.
    """
    ordered = sorted(plans, key=lambda plan: roster.year if plan.year is None else plan.year)
    years = [roster.year if plan.year is None else plan.year for plan in ordered]
    expected = list(range(roster.year, roster.year + len(ordered)))
    if years != expected:
        raise InputError(
            [
                Problem(
                    "PLAN",
                    f"plans for {', '.join(map(str, years)) or 'no year'}: rollover needs the "
                    f"roster's year {roster.year} and each year after it, one plan each",
                )
            ]
        )
    earlier: list[str] = []
    current = roster
    for plan in ordered[:-1]:
        step = roll_over(current, plan.model_copy(update={"year": None}))
        earlier.append(
            f"{current.year}: {_counted(len(plan.partnerships), 'partnership')} added to history "
            "(trust 0: "
            "no feedback for that year)"
        )
        current = step.roster
    result = roll_over(current, ordered[-1].model_copy(update={"year": None}), feedback, year=year)
    result.report.carried[1:1] = earlier
    return result


def _teachers(context: _Context) -> list[dict[str, Any]]:
    roster, report = context.roster, context.report
    delta = context.year - roster.year
    answers = context.feedback.teachers if context.feedback else {}
    leaving = _leaving(context)
    kept: list[dict[str, Any]] = []
    for teacher in roster.teachers:
        if teacher.id in leaving:
            continue
        data = teacher.model_dump(mode="json")
        data["years_experience"] = teacher.years_experience + delta
        data.pop("begin_date", None)
        dated = [entry for entry in teacher.unavailable if "/" in entry or ".." in entry]
        if dated:
            data["unavailable"] = [e for e in teacher.unavailable if e not in dated]
            report.dropped.append(
                f"{teacher.id}: dated unavailability ({_names(dated)}) was this year's"
            )
        if data.get("end_date") is not None:
            data["end_date"] = None
        if teacher.evaluator is not None and teacher.evaluator in leaving:
            data["evaluator"] = None
            report.to_do.append(
                f"{teacher.id}: their evaluator {teacher.evaluator} leaves; name the new one"
            )
        _teacher_answers(context, teacher, data, answers.get(teacher.id))
        kept.append(data)
    return kept


def _leaving(context: _Context) -> set[str]:
    """Teachers whose `end_date` is before the new year's first week."""
    leaving: set[str] = set()
    for teacher in context.roster.teachers:
        end = getattr(teacher, "end_date", None)
        if end is not None and dt.date.fromisoformat(str(end)) < context.first_monday:
            leaving.add(teacher.id)
            context.report.dropped.append(
                f"{teacher.id} ({teacher.name}) left on {end}: off the roster, kept in history"
            )
    return leaving


def _teacher_answers(
    context: _Context, teacher: Teacher, data: dict[str, Any], answer: TeacherAnswer | None
) -> None:
    """Next year's priority, strengths, coaching topics and tandem from the teacher's answers."""
    report = context.report
    who = f"{teacher.id} ({teacher.name})"
    if answer is None:
        if context.feedback is not None:
            report.no_answer.append(f"{who}: no answers for next year (this year's kept)")
        _carry_roadmap(context, teacher.roadmap, teacher.priority, teacher.priority, data, who)
        return
    priority = teacher.priority
    if answer.priority is not None and answer.priority != teacher.priority:
        priority = answer.priority
        data["priority"] = priority
        report.changed.append(f"{who}: priority {teacher.priority or '(none)'} -> {priority}")
    if answer.strengths is not None and list(answer.strengths) != teacher.strengths:
        data["strengths"] = list(answer.strengths)
        report.changed.append(f"{who}: strengths {_names(answer.strengths) or '(none)'}")
    if answer.coach_topics is not None:
        if teacher.sabbatical is None:
            if answer.coach_topics:
                report.to_do.append(
                    f"{who} offers to coach {_names(answer.coach_topics)}: make them a "
                    "mini-sabbatical coach (topics and a budget) if the school can release them"
                )
        elif list(answer.coach_topics) != teacher.sabbatical.topics:
            data["sabbatical"]["topics"] = list(answer.coach_topics)
            report.changed.append(
                f"{who}: coaching topics {_names(answer.coach_topics) or '(none)'}"
            )
    if answer.tandem is not None and answer.tandem != teacher.tandem:
        data["tandem"] = answer.tandem
        willing = "willing" if answer.tandem else "no longer willing"
        report.changed.append(f"{who}: {willing} to co-teach (tandem)")
    _carry_roadmap(context, teacher.roadmap, teacher.priority, priority, data, who)


def _carry_roadmap(
    context: _Context,
    roadmap: Roadmap | None,
    old_priority: str | None,
    new_priority: str | None,
    data: dict[str, Any],
    who: str,
) -> None:
    """A roadmap stays (its due dates moved to the same ISO weeks) while the priority stays."""
    if roadmap is None:
        return
    if old_priority != new_priority:
        data["roadmap"] = None
        context.report.dropped.append(
            f"{who}: roadmap for {old_priority or '(none)'} (new priority)"
        )
        return
    delta = context.year - context.roster.year
    data["roadmap"] = roadmap.model_copy(
        update={
            "actions": [
                action.model_copy(update={"due": shift_date_text(action.due, delta)})
                for action in roadmap.actions
            ]
        }
    ).model_dump(mode="json")


def _teams(context: _Context) -> list[dict[str, Any]]:
    answers = context.feedback.teams if context.feedback else {}
    teams: list[dict[str, Any]] = []
    for team in context.roster.teams:
        data = team.model_dump(mode="json")
        priority = team.priority
        answer = answers.get(team.id)
        who = f"team {team.id}"
        if answer is not None and answer != team.priority:
            priority = answer
            data["priority"] = answer
            context.report.changed.append(
                f"{who}: priority {team.priority or '(none)'} -> {answer}"
            )
        elif answer is None and context.feedback is not None:
            context.report.no_answer.append(f"{who}: no priority for next year (this year's kept)")
        _carry_roadmap(context, team.roadmap, team.priority, priority, data, who)
        teams.append(data)
    return teams


def _history(context: _Context) -> list[dict[str, Any]]:
    """History plus this year's partnerships and coaching pairs, with the trust they reported."""
    roster, plan, feedback = context.roster, context.plan, context.feedback
    entries = [entry.model_dump(mode="json") for entry in roster.history]
    seen: set[tuple[str, str]] = set()
    unanswered: list[str] = []
    for partnership in plan.partnerships:
        for a, b in itertools.combinations(partnership.members, 2):
            if pair_key(a, b) in seen:
                continue
            seen.add(pair_key(a, b))
            answers = []
            for teacher, partner in ((a, b), (b, a)):
                answer = feedback.partners.get((teacher, partner)) if feedback else None
                if answer is not None and answer.trust is not None:
                    answers.append(answer.trust)
                elif feedback is not None:
                    unanswered.append(f"{teacher} about {partner}")
            both = feedback is not None and all(
                (answer := feedback.partners.get(ends)) is not None and answer.continues is True
                for ends in ((a, b), (b, a))
            )
            entry = HistoryEntry(
                a=a,
                b=b,
                year=roster.year,
                kind="peer",
                trust=trust_from_answers(answers),
                asked_to_continue=both,
            )
            entries.append(entry.model_dump(mode="json"))
    coached: set[tuple[str, str]] = set()
    for visit in plan.sabbatical_visits:
        if (visit.coach, visit.coachee) in coached:
            continue
        coached.add((visit.coach, visit.coachee))
        useful = feedback.coaching.get((visit.coachee, visit.coach)) if feedback else None
        if useful is None and feedback is not None:
            unanswered.append(f"{visit.coachee} about coach {visit.coach}")
        entry = HistoryEntry(
            a=visit.coach,
            b=visit.coachee,
            year=roster.year,
            kind="sabbatical",
            trust=trust_from_answers([useful] if useful is not None else []),
        )
        entries.append(entry.model_dump(mode="json"))
    report = context.report
    report.carried.append(
        f"history: {_counted(len(seen), 'pair')} of partners and "
        f"{_counted(len(coached), 'coaching pair')} of {roster.year} added "
        f"({_counted(len(entries), 'entry')} in all)"
    )
    if feedback is None:
        report.no_answer.append(
            "no feedback given: trust 0 for every pair of this year, and no pair continues"
        )
    elif unanswered:
        report.no_answer.append(
            f"trust not rated ({_counted(len(unanswered), 'answer')} missing; the pair's trust "
            "comes from the other answer, or is 0): " + _names(unanswered)
        )
    return entries


def _team_history(context: _Context) -> list[dict[str, Any]]:
    roster = context.roster
    entries = [entry.model_dump(mode="json") for entry in roster.team_history]
    seen: set[tuple[str, str]] = set()
    for seat in context.plan.tables:
        for a, b in itertools.combinations(seat.teams, 2):
            if pair_key(a, b) not in seen:
                seen.add(pair_key(a, b))
                entries.append(TeamHistoryEntry(a=a, b=b, year=roster.year).model_dump())
    context.report.carried.append(
        f"team history: {_counted(len(seen), 'table matchup')} of {roster.year} added"
    )
    return entries


def _relations(context: _Context, staying: set[str]) -> list[dict[str, Any]]:
    roster, report, feedback = context.roster, context.report, context.feedback
    relations: list[dict[str, Any]] = []
    avoided: set[tuple[str, str]] = set()
    dropped: Counter[str] = Counter()
    for relation in roster.relations:
        if relation.kind == "avoid":
            if relation.a in staying and relation.b in staying:
                relations.append(relation.model_dump(mode="json"))
                avoided.add(pair_key(relation.a, relation.b))
            else:
                report.dropped.append(
                    f"avoid {relation.a}-{relation.b}: one of them leaves the roster"
                )
        else:
            dropped[relation.kind] += 1
    report.carried.append(f"relations: {_counted(len(relations), 'avoid relation')} kept")
    for kind, count in sorted(dropped.items()):
        report.dropped.append(f"{_counted(count, kind + ' relation')}: this year's")
    if feedback is None:
        return relations
    continuing: list[str] = []
    seen: set[tuple[str, str]] = set()
    for partnership in context.plan.partnerships:
        for a, b in itertools.combinations(partnership.members, 2):
            pair = pair_key(a, b)
            if pair in seen:
                continue
            seen.add(pair)
            both = all(
                (answer := feedback.partners.get(ends)) is not None and answer.continues is True
                for ends in ((a, b), (b, a))
            )
            if not both:
                continue
            if a not in staying or b not in staying:
                report.dropped.append(f"continue {a}-{b}: one of them leaves the roster")
            elif pair in avoided:
                report.dropped.append(f"continue {a}-{b}: an avoid relation keeps them apart")
            else:
                relations.append(Relation(a=a, b=b, kind="continue").model_dump())
                continuing.append(f"{a}-{b}")
    if continuing:
        report.changed.append(
            f"{_counted(len(continuing), 'pair')}: both asked to keep working together (continue): "
            + _names(continuing)
        )
    return relations


def _calendar_report(context: _Context, notes: list[str]) -> None:
    roster, report = context.roster, context.report
    delta = context.year - roster.year
    first = roster.cycles[0].weeks[0]
    moved = same_iso_week(dt.date.fromisoformat(first), delta).isoformat()
    report.changed.append(
        f"calendar: cycle weeks and meeting dates moved to the same ISO weeks of {context.year} "
        f"(the week of {first} -> the week of {moved})"
    )
    report.changed += notes
    report.to_do.append(
        "check the new calendar: cycle weeks and meeting dates against the school's "
        f"{context.year} calendar (holidays, PD days)"
    )
    if roster.policy.cover_overrides:
        report.dropped.append(
            f"{_counted(len(roster.policy.cover_overrides), 'cover override')}: dated, this year's"
        )
        report.to_do.append("enter next year's cover overrides (days with fewer substitutes)")


def _report_totals(context: _Context, data: dict[str, Any]) -> None:
    report = context.report
    teachers = data["teachers"]
    report.carried.insert(
        0,
        f"{_counted(len(teachers), 'teacher')} (years of experience + {context.year - context.roster.year}), "
        f"{_counted(len(data['teams']), 'team')}, the timetable, the policy and its weights",
    )
    report.to_do += [
        "add the teachers who join, remove those who leave (with their last day), and update "
        "the timetable (teaching periods) for the new year",
        "review sabbatical coaches and their budgets, each teacher's max_release, and the "
        "release budget",
    ]
    coaches = [t for t in teachers if t.get("sabbatical")]
    if coaches:
        report.carried.append(
            f"{_counted(len(coaches), 'mini-sabbatical coach')} with their topics and budgets"
        )


__all__ = [
    "Feedback",
    "PartnerAnswer",
    "Rollover",
    "RolloverReport",
    "TeacherAnswer",
    "projected_roster",
    "renamed",
    "roll_over",
    "roll_over_years",
    "trust_from_answers",
]
