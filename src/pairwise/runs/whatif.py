"""What-if runs: solve variants of a roster's policy and compare how the plan's terms change.

Variants are the product of ranges over the policy's counts (`release_budget=0:80:10`). Each is
warm-started from the plan of a solved neighbour one step below it on the grid: growing a budget
only loosens the rules, and the other counts change only the objective, so that plan stays valid and
is a complete hint. The grid is a tree of such steps (along the last field, then the earlier ones);
the last field is cut into as many chains as there are free task slots, so the variants run in
parallel on the same executor as districts. Each variant's hint is fixed by the grid alone, so its
result never depends on which variant finished first.
"""

from __future__ import annotations

import difflib
import io
import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairwise.errors import InputError, Problem
from pairwise.files import write_atomic
from pairwise.result import Progress, ProgressCallback, Status, relative_gap
from pairwise.roster.load import roster_from_data
from pairwise.roster.models import TERM_NAMES, Plan, Policy, Roster
from pairwise.runs.district.solve import solve_district_inline
from pairwise.runs.executor import Solver, SolveTask, TaskOutcome, open_executor

BUDGET_FIELDS: tuple[str, ...] = (
    "release_budget",
    "cover_per_period",
    "sabbatical_visits_per_coachee",
)
"""Counts whose growth only loosens the hard rules: the objective never falls as one grows."""

COUNT_FIELDS: tuple[str, ...] = (
    "release_budget",
    "cover_per_period",
    "sabbatical_visits_per_coachee",
    "repeat_window_years",
    "novice_years",
    "mentor_years",
    *(f"weights.{name}" for name in TERM_NAMES),
)
"""Every policy field that is a count, and so may be varied."""

MAX_VARIANTS = 400
CHART_SUFFIXES: tuple[str, ...] = (".png", ".svg")

Index = tuple[int, ...]


@dataclass(frozen=True)
class Axis:
    """One varied field and its values, ascending."""

    field: str
    values: tuple[int, ...]


@dataclass
class VariantOutcome:
    """One variant's solve: what it changed, how it ended, its terms, and what it started from."""

    variant: dict[str, int]
    status: Status
    objective: int | None
    bound: int | None
    terms: dict[str, int]
    covered_visits: int | None
    seconds: float
    hint_from: dict[str, int] | None = None
    plan: Plan | None = field(default=None, repr=False)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)

    def as_json_data(self) -> dict[str, Any]:
        """The JSON entry of a variant (with its bound, time and warm start beside it)."""
        gap = self.gap
        return {
            "variant": dict(self.variant),
            "status": self.status,
            "objective": self.objective,
            "terms": dict(self.terms),
            "covered_visits": self.covered_visits,
            "gap": round(gap, 6) if gap is not None else None,
            "bound": self.bound,
            "seconds": round(self.seconds, 3),
            "hint_from": self.hint_from,
        }


# --- parsing -------------------------------------------------------------------------------


def parse_vary(text: str) -> Axis:
    """`FIELD=START:STOP[:STEP]` (STOP included), `FIELD=VALUE` or `FIELD=V1,V2,...`."""
    name, separator, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not separator or not name or not spec:
        raise _vary_error(text, "write FIELD=START:STOP[:STEP], e.g. release_budget=0:80:10")
    _check_field(name, text)
    if "," in spec:
        values = sorted({_count(part, name, text) for part in spec.split(",")})
        return Axis(name, tuple(values))
    parts = spec.split(":")
    if len(parts) > 3:
        raise _vary_error(text, f"'{spec}' has {len(parts)} parts; write START:STOP[:STEP]")
    start = _count(parts[0], name, text)
    stop = _count(parts[1], name, text) if len(parts) > 1 else start
    step = _count(parts[2], name, text) if len(parts) > 2 else 1
    if step == 0:
        raise _vary_error(text, "STEP must be at least 1")
    if stop < start:
        raise _vary_error(text, f"STOP {stop} is below START {start}; ranges go upwards")
    if (stop - start) % step:
        last = start + (stop - start) // step * step
        raise _vary_error(
            text,
            f"STOP {stop} is not START plus a whole number of STEPs "
            f"({start}:{stop}:{step} would end at {last}); STOP is included",
        )
    return Axis(name, tuple(range(start, stop + 1, step)))


