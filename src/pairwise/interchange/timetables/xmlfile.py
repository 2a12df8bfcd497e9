"""Reading a timetable's XML safely, and the few helpers both readers use to walk it.

Python's XML reader never fetches external entities, and the expat it ships with (2.4.1 and later)
refuses entity-expansion bombs; a document that declares entities is refused all the same, since
no timetabling program writes one. Files are capped at the size limit rosters have.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from pairwise.errors import InputError, Problem
from pairwise.roster.load import byte_limit, read_bytes

FET_ROOT = "fet"
XHSTT_ROOT = "HighSchoolTimetableArchive"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def parse_file(path: Path) -> ET.Element:
    """The root element of an XML file, or an `InputError` saying why it is not one."""
    name = str(path)
    data = read_bytes(path, byte_limit())
    if _ENTITY_DECLARATION.search(data[:65536]):
        raise InputError([Problem(name, "declares XML entities, which pairwise does not read")])
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        line, column = error.position
        raise InputError(
            [
                Problem(
                    name,
                    "is not a timetable file (a FET .fet file or an XHSTT archive): "
                    f"not XML at line {line}, column {column + 1}",
                )
            ]
        ) from None


def local_name(element: ET.Element) -> str:
    """An element's tag without any XML namespace."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def children(element: ET.Element | None, tag: str) -> list[ET.Element]:
    """The child elements named `tag` (namespaces ignored)."""
    if element is None:
        return []
    return [child for child in element if local_name(child) == tag]


def child(element: ET.Element | None, tag: str) -> ET.Element | None:
    """The first child element named `tag`, or None."""
    found = children(element, tag)
    return found[0] if found else None


def text(element: ET.Element | None, tag: str) -> str:
    """The stripped text of the first child named `tag` ('' when absent)."""
    found = child(element, tag)
    return (found.text or "").strip() if found is not None else ""


def texts(element: ET.Element | None, tag: str) -> list[str]:
    """The stripped, non-empty texts of every child named `tag`, in order."""
    return [
        (found.text or "").strip() for found in children(element, tag) if (found.text or "").strip()
    ]


def reference(element: ET.Element | None, tag: str) -> str:
    """The Reference attribute of the first child named `tag` ('' when absent)."""
    found = child(element, tag)
    return found.get("Reference", "").strip() if found is not None else ""


def flag(value: str, default: bool) -> bool | None:
    """A true/false (yes/no, 1/0) text; `default` when blank; None when it is neither."""
    lowered = value.strip().lower()
    if not lowered:
        return default
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def safe_id(text: str) -> str:
    """A roster id from a name in the file: '/' (which separates a slot's parts) becomes '-'."""
    return text.strip().replace("/", "-")


def shown(items: list[str], limit: int = 8) -> str:
    """A short list for a message: the first few items, then how many more."""
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")
