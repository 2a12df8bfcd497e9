"""Old import paths of the flat layout, kept one release with a DeprecationWarning.

Until 0.2 the package was one flat folder (`pairwise.formats`, `pairwise.solve`, ...). Importing an
old path still works: it yields a stand-in module that warns once and hands out the names of the
module's new home, so `from pairwise.formats import Roster` gives the very same class.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

# old module -> its home in the new layout
MOVED_MODULES: dict[str, str] = {
    "pairwise.formats": "pairwise.roster.models",
    "pairwise.load": "pairwise.roster.load",
    "pairwise.validation": "pairwise.roster.validate",
    "pairwise.schemas": "pairwise.roster.schemas",
    "pairwise.objective": "pairwise.roster.objective",
    "pairwise.candidates": "pairwise.engine.candidates",
    "pairwise.columns": "pairwise.engine.columns",
    "pairwise.bound": "pairwise.engine.lp_bound",
    "pairwise.relaxation": "pairwise.engine.relaxation",
    "pairwise.matching": "pairwise.engine.matching",
    "pairwise.search": "pairwise.engine.search",
    "pairwise.partnerships": "pairwise.engine.model.partnership_rules",
    "pairwise.model": "pairwise.engine.model.plan_model",
    "pairwise.sabbatical": "pairwise.engine.model.sabbatical_model",
    "pairwise.tables": "pairwise.engine.seating",
    "pairwise.solve": "pairwise.engine.pipeline",
    "pairwise.plan_builder": "pairwise.engine.plan.builder",
    "pairwise.reasons": "pairwise.engine.plan.reasons",
    "pairwise.check": "pairwise.checker.rules",
    "pairwise.explain": "pairwise.explanation.core",
    "pairwise.executor": "pairwise.runs.executor",
    "pairwise.whatif": "pairwise.runs.whatif",
    "pairwise.district": "pairwise.runs.district.core",
    "pairwise.multiyear": "pairwise.runs.multiyear.core",
    "pairwise.workbook": "pairwise.interchange.workbook.layout",
    "pairwise.workbook_read": "pairwise.interchange.workbook.read",
    "pairwise.workbook_write": "pairwise.interchange.workbook.write",
    "pairwise.oneroster": "pairwise.interchange.oneroster",
    "pairwise.export": "pairwise.interchange.export.bundle",
    "pairwise.export_calendar": "pairwise.interchange.export.calendars",
    "pairwise.export_common": "pairwise.interchange.export.common",
    "pairwise.export_csv": "pairwise.interchange.export.spreadsheets",
    "pairwise.export_report": "pairwise.interchange.export.report",
    "pairwise.network": "pairwise.analysis.network",
    "pairwise.history": "pairwise.analysis.history",
    "pairwise.summary": "pairwise.cli.summary",
    "pairwise.progress": "pairwise.cli.progress",
}


class MovedModule(types.ModuleType):
    """Stands in for a moved module: hands out the new module's names.

    Python binds an imported submodule on its package under its last name, which for
    `pairwise.check`, `pairwise.solve` and `pairwise.explain` would hide the API function of that
    name; the stand-in therefore also calls through to the function it shadows.
    """

    def __init__(self, name: str, new_name: str) -> None:
        super().__init__(name, f"Moved to {new_name}.")
        self.__dict__["_new_name"] = new_name

    def _target(self) -> types.ModuleType:
        return importlib.import_module(self.__dict__["_new_name"])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = getattr(self._target(), self.__name__.rpartition(".")[2])
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
        new_name = MOVED_MODULES[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new_name}; the old path goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return MovedModule(spec.name, new_name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the stand-in reads its new home on demand."""


def install_moved_module_aliases() -> None:
    """Let the old flat import paths resolve (once per interpreter)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())
