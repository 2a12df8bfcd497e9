"""`read_timetable`: a roster from a timetabling program's file, FET or XHSTT, told apart by its
content (the root element) unless the caller says which it must be."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from pairwise.errors import InputError, Problem
from pairwise.interchange.bells import Bell, read_bell_schedule
from pairwise.interchange.timetables.build import Options, build_roster
from pairwise.interchange.timetables.fet import read_fet
from pairwise.interchange.timetables.model import TEAM_RULES, TeamRule
from pairwise.interchange.timetables.xhstt import read_xhstt
from pairwise.interchange.timetables.xmlfile import FET_ROOT, XHSTT_ROOT, local_name, parse_file
from pairwise.interchange.workbook.layout import ImportResult

TimetableFormat = Literal["fet", "xhstt"]
_ROOTS: dict[str, TimetableFormat] = {FET_ROOT: "fet", XHSTT_ROOT: "xhstt"}
_NAMES = {"fet": "a FET file", "xhstt": "an XHSTT archive"}
_SNIFF_BYTES = 64 * 1024


def sniff_format(path: str | Path) -> TimetableFormat | None:
    """Whether a file starts as a FET file or an XHSTT archive (its first element), else None."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start",))
    try:
        with Path(path).open("rb") as handle:
            parser.feed(handle.read(_SNIFF_BYTES))
        for event in parser.read_events():
            element = event[-1]
            if isinstance(element, ET.Element):
                return _ROOTS.get(local_name(element))
    except (OSError, ET.ParseError):
        return None
    return None


def read_timetable(
    source: str | Path,
    *,
    timezone: str | None,
    format: TimetableFormat | None = None,
    year: int | None = None,
    bell_schedule: str | Path | None = None,
    teams: TeamRule = "subject",
    instance: str | None = None,
    solution: str | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """A roster from a FET file or an XHSTT archive (`format` checks which; None: either).

    `instance` and `solution` choose within an XHSTT archive; `today` sets the school year when
    `year` is not given. Raises `InputError` with every problem at once.
    """
    path = Path(source)
    root = parse_file(path)
    found = _ROOTS.get(local_name(root))
    problems: list[Problem] = []
    if found is None:
        raise InputError(
            [
                Problem(
                    str(path),
                    "is not a timetable file (a FET .fet file or an XHSTT archive): its root "
                    f"element is <{local_name(root)}>, not <{FET_ROOT}> or <{XHSTT_ROOT}>",
                )
            ]
        )
    if format is not None and format != found:
        problems.append(
            Problem(
                f"--{format}", f"{path} is {_NAMES[found]}, not {_NAMES[format]}: use --{found}"
            )
        )
    if teams not in TEAM_RULES:
        problems.append(
            Problem("--teams", f"{teams}: a timetable import takes {', '.join(TEAM_RULES)}")
        )
    if found == "fet":
        problems += [
            Problem(option, "only applies to XHSTT archives")
            for option, value in (("--instance", instance), ("--solution", solution))
            if value is not None
        ]
    bells: list[Bell] | None = None
    if bell_schedule is not None:
        bells = read_bell_schedule(Path(bell_schedule), problems)
    table = read_fet(root, path) if found == "fet" else read_xhstt(root, path, instance, solution)
    table.problems[:0] = problems
    return build_roster(table, Options(timezone, year, bells, teams), today)
