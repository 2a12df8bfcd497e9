"""The HTML report: self-contained, escaped, complete, and trust only as an aggregate."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from pairwise.interchange.export.report import build_report, render_report
from pairwise.roster.models import Plan, Roster
from tests.helpers import load_fixture, load_plan_fixture


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)

    def with_class(self, tag: str, name: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and name in (a.get("class") or "").split()]


def parsed(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def district() -> tuple[Roster, Plan]:
    return load_fixture("export_district"), load_plan_fixture("export_district-plan")


def test_report_is_self_contained() -> None:
    html = render_report(*district())
    assert 'http-equiv="Content-Security-Policy"' in html
    assert "default-src 'none'" in html
    # nothing that could fetch: no scheme, no script, no external stylesheet, font or image
    assert not re.search(r"https?:|//[a-z]", html, re.IGNORECASE)
    elements = parsed(html)
    tags = {tag for tag, _ in elements.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(
        "src" in attrs or ("href" in attrs and not str(attrs["href"]).startswith("#"))
        for _, attrs in elements.tags
    )


def test_network_draws_one_node_per_teacher_and_marks_the_isolated() -> None:
    roster, plan = district()
    elements = parsed(render_report(roster, plan))
    nodes = elements.with_class("circle", "teacher")
    assert sorted(str(node["data-teacher"]) for node in nodes) == sorted(
        t.id for t in roster.teachers
    )
    # r8 (principal, no team), h5 (coach, not partnering) and h6 (unpaired) have no partner, ever
    assert len(elements.with_class("circle", "isolated-ring")) == 3
    unpartnered = {
        str(node["data-teacher"]) for node in elements.with_class("circle", "unpartnered")
    }
    assert unpartnered == {"r8", "h5", "h6"}
    # five of this year's pairs were partners before (history), drawn as such
    assert len(elements.with_class("path", "again")) == 5


def test_network_layout_is_deterministic() -> None:
    roster, plan = district()
    assert render_report(roster, plan) == render_report(roster, plan)


def test_summary_names_every_term_in_words() -> None:
    roster, plan = district()
    report = build_report(roster, plan)
    assert [term.name for term in report.terms][:3] == ["complement", "shared_priority", "trust"]
    assert {term.name: term.value for term in report.terms} == plan.terms
    text = " ".join(parsed(render_report(roster, plan)).text)
    assert "feasible" in text and str(plan.objective) in text and str(plan.bound) in text
    assert f"{100 * plan.gap:.2f} %" in text
    assert "complementary strengths" in text
    assert "teachers left without a partner (a cost)" in text
    assert "on leave until June" in text  # the unpaired teacher and why


def test_grid_marks_cover_limits() -> None:
    roster, plan = district()
    report = build_report(roster, plan)
    cells = {
        cell.slot: cell
        for grid in report.grids
        for week in grid.weeks
        for row in week.rows
        for cell in row.cells
        if cell is not None
    }
    # every slot of every cycle has a cell
    assert set(cells) == {slot for cycle in roster.cycles for slot in roster.cycle_slots(cycle.id)}
    covered = [v for v in [*plan.visits, *plan.sabbatical_visits] if v.covered]
    assert covered
    for visit in covered:
        # the district's cover limit is 1 per school: a covered visit fills its slot
        assert cells[visit.slot].state == "full"
    assert cells["2026-10-20/tue-1"].state == "closed"  # the override gives no cover there
    visits_in_cells = sum(cell.visits for cell in cells.values())
    assert visits_in_cells == len(plan.visits)
    html = render_report(roster, plan)
    assert html.count('class="cell full"') == len({v.slot for v in covered})


def test_meetings_coaches_and_partnerships_are_listed() -> None:
    roster, plan = district()
    report = build_report(roster, plan)
    seated = [
        team
        for meeting in report.meetings
        for school in meeting.schools
        for table in school.tables
        for team, _ in table.teams
    ]
    assert sorted(seated) == sorted(team for seat in plan.tables for team in seat.teams)
    [coach] = report.coaches
    assert (coach.name, coach.used, coach.budget) == ("Lena Novak", 4, 4)
    assert [row.id for row in report.partnerships] == [p.id for p in plan.partnerships]
    assert sum(len(row.visits) for row in report.partnerships) == len(plan.visits)
    html = render_report(roster, plan)
    for partnership in plan.partnerships:
        for reason in partnership.reasons:
            assert reason.replace("'", "&#39;") in html


def test_trust_appears_only_as_an_aggregate() -> None:
    roster, plan = district()
    html = render_report(roster, plan)
    # this plan's rated pairs: r1-r2 0.73, r3-r5 -0.41, h1-h2 0.37, h3-h4 0.59, r4-r6 0.0;
    # mean 1.28 / 5 = 0.256
    assert "+0.26 over 5 pairs" in html
    for entry in roster.history:
        if entry.trust:
            for text in (f"{entry.trust}", f"{entry.trust:.2f}", f"{entry.trust:+.2f}"):
                assert text not in html, text
    text = " ".join(parsed(html).text).lower()
    assert "avoid" not in text
    assert "trust" in text  # the aggregate's label


def test_mean_trust_is_withheld_for_too_few_pairs() -> None:
    roster, plan = district()
    # only P01 (r1, r2, r7): one rated pair, whose mean would be its rating
    small = plan.model_copy(
        update={
            "partnerships": plan.partnerships[:1],
            "visits": [v for v in plan.visits if v.partnership == "P01"],
        }
    )
    html = render_report(roster, small)
    assert "withheld: only 1 rated pair" in html
    assert "0.73" not in html
    tiny = render_report(
        load_fixture("oakridge-tiny"), load_plan_fixture("export_oakridge-tiny-plan")
    )
    assert "no pair of this plan has a rating" in tiny


def test_everything_from_the_roster_is_escaped() -> None:
    roster, plan = district()
    hostile = roster.model_copy(deep=True)
    hostile.teachers[0].name = '<script>alert("x")</script>'
    hostile.teachers[0].room = "<img src=x onerror=alert(1)>"
    hostile.name = "</title><script>bad()</script>"
    evil_plan = plan.model_copy(deep=True)
    evil_plan.partnerships[0].reasons = ['<iframe src="https://example.com">']
    evil_plan.unpaired[0].why = "<b onclick=x>"
    html = render_report(hostile, evil_plan)
    tags = {tag for tag, _ in parsed(html).tags}
    assert not tags & {"script", "img", "iframe"}
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "onclick=x>" not in html


def test_empty_plan_renders(tmp_path: Path) -> None:
    roster = load_fixture("oakridge-tiny")
    plan = Plan(roster=roster.name, status="infeasible", objective=0, bound=0)
    html = render_report(roster, plan)
    assert "This plan has no partnerships." in html
    assert len(parsed(html).with_class("circle", "teacher")) == len(roster.teachers)
