"""File names made from ids, which are free text (`Math/Science/ana`, `SEN / Inclusion`).

A name made here is one flat file name on every system pairwise's users have: no separator, no
character Windows refuses, no leading dot (a hidden file), no device name Windows reserves
(`CON`, `nul.ics`), and short enough for any file system. Two different ids give two different
names, also where names fold letter case (macOS and Windows do by default).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from urllib.parse import quote

# Windows refuses these as a file's stem, whatever the suffix
RESERVED_STEMS = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{digit}" for digit in range(10)]
    + [f"lpt{digit}" for digit in range(10)]
)
# a file name's bytes: 255 on most file systems; room is left for a suffix and a counter
LONGEST_STEM = 180


def safe_file_name(identifier: str, suffix: str) -> str:
    """`<id><suffix>` with every character unsafe in a file name percent-encoded (`a/b` gives
    `a%2Fb.ics`), a leading dot and a reserved device name encoded, a very long id shortened."""
    stem = quote(identifier, safe="")
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    if stem.lower() in RESERVED_STEMS:
        stem = f"%{ord(stem[0]):02X}{stem[1:]}"
    if len(stem) > LONGEST_STEM:
        stem = f"{stem[:LONGEST_STEM]}-{_digest(identifier, 12)}"
    return f"{stem}{suffix}"


def safe_file_names(identifiers: Iterable[str], suffix: str) -> dict[str, str]:
    """`safe_file_name` of each id; ids whose names differ only in letter case (`Ana`, `ana`)
    each carry a short digest of the id, so no two land in one file where names fold case."""
    names = {identifier: safe_file_name(identifier, suffix) for identifier in identifiers}
    folded = Counter(name.lower() for name in names.values())
    for identifier, name in names.items():
        if folded[name.lower()] > 1:
            stem = name[: len(name) - len(suffix)] if suffix else name
            names[identifier] = f"{stem}-{_digest(identifier, 8)}{suffix}"
    return names


def _digest(identifier: str, length: int) -> str:
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:length]
