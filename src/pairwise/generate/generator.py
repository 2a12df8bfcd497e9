"""Realistic synthetic rosters: elementary, K–8 and secondary schools, and districts of them.

Everything is drawn from one `random.Random(seed)` in a fixed order over lists (never sets or
hash-ordered dicts), so a seed always gives the same roster, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from pairwise.generate.staff import (
    Generated,
    Person,
    SchoolPlan,
    display,
    evaluates,
    slug,
    teacher_data,
)
from pairwise.generate.vocabulary import (
    ALL_PERIODS,
    CYCLE_NAMES,
    DAY_NAMES,
    DEPARTMENTS,
    DISTRICT_NAMES,
    ELEMENTARY_TIMES,
    ELEMENTARY_WEIGHTS,
    FIRST_NAMES,
    GRADE_LABELS,
    LAST_NAMES,
    MIDDLE_INITIALS,
    PERIODS_PER_DAY,
    SECONDARY_TIMES,
    SECONDARY_WEIGHTS,
    SPECIALISTS,
    SUPPORT_ROLES,
    TIMEZONES,
    TOPICS,
    Kind,
    SchoolKind,
    cycle_weeks,
    district_school_names,
    period_id,
)
from pairwise.roster.facts import pair_key
from pairwise.roster.models import ROSTER_FORMAT, CoverOverride, Policy


class Generator:
    """Builds one roster from a seeded random source; every draw happens in a fixed order."""

    def __init__(self, seed: int, year: int) -> None:
        self.random = random.Random(seed)
        self.year = year
        self.weeks = cycle_weeks(year)
        self.names = self._name_pool()
        self.name_round = 0
        self.next_teacher = 0
        self.id_width = 3
        self.single_school = True

    # --- names and ids ------------------------------------------------------------------------

    def _name_pool(self) -> list[str]:
        pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.random.shuffle(pool)
        return pool

    def new_id(self) -> str:
        self.next_teacher += 1
        return f"t{self.next_teacher:0{self.id_width}d}"

    def new_name(self) -> str:
        if not self.names:
            # the plain names are used up: the next round takes a middle initial
            self.name_round += 1
            initial = MIDDLE_INITIALS[self.name_round - 1]
            self.names = [
                f"{first} {initial}. {last}" for first in FIRST_NAMES for last in LAST_NAMES
            ]
            self.random.shuffle(self.names)
        return self.names.pop()

    def experience(self) -> int:
        bucket = self.random.choices(((0, 2), (3, 5), (6, 15), (16, 34)), (18, 17, 40, 25))[0]
        return self.random.randint(*bucket)

    def topic(self, weights: Sequence[int], exclude: Sequence[str] = ()) -> str:
        while True:
            choice = self.random.choices(TOPICS, weights)[0]
            if choice not in exclude:
                return choice

    # --- timetables ---------------------------------------------------------------------------

    def homeroom_teaches(self, grade_index: int) -> list[str]:
        """A homeroom teacher teaches all day except while the grade is at specials."""
        periods = []
        for day_index, day in enumerate(DAY_NAMES):
            specials = (grade_index + day_index) % PERIODS_PER_DAY + 1
            periods += [period_id(day, n) for n in range(1, PERIODS_PER_DAY + 1) if n != specials]
        return periods

    def daily_free_teaches(self, free_per_day: int) -> list[str]:
        """Teaches every period but `free_per_day` drawn afresh each day (specialists, support)."""
        periods = []
        for day in DAY_NAMES:
            free = self.random.sample(range(1, PERIODS_PER_DAY + 1), free_per_day)
            periods += [period_id(day, n) for n in range(1, PERIODS_PER_DAY + 1) if n not in free]
        return periods

    def fixed_prep_teaches(self, preps: Sequence[int]) -> list[str]:
        """Secondary style: the same prep period(s) every day, teaching the rest."""
        return [
            period_id(day, n)
            for day in DAY_NAMES
            for n in range(1, PERIODS_PER_DAY + 1)
            if n not in preps
        ]

    # --- schools ------------------------------------------------------------------------------

    def new_person(self, school: SchoolPlan, role: str, team: str | None, room: str) -> Person:
        """A new participating teacher: the next id and name, then their experience drawn."""
        return Person(
            id=self.new_id(),
            name=self.new_name(),
            school=school.id,
            role=role,
            team=team,
            years=self.experience(),
            room=room,
        )

    def elementary(self, school: SchoolPlan, grades: int) -> Generated:
        """K–5 (or K–8 when `grades` is 9): grade teams of homeroom (or subject) teachers,
        specialists without a team, support staff and an administrator who evaluates novices."""
        size = school.size
        administrators = 0 if size < 12 else (1 if size < 45 else 2)
        specialists = max(1, round(size * 0.13))
        support = 0 if size < 12 else max(1, round(size * 0.06))
        classroom = size - administrators - specialists - support
        prefix = "" if self.single_school else f"{school.id}-"
        teams = [
            {
                "id": f"{prefix}grade-{GRADE_LABELS[index]}",
                "priority": self.topic(ELEMENTARY_WEIGHTS),
                "grade": index,
                "school": school.id,
            }
            for index in range(min(grades, max(2, classroom // 2)))
        ]
        people = self.grade_teachers(school, teams, classroom)
        for index in range(specialists):
            person = self.new_person(
                school, "specialist", None, SPECIALISTS[index % len(SPECIALISTS)]
            )
            person.teaches = self.daily_free_teaches(1)
            people.append(person)
        for index in range(support):
            person = self.new_person(
                school, "support", None, SUPPORT_ROLES[index % len(SUPPORT_ROLES)]
            )
            person.teaches = self.daily_free_teaches(self.random.randint(2, 3))
            people.append(person)
        admins = [self.administrator(school) for _ in range(administrators)]
        people += admins
        self.topics_for(people, teams, ELEMENTARY_WEIGHTS)
        self.evaluate_novices(people, admins)
        return Generated(people, teams)

    def grade_teachers(
        self, school: SchoolPlan, teams: list[dict[str, Any]], count: int
    ) -> list[Person]:
        """Classroom teachers dealt round the grade teams, each in a room of their own: homeroom
        teachers up to grade 5, subject teachers with one prep period from grade 6."""
        people = []
        for position in range(count):
            grade_index = position % len(teams)
            middle = grade_index >= 6
            person = self.new_person(
                school,
                "subject" if middle else "homeroom",
                str(teams[grade_index]["id"]),
                str(101 + position),
            )
            if middle:
                person.teaches = self.fixed_prep_teaches([self.random.randint(1, 6)])
            else:
                person.teaches = self.homeroom_teaches(grade_index)
            people.append(person)
        return people

    def administrator(self, school: SchoolPlan) -> Person:
        """A non-participating administrator with an intervention group three mornings a week."""
        person = Person(
            id=self.new_id(),
            name=self.new_name(),
            school=school.id,
            role="administrator",
            team=None,
            years=self.random.randint(10, 30),
            room="office",
            participates=False,
        )
        person.teaches = [period_id(day, 1) for day in ("mon", "wed", "fri")]
        return person

    def secondary(self, school: SchoolPlan) -> Generated:
        """Departments as teams, each with a head who evaluates its members; 5 of 6 periods."""
        size = school.size
        department_count = min(len(DEPARTMENTS), max(3, round(size / 19)))
        chosen = DEPARTMENTS[:department_count]
        total = sum(share for _, share in chosen)
        sizes = [max(2, int(size * share / total)) for _, share in chosen]
        position = 0
        while sum(sizes) < size:
            sizes[position % department_count] += 1
            position += 1
        while sum(sizes) > size:
            largest = max(range(department_count), key=lambda index: sizes[index])
            sizes[largest] -= 1
        prefix = f"{school.id}-" if not self.single_school else ""
        teams = [
            {
                "id": f"{prefix}{name}",
                "priority": self.topic(SECONDARY_WEIGHTS),
                "school": school.id,
            }
            for name, _ in chosen
        ]
        people: list[Person] = []
        room = 100
        for team, count in zip(teams, sizes, strict=True):
            members: list[Person] = []
            for _ in range(count):
                room += 1
                person = Person(
                    id=self.new_id(),
                    name=self.new_name(),
                    school=school.id,
                    role="subject",
                    team=str(team["id"]),
                    years=self.experience(),
                    room=str(room),
                )
                prep = self.random.randint(1, 6)
                if self.random.random() < 0.05:
                    person.role = "part-time"
                    person.teaches = self.fixed_prep_teaches([4, 5, 6])
                else:
                    person.teaches = self.fixed_prep_teaches([prep])
                members.append(person)
            head = max(members, key=lambda person: (person.years, person.id))
            head.role = "head"
            head.years = max(head.years, 8)
            # a head teaches one class fewer: a second free period for department duties
            prep = self._prep_of(head)
            duties = self.random.choice([n for n in range(1, PERIODS_PER_DAY + 1) if n != prep])
            head.teaches = self.fixed_prep_teaches([prep, duties])
            for member in members:
                if member is not head:
                    member.evaluator = head.id
            people += members
        self.topics_for(people, teams, SECONDARY_WEIGHTS)
        return Generated(people, teams)

    @staticmethod
    def _prep_of(person: Person) -> int:
        taught = {
            int(period.split("-")[1]) for period in person.teaches if period.startswith("mon")
        }
        free = [n for n in range(1, PERIODS_PER_DAY + 1) if n not in taught]
        return free[0] if free else 1

    def topics_for(
        self, people: list[Person], teams: list[dict[str, Any]], weights: Sequence[int]
    ) -> None:
        """Priorities (often the team's) and strengths (more for veterans)."""
        team_priority = {str(team["id"]): str(team["priority"]) for team in teams}
        for person in people:
            if person.team is not None and self.random.random() < 0.35:
                person.priority = team_priority[person.team]
            else:
                person.priority = self.topic(weights)
            count = 1 + min(3, person.years // 6) + (1 if self.random.random() < 0.3 else 0)
            strengths: list[str] = []
            while len(strengths) < min(count, 4):
                strengths.append(self.topic(weights, exclude=[person.priority, *strengths]))
            person.strengths = strengths

    def evaluate_novices(self, people: list[Person], evaluators: list[Person]) -> None:
        """Administrators evaluate probationary teachers (under three years), split among them;
        a small school without one has its most senior teacher evaluate novices of other teams."""
        novices = [p for p in people if p.years < 3 and p.role != "administrator"]
        if evaluators:
            for index, novice in enumerate(novices):
                novice.evaluator = evaluators[index % len(evaluators)].id
            return
        senior = max(people, key=lambda person: (person.years, person.id))
        for novice in novices:
            if novice.team != senior.team and novice is not senior:
                novice.evaluator = senior.id

    # --- the roster ---------------------------------------------------------------------------

    def school_plans(self, teachers: int, schools: int, kind: Kind) -> list[SchoolPlan]:
        """Each school's kind and size; one school takes them all."""
        used = self.random.sample(district_school_names(schools), schools)
        if schools == 1:
            school_kind: SchoolKind = {
                "elementary": "elementary",
                "secondary": "high",
                "mixed": "k8",
            }[kind]  # type: ignore[assignment]
            return [
                SchoolPlan(
                    slug(used[0], school_kind), display(used[0], school_kind), school_kind, teachers
                )
            ]
        kinds: list[SchoolKind] = []
        for index in range(schools):
            if kind == "elementary":
                kinds.append("elementary")
            elif kind == "secondary":
                kinds.append("high" if index % 3 else "middle")
            else:
                # roughly a real district's mix: most schools elementary, a few K–8, middle, high
                share = index / schools
                kinds.append(
                    "elementary"
                    if share < 0.6
                    else "k8"
                    if share < 0.68
                    else "middle"
                    if share < 0.84
                    else "high"
                )
        typical = {"elementary": 34.0, "k8": 52.0, "middle": 60.0, "high": 125.0}
        raw = [typical[k] * self.random.uniform(0.75, 1.3) for k in kinds]
        scale = teachers / sum(raw)
        sizes = [max(8, int(value * scale)) for value in raw]
        index = 0
        while sum(sizes) < teachers:
            sizes[index % schools] += 1
            index += 1
        while sum(sizes) > teachers:
            largest = max(range(schools), key=lambda position: sizes[position])
            sizes[largest] -= 1
        return [
            SchoolPlan(slug(name, k), display(name, k), k, size)
            for name, k, size in zip(used, kinds, sizes, strict=True)
        ]

    def build(self, teachers: int, schools: int, kind: Kind) -> dict[str, Any]:
        self.single_school = schools == 1
        self.id_width = max(2, len(str(teachers)))
        plans = self.school_plans(teachers, schools, kind)
        people: list[Person] = []
        teams: list[dict[str, Any]] = []
        generated_by_school: list[tuple[SchoolPlan, Generated]] = []
        for school in plans:
            if school.kind == "elementary":
                generated = self.elementary(school, grades=6)
            elif school.kind == "k8":
                generated = self.elementary(school, grades=9)
            else:
                generated = self.secondary(school)
            generated_by_school.append((school, generated))
            people += generated.people
            teams += generated.teams
        by_id = {person.id: person for person in people}
        for _, generated in generated_by_school:
            self.unavailability(generated.people)
            self.release_limits(generated.people)
            self.non_participants(generated.people)
        coaches = self.coaches(people, teachers, schools, kind)
        history = self.history(generated_by_school, by_id)
        relations = self.relations(generated_by_school, history, coaches)
        team_history = self.team_history(generated_by_school)
        timezone = self.random.choice(TIMEZONES)
        name = (
            f"{plans[0].name} {self.year}-{(self.year + 1) % 100:02d}"
            if self.single_school
            else f"{self.random.choice(DISTRICT_NAMES)} School District {self.year}-{(self.year + 1) % 100:02d}"
        )
        team_counts = [len(generated.teams) for _, generated in generated_by_school]
        tables_needed = max(1, max(team_counts) // 2)
        times = SECONDARY_TIMES if kind == "secondary" else ELEMENTARY_TIMES
        periods = [
            {"id": period_id(day, n + 1), "day": day, "start": start, "end": end}
            for day in DAY_NAMES
            for n, (start, end) in enumerate(times)
        ]
        cycles = []
        for cycle_name, weeks in zip(CYCLE_NAMES, self.weeks, strict=True):
            meeting_day = weeks[1] + dt.timedelta(days=2)  # the second week's Wednesday
            cycles.append(
                {
                    "id": cycle_name,
                    "weeks": [week.isoformat() for week in weeks],
                    "meetings": [
                        {
                            "id": f"{cycle_name}-pd",
                            "date": meeting_day.isoformat(),
                            "start": "15:15",
                            "end": "16:30",
                            "tables": tables_needed + self.random.randint(0, 1),
                        }
                    ],
                }
            )
        policy = self.policy(plans, people)
        return {
            "format": ROSTER_FORMAT,
            "name": name,
            "year": self.year,
            "timezone": timezone,
            "periods": periods,
            "cycles": cycles,
            "teams": teams,
            "teachers": [teacher_data(person) for person in people],
            "history": history,
            "team_history": team_history,
            "relations": relations,
            "policy": policy,
        }

    # --- the parts every school has -----------------------------------------------------------

    def slot(self, cycle_index: int, week_index: int, period: str) -> str:
        monday = self.weeks[cycle_index][week_index]
        day = monday + dt.timedelta(days=DAY_NAMES.index(period.split("-")[0]))
        return f"{day.isoformat()}/{period}"

    def unavailability(self, people: list[Person]) -> None:
        """A weekly duty in a free period for some; appointments and days out for others."""
        for person in people:
            draw = self.random.random()
            if draw < 0.15:
                free = [period for period in ALL_PERIODS if period not in person.teaches]
                if free:
                    person.unavailable.append(self.random.choice(free))
            draw = self.random.random()
            if draw < 0.2:
                for _ in range(self.random.randint(1, 3)):
                    entry = self.slot(
                        self.random.randrange(3),
                        self.random.randrange(2),
                        self.random.choice(ALL_PERIODS),
                    )
                    if entry not in person.unavailable:
                        person.unavailable.append(entry)
            elif draw < 0.25:
                # a conference or a field trip: a whole day out
                cycle_index, week_index = self.random.randrange(3), self.random.randrange(2)
                day = self.random.choice(DAY_NAMES)
                for n in range(1, PERIODS_PER_DAY + 1):
                    person.unavailable.append(self.slot(cycle_index, week_index, period_id(day, n)))

    def release_limits(self, people: list[Person]) -> None:
        for person in people:
            person.max_release = self.random.choices((3, 2, 1, None), (60, 25, 10, 5))[0]

    def non_participants(self, people: list[Person]) -> None:
        """About one teacher in thirty sits the year out (leave, a new role)."""
        candidates = [p for p in people if p.participates and p.role not in ("head",)]
        count = len(people) // 30
        for person in self.random.sample(candidates, min(count, len(candidates))):
            person.participates = False

    def coaches(
        self, people: list[Person], teachers: int, schools: int, kind: Kind
    ) -> list[Person]:
        """Strong, experienced teachers released to coach colleagues on their topics."""
        if schools > 1:
            count = max(1, round(schools / 2))
        elif kind == "secondary":
            count = max(1, teachers // 25)
        else:
            count = max(1, teachers // 30)
        candidates = [
            p for p in people if p.years >= 8 and p.role not in ("administrator", "head")
        ] or [p for p in people if p.role != "administrator"]
        chosen = self.random.sample(candidates, min(count, len(candidates)))
        chosen.sort(key=lambda person: person.id)
        for index, coach in enumerate(chosen):
            colleagues = [p for p in people if p.school == coach.school and p is not coach]
            wanted: dict[str, int] = {}
            for colleague in colleagues:
                wanted[colleague.priority] = wanted.get(colleague.priority, 0) + 1
            popular = [
                topic
                for topic in sorted(wanted, key=lambda topic: (-wanted[topic], topic))
                if topic != coach.priority
            ][:4]
            topics = self.random.sample(popular, min(2, len(popular)))
            if self.random.random() < 0.5:
                extra = self.topic(ELEMENTARY_WEIGHTS, exclude=[*topics, coach.priority])
                topics.append(extra)
            coach.sabbatical = {"topics": topics, "budget": self.random.randint(4, 12)}
            for topic in topics:
                if topic not in coach.strengths and topic != coach.priority:
                    coach.strengths.append(topic)
            # a released coach sometimes sits out the peer partnerships
            if index == len(chosen) - 1 and len(chosen) >= 2:
                coach.participates = False
        return chosen

    def history(
        self, schools: list[tuple[SchoolPlan, Generated]], by_id: dict[str, Person]
    ) -> list[dict[str, Any]]:
        """Three earlier years of partnerships within each school, former staff included."""
        entries: list[dict[str, Any]] = []
        former = 0
        for year in range(self.year - 3, self.year):
            age = self.year - year
            for _school, generated in schools:
                present = [
                    p.id
                    for p in generated.people
                    if p.years >= age and p.role != "administrator" and self.random.random() < 0.85
                ]
                for _ in range(max(1, len(present) // 10)):
                    former += 1
                    present.append(f"x{former:03d}")
                self.random.shuffle(present)
                for index in range(0, len(present) - 1, 2):
                    a, b = present[index], present[index + 1]
                    if a in by_id and b in by_id and evaluates(by_id[a], by_id[b]):
                        continue
                    kind = "peer"
                    if a in by_id and b in by_id:
                        years_a, years_b = by_id[a].years - age, by_id[b].years - age
                        if min(years_a, years_b) < 3 and max(years_a, years_b) >= 6:
                            kind = "mentor"
                        elif by_id[a].sabbatical or by_id[b].sabbatical:
                            kind = "sabbatical" if self.random.random() < 0.5 else "peer"
                    trust = round(max(-1.0, min(1.0, self.random.gauss(0.45, 0.4))), 1)
                    first, second = sorted((a, b))
                    entries.append(
                        {"a": first, "b": second, "year": year, "kind": kind, "trust": trust}
                    )
        return entries

    def team_history(self, schools: list[tuple[SchoolPlan, Generated]]) -> list[dict[str, Any]]:
        """Table matchups of earlier years: two sessions last year, one in each year before."""
        entries: list[dict[str, Any]] = []
        for year in range(self.year - 3, self.year):
            sessions = 2 if year == self.year - 1 else 1
            for _school, generated in schools:
                team_ids = [str(team["id"]) for team in generated.teams]
                if len(team_ids) < 2:
                    continue
                for _ in range(sessions):
                    order = team_ids[:]
                    self.random.shuffle(order)
                    for index in range(0, len(order) - 1, 2):
                        first, second = sorted((order[index], order[index + 1]))
                        entry = {"a": first, "b": second, "year": year}
                        if entry not in entries:
                            entries.append(entry)
        return entries

    def relations(
        self,
        schools: list[tuple[SchoolPlan, Generated]],
        history: list[dict[str, Any]],
        coaches: list[Person],
    ) -> list[dict[str, Any]]:
        """Avoid pairs (often a soured earlier partnership), mutual requests, and satisfiable locks."""
        relations: list[dict[str, Any]] = []
        taken: list[tuple[str, str]] = []
        # earlier partners do not ask to be paired again (a repeat costs more than a request gives)
        partnered = {pair_key(str(entry["a"]), str(entry["b"])) for entry in history}
        for _school, generated in schools:
            people = generated.people
            size = len(people)
            if size < 4:
                continue
            ids = [p.id for p in people]
            soured = [
                (str(entry["a"]), str(entry["b"]))
                for entry in history
                if entry["trust"] < -0.2 and entry["a"] in ids and entry["b"] in ids
            ]
            for a, b in soured[: max(1, size // 20)]:
                if (a, b) not in taken:
                    taken.append((a, b))
                    relations.append({"a": a, "b": b, "kind": "avoid"})
            while sum(1 for r in relations if r["a"] in ids and r["kind"] == "avoid") < max(
                1, size // 20
            ):
                x, y = self.random.sample(people, 2)
                pair = pair_key(x.id, y.id)
                if pair not in taken:
                    taken.append(pair)
                    relations.append({"a": pair[0], "b": pair[1], "kind": "avoid"})
            requests = max(1, size // 10)
            attempts = 0
            while requests and attempts < 200:
                attempts += 1
                x, y = self.random.sample(people, 2)
                # Most requests are for a teammate strong in one's priority. Teammates often share
                # their free period, so their visits need cover: this is what makes cover and the
                # release budget bind.
                teammates = [p for p in people if p.team == x.team and p is not x]
                if x.team is not None and teammates and self.random.random() < 0.7:
                    strong = [p for p in teammates if x.priority in p.strengths]
                    y = self.random.choice(strong or teammates)
                pair = pair_key(x.id, y.id)
                if pair in taken or pair in partnered or evaluates(x, y):
                    continue
                taken.append(pair)
                relations.append({"a": pair[0], "b": pair[1], "kind": "request"})
                requests -= 1
            locks = max(1, size // 40)
            locked: list[str] = []
            attempts = 0
            while locks and attempts < 400:
                attempts += 1
                x, y = self.random.sample(people, 2)
                pair = pair_key(x.id, y.id)
                if (
                    pair in taken
                    or not (x.participates and y.participates)
                    or evaluates(x, y)
                    or x.id in locked
                    or y.id in locked
                    or not self.visits_possible(x, y)
                ):
                    continue
                taken.append(pair)
                locked += [x.id, y.id]
                relations.append({"a": pair[0], "b": pair[1], "kind": "lock"})
                locks -= 1
        return relations

    def visits_possible(self, x: Person, y: Person) -> bool:
        """Each can visit the other without cover in every cycle (so a lock never forces cover)."""
        for cycle_index in range(len(CYCLE_NAMES)):
            for host, visitor in ((x, y), (y, x)):
                if not any(
                    period in host.teaches
                    and period not in visitor.teaches
                    and self.available(host, cycle_index, week, period)
                    and self.available(visitor, cycle_index, week, period)
                    for week in range(2)
                    for period in ALL_PERIODS
                ):
                    return False
        return True

    def available(self, person: Person, cycle_index: int, week: int, period: str) -> bool:
        return (
            period not in person.unavailable
            and self.slot(cycle_index, week, period) not in person.unavailable
        )

    def policy(self, schools: list[SchoolPlan], people: list[Person]) -> dict[str, Any]:
        """Cover and release limits that bind a little: a few substitutes, a modest budget."""
        sizes = sorted(school.size for school in schools)
        typical = sizes[len(sizes) // 2]
        cover = 1 if typical <= 35 else (2 if typical <= 100 else 3)
        if len(schools) > 1:
            cover = 2
        participating = typical * sum(p.participates for p in people) / max(1, len(people))
        budget = max(3, round(0.12 * participating * len(CYCLE_NAMES)))
        overrides: list[dict[str, Any]] = []
        for cycle_index in range(len(CYCLE_NAMES)):
            # a testing morning without substitutes, and one day with an extra one booked
            week = self.random.randrange(2)
            day = self.random.choice(DAY_NAMES)
            for n in (1, 2, 3):
                overrides.append(
                    {"slot": self.slot(cycle_index, week, period_id(day, n)), "cover": 0}
                )
            extra_day = self.random.choice([d for d in DAY_NAMES if d != day])
            overrides.append(
                {
                    "slot": self.slot(
                        cycle_index, 1 - week, period_id(extra_day, self.random.randint(1, 6))
                    ),
                    "cover": cover + 1,
                }
            )
        # the documented defaults written out in full, with this school's covers and budget
        return Policy(
            cover_per_period=cover,
            cover_overrides=[CoverOverride(**override) for override in overrides],
            release_budget=budget,
        ).model_dump(mode="json")
