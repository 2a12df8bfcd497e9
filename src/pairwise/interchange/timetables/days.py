"""Which weekday each of a timetable's days is: from its name when the names say (in the
languages timetabling programs are used in most), else Monday first in the file's order."""

from __future__ import annotations

import re
import unicodedata

from pairwise.roster.models import DAYS

# Full names and the usual abbreviations, accents removed, lower case, separated by spaces
# ("_" stands for a space inside a name).
_NAMES: dict[str, str] = {
    "mon": (
        "hetfo senin δευτερα понедельник пн دوشنبه الاثنين اثنين "
        "monday mon mo montag lundi lun lunes lunedi segunda segunda-feira seg maandag ma "
        "poniedzialek pon luni pazartesi mandag maanantai deutera pondeli ponedeljak"
    ),
    "tue": (
        "kedd selasa τριτη вторник вт سه_شنبه الثلاثاء ثلاثاء "
        "tuesday tue tues tu di dienstag mardi mar martes martedi terca terca-feira ter "
        "dinsdag wtorek wt marti sali tisdag tirsdag tiistai ti triti utery utorak"
    ),
    "wed": (
        "szerda rabu τεταρτη среда ср چهارشنبه چهار_شنبه الاربعاء اربعاء "
        "wednesday wed we mi mittwoch mercredi mer miercoles mercoledi quarta quarta-feira "
        "qua woensdag wo sroda sr miercuri carsamba onsdag on keskiviikko ke tetarti streda "
        "sreda"
    ),
    "thu": (
        "csutortok kamis πεμπτη четверг чт پنجشنبه پنج_شنبه الخميس خميس "
        "thursday thu thur thurs th do donnerstag jeudi jeu jueves jue giovedi gio quinta "
        "quinta-feira qui donderdag czwartek cz joi persembe torsdag to torstai pempti "
        "ctvrtek cetvrtak"
    ),
    "fri": (
        "pentek jumat παρασκευη пятница пт جمعه الجمعة جمعة "
        "friday fri fr freitag vendredi ven viernes vie venerdi sexta sexta-feira sex vrijdag "
        "vr piatek pt vineri cuma fredag fre perjantai pe paraskevi patek petak"
    ),
    "sat": (
        "szombat sabtu σαββατο суббота сб شنبه السبت سبت "
        "saturday sat sa samstag samedi sam sabado sab sabato zaterdag za sobota sambata "
        "cumartesi lordag lauantai la savvato subota"
    ),
    "sun": (
        "vasarnap minggu κυριακη воскресенье вс یکشنبه یک_شنبه الاحد احد "
        "sunday sun su so sonntag dimanche dim domingo dom domenica zondag zo niedziela nd "
        "duminica pazar sondag sunnuntai kyriaki nedele nedelja"
    ),
}
_LOOKUP: dict[str, set[str]] = {}
for _code, _words in _NAMES.items():
    for _word in _words.split():
        _LOOKUP.setdefault(_word.replace("_", " "), set()).add(_code)


_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o"})


def _plain(text: str) -> str:
    # a zero-width non-joiner (Persian) separates like a space
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).replace("\u200c", " "))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def weekday_of(name: str) -> str | None:
    """The weekday a day's name says (mon..sun), or None when it says none or several."""
    plain = _plain(name)
    words = [" ".join(plain.split()), *re.findall(r"[a-z]+(?:-feira)?", plain), *plain.split()]
    for word in words:
        found = _LOOKUP.get(word)
        if found is not None and len(found) == 1:
            return next(iter(found))
    return None


def weekdays(names: list[str]) -> tuple[list[str], bool]:
    """Each day's code, and whether the names said them (else Monday first, in order).

    The names are used only when every one of them names a different weekday; a file with more
    than seven days cannot be a week, and the caller reports it.
    """
    found = [weekday_of(name) for name in names]
    codes = [code for code in found if code is not None]
    if len(codes) == len(names) and len(set(codes)) == len(codes):
        return codes, True
    return list(DAYS[: len(names)]), False
