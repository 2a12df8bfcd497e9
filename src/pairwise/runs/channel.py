"""A line between a running task and whoever started it: progress back, a stop request out.

A task that runs in another process (the embedded pool) or on another machine (Dask) cannot call
the caller's progress callback or see its `threading.Event`. A channel carries both as plain data:
the task sends progress notes (dicts of numbers and text, which every transport can carry) and
polls whether it should stop. The caller's side, a `ChannelHub`, hands out one channel per task,
collects every task's notes in one place, and sets a task's stop flag.

- `ThreadHub`: tasks in this process (threads);
- `ProcessHub`: tasks in the embedded pool, through a `multiprocessing` manager;
- `DaskHub`: tasks on a Dask cluster, through a `distributed.Queue` and one `distributed.Event`
  per task.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import multiprocessing
import queue
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pairwise.result import Progress, ProgressCallback, Result
from pairwise.roster.models import Plan, Roster

if TYPE_CHECKING:
    from pairwise.runs.executor import Solver

NOTE_INTERVAL = 0.5
"""Seconds between two progress notes of one task (the last one always goes)."""
STOP_POLL = 0.25
"""Seconds between two looks at a task's stop flag."""
LOST_AFTER = 40
"""Failed looks in a row after which the caller is taken to be gone (10 s): the task stops."""


class Channel(Protocol):
    """The task's end: picklable, so it travels inside the task."""

    key: str

    def attach(self) -> None:
        """Called in the task's own thread before anything is sent (Dask finds its client)."""

    def send(self, note: dict[str, Any]) -> None: ...

    def stopped(self) -> bool: ...


def progress_note(key: str, progress: Progress) -> dict[str, Any]:
    """A progress report as plain data."""
    return {
        "key": key,
        "objective": progress.objective,
        "bound": progress.bound,
        "seconds": progress.seconds,
        "phase": progress.phase,
    }


class TaskLine:
    """The task's side in use: a throttled progress callback and a stop event fed by a watcher."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        channel.attach()
        self.stop = threading.Event()
        self._last_sent = 0.0
        self._done = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def incumbent(self, plan: Plan) -> None:
        """The best plan so far, sent whole (the engine sends one every few seconds at most)."""
        with contextlib.suppress(Exception):
            self.channel.send({"key": self.channel.key, "plan": plan.as_json()})

    def progress(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last_sent < NOTE_INTERVAL:
            return
        self._last_sent = now
        with contextlib.suppress(Exception):  # a lost note must never end the solve
            self.channel.send(progress_note(self.channel.key, progress))

    def _watch(self) -> None:
        failures = 0
        while not self._done.wait(STOP_POLL):
            try:
                stopped = self.channel.stopped()
                failures = 0
            except Exception:  # a hiccup; many in a row: the caller is gone
                failures += 1
                stopped = failures >= LOST_AFTER
            if stopped:
                self.stop.set()
                return

    def close(self) -> None:
        self._done.set()


class ChannelHub(ABC):
    """The caller's side: one channel per task, every task's notes read in one place."""

    @abstractmethod
    def open(self, key: str) -> Channel:
        """A channel for the task `key`."""

    @abstractmethod
    def stop(self, key: str) -> None:
        """Ask the task `key` to stop (it returns its best result so far)."""

    @abstractmethod
    def release(self, key: str) -> None:
        """Forget the task `key` (it has finished)."""

    @abstractmethod
    def receive(self, timeout: float) -> dict[str, Any] | None:
        """The next note of any task, or None when none came within `timeout` seconds."""

    @abstractmethod
    def close(self) -> None:
        """Release what the hub holds."""

    def pump(self, deliver: Callable[[dict[str, Any]], None], running: threading.Event) -> None:
        """Deliver every note until `running` is cleared (meant for a thread of its own)."""
        while running.is_set():
            try:
                note = self.receive(0.25)
            except Exception:  # the transport went away (shutting down)
                return
            if note is not None:
                deliver(note)


class _QueueChannel:
    """A channel over a queue and an event (thread or multiprocessing proxies alike)."""

    def __init__(self, key: str, notes: Any, stop_flag: Any) -> None:
        self.key = key
        self._notes = notes
        self._stop_flag = stop_flag

    def attach(self) -> None:
        """Nothing to find: the queue and the flag travelled with the channel."""

    def send(self, note: dict[str, Any]) -> None:
        self._notes.put(note)

    def stopped(self) -> bool:
        return bool(self._stop_flag.is_set())


class ThreadHub(ChannelHub):
    """Tasks that run in this process."""

    def __init__(self) -> None:
        self._notes: queue.Queue[dict[str, Any]] = queue.Queue()
        self._flags: dict[str, threading.Event] = {}

    def _flag(self) -> Any:
        return threading.Event()

    def open(self, key: str) -> Channel:
        flag = self._flags.setdefault(key, self._flag())
        return _QueueChannel(key, self._notes, flag)

    def stop(self, key: str) -> None:
        flag = self._flags.get(key)
        if flag is not None:
            flag.set()

    def release(self, key: str) -> None:
        self._flags.pop(key, None)

    def receive(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._notes.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self._flags.clear()


class ProcessHub(ThreadHub):
    """Tasks in the embedded pool's processes: the queue and flags live in a manager process."""

    def __init__(self) -> None:
        self._manager = multiprocessing.get_context("spawn").Manager()
        self._notes = self._manager.Queue()
        self._flags = {}

    def _flag(self) -> Any:
        return self._manager.Event()

    def close(self) -> None:
        self._manager.shutdown()