def parse_axes(texts: Sequence[str]) -> list[Axis]:
    """Every `--vary`, checked together: each field once, at most `MAX_VARIANTS` variants."""
    problems: list[Problem] = []
    axes: list[Axis] = []
    for text in texts:
        try:
            axis = parse_vary(text)
        except InputError as error:
            problems += error.problems
            continue
        if any(existing.field == axis.field for existing in axes):
            problems.append(Problem("--vary", f"'{axis.field}' is varied twice; give it once"))
            continue
        axes.append(axis)
    if not texts:
        problems.append(Problem("--vary", "give at least one, e.g. --vary release_budget=0:80:10"))
    if problems:
        raise InputError(problems)
    count = math.prod(len(axis.values) for axis in axes)
    if count > MAX_VARIANTS:
        raise InputError(
            [
                Problem(
                    "--vary",
                    f"{count:,} variants is over the limit of {MAX_VARIANTS}; "
                    "use a larger STEP or fewer fields",
                )
            ]
        )
    return axes


def _vary_error(text: str, message: str) -> InputError:
    return InputError([Problem("--vary", f"'{text}': {message}")])


def _check_field(name: str, text: str) -> None:
    if name in COUNT_FIELDS:
        return
    known_policy = set(Policy.model_fields)
    if name in known_policy or name == "weights":
        raise _vary_error(
            text,
            f"'{name}' is not a count; the fields that may be varied are "
            f"{', '.join(COUNT_FIELDS[:6])} and weights.<term>",
        )
    nearest = difflib.get_close_matches(name, COUNT_FIELDS, n=1, cutoff=0.5)
    hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
    raise _vary_error(
        text,
        f"unknown policy field '{name}'{hint} (counts that may be varied: "
        f"{', '.join(COUNT_FIELDS[:6])}, weights.<term>)",
    )


def _count(text: str, name: str, whole: str) -> int:
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        raise _vary_error(whole, f"'{text}' is not a whole number") from None
    if value < 0:
        raise _vary_error(whole, f"{name} cannot be negative (got {value})")
    return value


# --- variants ------------------------------------------------------------------------------


def variant_roster(roster: Roster, variant: dict[str, int]) -> Roster:
    """A copy of the roster with the variant's policy counts set."""
    data = roster.model_dump(mode="json")
    for name, value in variant.items():
        if name.startswith("weights."):
            data["policy"]["weights"][name.removeprefix("weights.")] = value
        else:
            data["policy"][name] = value
    return roster_from_data(data)


def grid(axes: Sequence[Axis]) -> list[Index]:
    """Every variant as value indices, first field slowest."""
    return list(itertools.product(*(range(len(axis.values)) for axis in axes)))


def variant_of(axes: Sequence[Axis], index: Index) -> dict[str, int]:
    return {axis.field: axis.values[i] for axis, i in zip(axes, index, strict=True)}


