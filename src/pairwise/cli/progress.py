"""The live progress of `pairwise solve` on stderr: a rich panel on a terminal, plain lines otherwise."""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from pairwise.result import Progress

PLAIN_INTERVAL_SECONDS = 5.0


def describe(progress: Progress) -> str:
    """One plain line: elapsed, phase, best objective, bound, gap."""
    objective = "-" if progress.objective is None else str(progress.objective)
    bound = "-" if progress.bound is None else str(progress.bound)
    gap = progress.gap
    gap_text = "-" if gap is None else f"{gap:.2%}"
    phase = f" {progress.phase}" if progress.phase else ""
    return f"[{progress.seconds:6.1f} s]{phase}: best {objective}, bound {bound}, gap {gap_text}"


class ProgressDisplay:
    """Receives `Progress` reports from the engine and shows them on stderr.

    On a terminal a rich Live panel refreshes about once a second; otherwise a plain line is
    written every few seconds (and one at the end); `quiet` shows nothing.
    """

    def __init__(self, *, quiet: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.quiet = quiet
        self.live_mode = not quiet and self.console.is_terminal
        self.latest: Progress | None = None
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._last_line = 0.0
        self._started = time.monotonic()

    def __enter__(self) -> ProgressDisplay:
        if self.live_mode:
            self._live = Live(
                self._panel(), console=self.console, refresh_per_second=1, transient=True
            )
            self._live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, error, trace)
            self._live = None
        if not self.quiet and self.latest is not None:
            self.console.print(describe(self.latest))

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self.latest = progress
            if self.quiet:
                return
            if self._live is not None:
                self._live.update(self._panel())
                return
            now = time.monotonic()
            if now - self._last_line >= PLAIN_INTERVAL_SECONDS:
                self._last_line = now
                self.console.print(describe(progress))

    def _panel(self) -> Table:
        table = Table(title="solving", show_header=False, box=None)
        progress = self.latest
        if progress is None:
            table.add_row("elapsed", f"{time.monotonic() - self._started:.1f} s")
            return table
        gap = progress.gap
        table.add_row("phase", progress.phase or "-")
        table.add_row(
            "best objective", "-" if progress.objective is None else str(progress.objective)
        )
        table.add_row("bound", "-" if progress.bound is None else str(progress.bound))
        table.add_row("gap", "-" if gap is None else f"{gap:.2%}")
        table.add_row("elapsed", f"{progress.seconds:.1f} s")
        return table
