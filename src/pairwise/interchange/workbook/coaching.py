"""The Roadmaps and Guides sheets: each roadmap as rows (one per action or piece of evidence, the
goal once), each guide as one row per prompt; both directions.

An owner is a teacher id, else a team id (a teacher's own roadmap wins when an id names both).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pairwise.interchange.workbook.layout import GUIDES, ROADMAPS
from pairwise.roster.guides import GUIDE_KINDS
from pairwise.roster.models import Roadmap, Roster

if TYPE_CHECKING:
    from pairwise.interchange.workbook.read import _Reader


def read_roadmaps(reader: _Reader, data: dict[str, Any]) -> None:
    """Attach each owner's roadmap (from the Roadmaps sheet) to its teacher or team in `data`."""
    records = reader.records(ROADMAPS, "roadmaps")
    columns = {column.header: column for column in ROADMAPS.columns}
    owners: dict[str, str] = {}
    for index, team in enumerate(data.get("teams", [])):
        if "id" in team:
            owners.setdefault(team["id"], f"teams[{index}]")
    for index, teacher in enumerate(data.get("teachers", [])):
        if "id" in teacher:
            owners[teacher["id"]] = f"teachers[{index}]"
    items = {path: item for path, item in _items(data)}
    for record in records or []:
        owner = reader.value(record, columns["owner"], "roadmaps.owner")
        path = owners.get(str(owner)) if owner is not None else None
        if path is None:
            reader.problem(record.ref("owner"), f"unknown teacher or team '{owner}'")
            continue
        roadmap = items[path].setdefault("roadmap", {})
        goal = reader.value(record, columns["goal"], f"{path}.roadmap.goal")
        if goal is not None and not roadmap.get("goal"):
            roadmap["goal"] = goal
        action = reader.value(record, columns["action"], f"{path}.roadmap.action")
        due = reader.value(record, columns["due"], f"{path}.roadmap.due")
        if action is not None or due is not None:
            actions = roadmap.setdefault("actions", [])
            where = f"{path}.roadmap.actions[{len(actions)}]"
            reader.locations[where] = record.ref()
            reader.locations[f"{where}.action"] = record.ref("action")
            reader.locations[f"{where}.due"] = record.ref("due")
            actions.append(
                {key: value for key, value in (("action", action), ("due", due)) if value}
            )
        evidence = reader.value(record, columns["evidence"], f"{path}.roadmap.evidence")
        if evidence is not None:
            lines = roadmap.setdefault("evidence", [])
            reader.locations[f"{path}.roadmap.evidence[{len(lines)}]"] = record.ref("evidence")
            lines.append(evidence)


def _items(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    teams = [(f"teams[{i}]", team) for i, team in enumerate(data.get("teams", []))]
    teachers = [(f"teachers[{i}]", t) for i, t in enumerate(data.get("teachers", []))]
    return teams + teachers


def read_guides(reader: _Reader) -> dict[str, list[str]] | None:
    """The Guides sheet as the roster's `guides` (None when it has no row)."""
    records = reader.records(GUIDES, "guides")
    columns = {column.header: column for column in GUIDES.columns}
    guides: dict[str, list[str]] = {}
    for record in records or []:
        kind = reader.value(record, columns["kind"], "guides.kind")
        prompt = reader.value(record, columns["prompt"], "guides.prompt")
        if kind is None or prompt is None:
            continue
        if kind not in GUIDE_KINDS:
            reader.problem(record.ref("kind"), f"'{kind}' is not one of {', '.join(GUIDE_KINDS)}")
            continue
        prompts = guides.setdefault(kind, [])
        reader.locations[f"guides.{kind}[{len(prompts)}]"] = record.ref("prompt")
        prompts.append(prompt)
    return guides or None


def _roadmap_rows(owner: str, roadmap: Roadmap) -> list[list[object]]:
    count = max(1, len(roadmap.actions), len(roadmap.evidence))
    rows: list[list[object]] = []
    for index in range(count):
        action = roadmap.actions[index] if index < len(roadmap.actions) else None
        evidence = roadmap.evidence[index] if index < len(roadmap.evidence) else None
        rows.append(
            [
                owner,
                roadmap.goal if index == 0 and roadmap.goal else None,
                action.action if action else None,
                action.due if action else None,
                evidence,
            ]
        )
    return rows


def roadmap_rows(roster: Roster) -> list[list[object]]:
    """Every roadmap of the roster as Roadmaps rows: teachers' first, then teams'."""
    rows: list[list[object]] = []
    for teacher in roster.teachers:
        if teacher.roadmap is not None:
            rows += _roadmap_rows(teacher.id, teacher.roadmap)
    for team in roster.teams:
        if team.roadmap is not None:
            rows += _roadmap_rows(team.id, team.roadmap)
    return rows


def guide_rows(roster: Roster) -> list[list[object]]:
    """The roster's own guides as Guides rows (built-in prompts are not written)."""
    if roster.guides is None:
        return []
    rows: list[list[object]] = []
    for kind in GUIDE_KINDS:
        for prompt in getattr(roster.guides, kind) or []:
            rows.append([kind, prompt])
    return rows