def warm_start_parents(axes: Sequence[Axis], slots: int) -> dict[Index, Index | None]:
    """Each variant's warm start: the variant one step below it (None: solved from scratch).

    Steps go along the last field, and down an earlier field at the start of a chain. The last
    field is cut into chains when the other fields alone give fewer than `slots` of them, so
    every task slot has a chain to run.
    """
    length = len(axes[-1].values)
    others = math.prod(len(axis.values) for axis in axes[:-1])
    chains = max(1, min(length, math.ceil(slots / others))) if slots > others else 1
    starts = {chain * length // chains for chain in range(chains)}
    parents: dict[Index, Index | None] = {}
    for index in grid(axes):
        if index[-1] not in starts:
            parents[index] = (*index[:-1], index[-1] - 1)
            continue
        earlier = [position for position in range(len(index) - 1) if index[position] > 0]
        if earlier:
            position = earlier[-1]
            parents[index] = (*index[:position], index[position] - 1, *index[position + 1 :])
        else:
            parents[index] = None
    return parents


def run_whatif(
    roster: Roster,
    axes: Sequence[Axis],
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    warm: bool = True,
    solver: Solver | None = None,
) -> list[VariantOutcome]:
    """Solve every variant (`time_limit` each), warm-started along the grid; outcomes in grid order."""
    if time_limit <= 0:
        raise InputError([Problem("--time-limit", f"must be positive (got {time_limit})")])
    started = time.perf_counter()
    indices = grid(axes)
    rosters = {index: variant_roster(roster, variant_of(axes, index)) for index in indices}
    district = len(roster.schools()) > 1
    outcomes: dict[Index, VariantOutcome] = {}
    plans: dict[Index, str | None] = {}
    with open_executor(scheduler=scheduler, workers=workers, tasks=len(indices)) as executor:
        parents = warm_start_parents(axes, executor.slots)
        if not warm:
            parents = dict.fromkeys(indices)
        children: dict[Index | None, list[Index]] = {}
        for index in indices:
            children.setdefault(parents[index], []).append(index)
        running: dict[int, tuple[Index, Any]] = {}

        def launch(index: Index) -> None:
            parent = parents[index]
            hint = plans.get(parent) if parent is not None else None
            task = SolveTask(
                key=_label(variant_of(axes, index)),
                roster_json=rosters[index].as_json(),
                time_limit=time_limit,
                seed=seed,
                hint_json=hint,
                runner=solve_district_inline if district else None,
                solver=solver,
            )
            handle = executor.submit(task)
            running[id(handle)] = (index, handle)

        for index in children.get(None, []):
            launch(index)
        while running:
            done = executor.wait_any([handle for _, handle in running.values()])
            # settle the finished ones in grid order, so launches happen in a stable order too
            finished = sorted((running.pop(id(handle))[0], handle) for handle in done)
            for index, handle in finished:
                outcome = executor.outcome(handle)
                outcome.raise_error()
                parent = parents[index]
                warm_from = parent if parent is not None and plans.get(parent) else None
                outcomes[index] = _variant_outcome(axes, index, outcome, warm_from)
                plans[index] = outcome.plan_json
                if progress is not None:
                    result = outcomes[index]
                    progress(
                        Progress(
                            result.objective,
                            result.bound,
                            time.perf_counter() - started,
                            phase=f"variant {len(outcomes)}/{len(indices)} "
                            f"{_label(result.variant)}: {result.status}",
                        )
                    )
                for child in children.get(index, []):
                    launch(child)
    return [outcomes[index] for index in indices]


def _label(variant: dict[str, int]) -> str:
    return " ".join(f"{name}={value}" for name, value in variant.items())


def _variant_outcome(
    axes: Sequence[Axis], index: Index, outcome: TaskOutcome, warm_from: Index | None
) -> VariantOutcome:
    plan = outcome.plan()
    return VariantOutcome(
        variant=variant_of(axes, index),
        status=outcome.status,
        objective=outcome.objective,
        bound=outcome.bound,
        terms=dict(plan.terms or {}) if plan is not None else {},
        covered_visits=plan.metrics.covered_visits if plan and plan.metrics else None,
        seconds=outcome.seconds,
        hint_from=variant_of(axes, warm_from) if warm_from is not None else None,
        plan=plan,
    )


# --- reading the results -------------------------------------------------------------------

# How a term's value turns into a count of things: (singular, plural); the count is the term over
# its weight, negated for the penalties that count things (unpaired teacher-periods).
COUNTED: dict[str, tuple[str, str]] = {
    "complement": ("complementary match", "complementary matches"),
    "shared_priority": ("pair sharing a priority", "pairs sharing a priority"),
    "cross_team": ("cross-team pair", "cross-team pairs"),
    "mentoring": ("mentoring pair", "mentoring pairs"),
    "request": ("granted request", "granted requests"),
    "team_complement": ("team complementary match", "team complementary matches"),
    "sabbatical": ("sabbatical visit", "sabbatical visits"),
    "unpaired": ("unpaired teacher", "unpaired teachers"),
}
POINTS: dict[str, str] = {
    "trust": "trust",
    "repeat": "repeat penalty",
    "team_repeat": "team repeat penalty",
}


def nonzero_terms(outcomes: Sequence[VariantOutcome]) -> list[str]:
    """The terms some variant has nonzero, in the documented order."""
    return [name for name in TERM_NAMES if any(outcome.terms.get(name, 0) for outcome in outcomes)]


def _term_count(name: str, value: int, weights: dict[str, int]) -> int | None:
    weight = weights.get(name, 0)
    if name not in COUNTED or weight <= 0 or value % weight:
        return None
    return abs(value) // weight


def marginal_values(
    roster: Roster, axes: Sequence[Axis], outcomes: Sequence[VariantOutcome]
) -> list[str]:
    """One sentence per step along each field (the others held), saying what the step buys."""
    by_variant = {tuple(outcome.variant.values()): outcome for outcome in outcomes}
    sentences = []
    for axis in axes:
        others = [other for other in axes if other is not axis]
        for fixed in itertools.product(*(other.values for other in others)):
            context = dict(zip((other.field for other in others), fixed, strict=True))
            prefix = f"({_label(context)}) " if context else ""
            for low, high in itertools.pairwise(axis.values):
                before = by_variant.get(_values(axes, context, axis.field, low))
                after = by_variant.get(_values(axes, context, axis.field, high))
                if before is None or after is None:
                    continue
                step = f"{prefix}{axis.field} {low} → {high}: "
                sentences.append(
                    step + _describe_step(roster, before, after, axis.field in BUDGET_FIELDS)
                )
    return sentences


def _values(axes: Sequence[Axis], context: dict[str, int], name: str, value: int) -> Index:
    return tuple(value if axis.field == name else context[axis.field] for axis in axes)


def _weights_of(roster: Roster, variant: dict[str, int]) -> dict[str, int]:
    weights = roster.policy.weights.model_dump()
    for name, value in variant.items():
        if name.startswith("weights."):
            weights[name.removeprefix("weights.")] = value
    return {name: int(value) for name, value in weights.items()}


def _plural(count: int, nouns: tuple[str, str]) -> str:
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"


def _describe_step(
    roster: Roster, before: VariantOutcome, after: VariantOutcome, budget: bool = False
) -> str:
    """What one step changed, gains first: "6 more covered visits buy 3 more complementary ..."."""
    if before.objective is None or after.objective is None:
        return f"no comparison ({before.status} → {after.status})"
    weights_before = _weights_of(roster, before.variant)
    weights_after = _weights_of(roster, after.variant)
    gains: list[str] = []
    costs: list[str] = []
    for name in TERM_NAMES:
        if name == "cover":
            continue  # said as covered visits
        old, new = before.terms.get(name, 0), after.terms.get(name, 0)
        if old == new:
            continue
        (gains if new > old else costs).append(
            _term_change(name, old, new, weights_before, weights_after)
        )
    difference = after.objective - before.objective
    total = f"objective {difference:+d}"
    covered_before, covered_after = before.covered_visits or 0, after.covered_visits or 0
    covers = ""
    if covered_after != covered_before:
        word = "more" if covered_after > covered_before else "fewer"
        count = abs(covered_after - covered_before)
        covers = f"{count} {word} covered visit{'s' if count != 1 else ''}"
    if not gains and not costs:
        if covers:
            return f"{covers} ({total})"
        if difference:
            return f"no change in the terms ({total})"
        return "no change (the limit does not bind)" if budget else "no change"
    cost_text = f", at the cost of {_join(costs)}" if costs else ""
    if covers and gains and covered_after > covered_before:
        return f"{covers} buy {_join(gains)}{cost_text} ({total})"
    if gains:
        lead = f"{covers}; " if covers else ""
        return f"{lead}{_join(gains)}{cost_text} ({total})"
    lead = f"{covers}; " if covers else ""
    return f"{lead}{_join(costs)} ({total})"


def _term_change(
    name: str, old: int, new: int, weights_before: dict[str, int], weights_after: dict[str, int]
) -> str:
    """A term's change in words: a count of things when the term counts them, else points."""
    old_count = _term_count(name, old, weights_before)
    new_count = _term_count(name, new, weights_after)
    if old_count is not None and new_count is not None and old_count != new_count:
        count = abs(new_count - old_count)
        word = "more" if new_count > old_count else "fewer"
        singular, plural = COUNTED[name]
        return f"{count} {word} {singular if count == 1 else plural}"
    if name in ("repeat", "team_repeat"):
        # penalties are negative: a rise is a smaller penalty
        return f"{abs(new - old)} points {'less' if new > old else 'more'} {POINTS[name]}"
    return f"{name} {new - old:+d}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def write_chart(axes: Sequence[Axis], outcomes: Sequence[VariantOutcome], path: str | Path) -> None:
    """Draw the terms and the objective against the first varied field (PNG or SVG by suffix).

    One panel per combination of the other fields' values.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise InputError(
            [Problem("--chart", f"'{target.name}' must end in .png or .svg (got '{suffix}')")]
        )
    # matplotlib takes about a second to import: loaded only when a chart is asked for
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    first, others = axes[0], axes[1:]
    contexts = list(itertools.product(*(axis.values for axis in others)))
    columns = min(3, len(contexts))
    rows = math.ceil(len(contexts) / columns)
    figure, panels = pyplot.subplots(
        rows,
        columns,
        figsize=(5.5 * columns + 2, 4 * rows),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    names = nonzero_terms(outcomes)
    by_variant = {tuple(outcome.variant.values()): outcome for outcome in outcomes}
    for number, fixed in enumerate(contexts):
        panel = panels[number // columns][number % columns]
        context = dict(zip((axis.field for axis in others), fixed, strict=True))
        series = [by_variant[_values(axes, context, first.field, value)] for value in first.values]
        for name in names:
            panel.plot(
                first.values, [item.terms.get(name, 0) for item in series], marker="o", label=name
            )
        panel.plot(
            first.values,
            [item.objective if item.objective is not None else math.nan for item in series],
            marker="s",
            color="black",
            linewidth=2.5,
            label="objective",
        )
        panel.axhline(0, color="grey", linewidth=0.6)
        panel.set_xlabel(first.field)
        panel.set_title(_label(context) if context else f"terms against {first.field}")
        panel.grid(alpha=0.3)
    for number in range(len(contexts), rows * columns):
        panels[number // columns][number % columns].set_visible(False)
    panels[0][0].set_ylabel("points")
    handles, labels = panels[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right upper", fontsize="small")
    buffer = io.BytesIO()
    # a fixed date keeps the SVG/PNG the same from run to run
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    figure.savefig(buffer, format=suffix.lstrip("."), metadata=metadata)
    pyplot.close(figure)
    write_atomic(target, buffer.getvalue())
