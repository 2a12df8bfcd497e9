"""Roadmaps, guides and tandem in the workbook: written by `template`, read back by `import`, and
a bad cell named by sheet, column and row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pairwise.errors import InputError
from pairwise.interchange.workbook.layout import canonical
from pairwise.interchange.workbook.read import import_workbook
from pairwise.interchange.workbook.write import template_csv_files, template_workbook
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import Roster
from tests.builders import make_roster


def coaching_roster() -> Roster:
    roster = make_roster(
        [
            {
                "id": "a/1",
                "teaches": ["mon-1"],
                "tandem": True,
                "roadmap": {
                    "goal": "Élèves: feedback on drafts",
                    "actions": [
                        {"action": "Model the protocol", "due": "2026-10-01"},
                        {"action": "Peer review, twice", "due": "2026-11-02"},
                    ],
                    "evidence": ["exit tickets"],
                },
            },
            {"id": "b", "teaches": ["mon-2"]},
        ],
        teams=[{"id": "g3", "roadmap": {"goal": "Shared rubrics", "evidence": ["rubric use"]}}],
        policy={"tandem": True, "debrief_within_days": 0},
    )
    data = roster.model_dump()
    data["guides"] = {"debrief": ["I noticed...", "What might happen if...?"]}
    return roster_from_data(data)


def test_roadmaps_guides_and_tandem_come_back_from_xlsx_and_csv(tmp_path: Path) -> None:
    roster = coaching_roster()
    workbook = tmp_path / "roster.xlsx"
    workbook.write_bytes(template_workbook(roster))
    folder = tmp_path / "sheets"
    folder.mkdir()
    for name, text in template_csv_files(roster).items():
        (folder / name).write_text(text, encoding="utf-8")
    for source in (workbook, folder):
        back = import_workbook(source).roster
        assert back == canonical(roster)
        assert back.teacher_by_id["a/1"].tandem and back.policy.debrief_within_days == 0
        assert back.guides is not None and back.guides.visit is None


def test_a_bad_due_date_is_named_by_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(template_workbook(coaching_roster()))
    book = openpyxl.load_workbook(path)
    sheet = book["Roadmaps"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("due") + 1
    sheet.cell(row=3, column=column, value="2026-02-30")
    owner = sheet.cell(row=4, column=1)
    owner.value = "nobody"
    book.save(path)
    with pytest.raises(InputError) as raised:
        import_workbook(path)
    messages = [str(problem) for problem in raised.value.problems]
    letter = openpyxl.utils.get_column_letter(column)
    assert any(message.startswith(f"Roadmaps!{letter}3") for message in messages), messages
    assert any("Roadmaps!A4: unknown teacher or team 'nobody'" in m for m in messages), messages