class _DaskChannel:
    """A channel over a named `distributed.Queue` and `distributed.Event`, found by name."""

    def __init__(self, key: str, queue_name: str, event_name: str) -> None:
        self.key = key
        self.queue_name = queue_name
        self.event_name = event_name
        self._queue: Any = None
        self._event: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"key": self.key, "queue_name": self.queue_name, "event_name": self.event_name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["key"], state["queue_name"], state["event_name"])  # type: ignore[misc]

    def attach(self) -> None:
        # the worker's client is found from the task's thread only; the watcher thread uses it
        distributed: Any = importlib.import_module("distributed")
        client = distributed.get_client()
        self._queue = distributed.Queue(self.queue_name, client=client)
        self._event = distributed.Event(self.event_name, client=client)

    def send(self, note: dict[str, Any]) -> None:
        self._queue.put(note, timeout=5)

    def stopped(self) -> bool:
        return bool(self._event.is_set())


class DaskHub(ChannelHub):
    """Tasks on a Dask cluster reached through `client`."""

    def __init__(self, client: Any) -> None:
        self._distributed: Any = importlib.import_module("distributed")
        self._client = client
        self._queue_name = f"pairwise-notes-{uuid.uuid4().hex}"
        self._queue = self._distributed.Queue(self._queue_name, client=client)
        self._events: dict[str, Any] = {}

    def _event_name(self, key: str) -> str:
        return f"{self._queue_name}-stop-{key}"

    def open(self, key: str) -> Channel:
        self._events[key] = self._distributed.Event(self._event_name(key), client=self._client)
        return _DaskChannel(key, self._queue_name, self._event_name(key))

    def stop(self, key: str) -> None:
        event = self._events.get(key)
        if event is not None:
            event.set()

    def release(self, key: str) -> None:
        event = self._events.pop(key, None)
        if event is not None:
            with contextlib.suppress(Exception):
                event.clear()

    def receive(self, timeout: float) -> dict[str, Any] | None:
        try:
            note: dict[str, Any] = self._queue.get(timeout=timeout)
        except (TimeoutError, queue.Empty):
            return None
        return note

    def close(self) -> None:
        for key in list(self._events):
            self.release(key)


@dataclass(frozen=True)
class ChannelSolver:
    """A solver for a `SolveTask` that reports through `channel` and stops when it is told to.

    It travels inside the task like any solver (it pickles: the channel does), so the executor
    runs it unchanged on the pool or the cluster. `solver` is the engine when None; another
    solver gets the progress callback, and the stop event and the incumbent callback when it
    takes `stop` and `incumbent` arguments. Notes are dicts: progress figures, or `plan` (JSON).
    """

    channel: Channel
    solver: Solver | None = None

    def __call__(
        self,
        roster: Roster,
        *,
        time_limit: float = 30.0,
        seed: int = 0,
        workers: int | None = None,
        hint: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Result:
        line = TaskLine(self.channel)
        try:
            if self.solver is not None:
                options: dict[str, Any] = {"progress": line.progress}
                accepted = inspect.signature(self.solver).parameters
                if "stop" in accepted:
                    options["stop"] = line.stop
                if "incumbent" in accepted:
                    options["incumbent"] = line.incumbent
                return self.solver(
                    roster, time_limit=time_limit, seed=seed, workers=workers, hint=hint, **options
                )
            from pairwise.engine.pipeline import solve

            return solve(
                roster,
                time_limit=time_limit,
                seed=seed,
                workers=workers,
                hint=hint,
                progress=line.progress,
                stop=line.stop,
                incumbent=line.incumbent,
            )
        finally:
            line.close()
