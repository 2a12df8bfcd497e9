"""Old import paths of the flat layout, kept one release with a DeprecationWarning.

Until 0.2 the package was one flat folder (`pairwise.formats`, `pairwise.solve`, ...). Importing an
old path still works: it yields a stand-in module that warns once and hands out the names of the
module's new home (or homes, for a module split in parts), so `from pairwise.formats import Roster`
gives the very same class.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

# old module -> its homes in the new layout (a module split in parts has several; its main one first)
MOVED_MODULES: dict[str, tuple[str, ...]] = {
    "pairwise.formats": ("pairwise.roster.models",),
    "pairwise.load": ("pairwise.roster.load",),
    "pairwise.validation": ("pairwise.roster.validate",),
    "pairwise.schemas": ("pairwise.roster.schemas",),
    "pairwise.objective": ("pairwise.roster.objective",),
    "pairwise.candidates": ("pairwise.engine.candidates",),
    "pairwise.columns": ("pairwise.engine.columns",),
    "pairwise.bound": (
        "pairwise.engine.lp_bound",
        "pairwise.engine.lp_terms",
        "pairwise.engine.triad_pricing",
    ),
    "pairwise.relaxation": ("pairwise.engine.relaxation",),
    "pairwise.matching": ("pairwise.engine.matching",),
    "pairwise.search": ("pairwise.engine.search",),
    "pairwise.partnerships": ("pairwise.engine.model.partnership_rules",),
    "pairwise.model": ("pairwise.engine.model.plan_model",),
    "pairwise.sabbatical": ("pairwise.engine.model.sabbatical_model",),
    "pairwise.tables": ("pairwise.engine.seating",),
    "pairwise.solve": ("pairwise.engine.pipeline",),
    "pairwise.plan_builder": ("pairwise.engine.plan.builder",),
    "pairwise.reasons": ("pairwise.engine.plan.reasons",),
    "pairwise.check": (
        "pairwise.checker.entry",
        "pairwise.checker.rules",
        "pairwise.checker.report",
        "pairwise.checker.terms",
        "pairwise.checker.context",
    ),
    "pairwise.explain": (
        "pairwise.explanation.diagnose",
        "pairwise.explanation.report",
        "pairwise.explanation.prechecks",
        "pairwise.explanation.feasibility",
        "pairwise.explanation.conflicts",
        "pairwise.explanation.relax",
        "pairwise.explanation.facts",
    ),
    "pairwise.executor": ("pairwise.runs.executor",),
    "pairwise.whatif": ("pairwise.runs.whatif",),
    "pairwise.district": (
        "pairwise.runs.district.solve",
        "pairwise.runs.district.split",
        "pairwise.runs.district.merge",
        "pairwise.runs.district.cross_visits",
    ),
    "pairwise.multiyear": (
        "pairwise.runs.multiyear.years",
        "pairwise.runs.multiyear.rotation",
        "pairwise.runs.multiyear.choices",
    ),
    "pairwise.workbook": (
        "pairwise.interchange.workbook.layout",
        "pairwise.interchange.workbook.read",
        "pairwise.interchange.workbook.write",
    ),
    "pairwise.workbook_read": (
        "pairwise.interchange.workbook.read",
        "pairwise.interchange.workbook.cells",
        "pairwise.interchange.workbook.sources",
        "pairwise.interchange.workbook.cross_references",
    ),
    "pairwise.workbook_write": ("pairwise.interchange.workbook.write",),
    "pairwise.oneroster": (
        "pairwise.interchange.oneroster.importer",
        "pairwise.interchange.oneroster.files",
        "pairwise.interchange.csv_tables",
    ),
    "pairwise.export": ("pairwise.interchange.export.bundle",),
    "pairwise.export_calendar": ("pairwise.interchange.export.calendars",),
    "pairwise.export_common": ("pairwise.interchange.export.common",),
    "pairwise.export_csv": ("pairwise.interchange.export.spreadsheets",),
    "pairwise.export_report": ("pairwise.interchange.export.report",),
    "pairwise.network": ("pairwise.analysis.network",),
    "pairwise.history": ("pairwise.analysis.history",),
    "pairwise.summary": ("pairwise.cli.summary",),
    "pairwise.progress": ("pairwise.cli.progress",),
}


class MovedModule(types.ModuleType):
    """Stands in for a moved module: hands out the new module's names.

    Python binds an imported submodule on its package under its last name, which for
    `pairwise.check`, `pairwise.solve` and `pairwise.explain` would hide the API function of that
    name; the stand-in therefore also calls through to the function it shadows.
    """

    def __init__(self, name: str, homes: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved to {', '.join(homes)}.")
        self.__dict__["_homes"] = homes

    def __getattr__(self, name: str) -> Any:
        for home in self.__dict__["_homes"]:
            module = importlib.import_module(home)
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = getattr(self, self.__name__.rpartition(".")[2])
        return function(*args, **kwargs)


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old flat paths and loads each as a warning stand-in for its new home."""

    def find_spec(
        self, fullname: str, path: Any = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        homes = MOVED_MODULES[spec.name]
        warnings.warn(
            f"{spec.name} moved to {', '.join(homes)}; the old path goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return MovedModule(spec.name, homes)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the stand-in reads its new home on demand."""


def install_moved_module_aliases() -> None:
    """Let the old flat import paths resolve (once per interpreter)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())
