"""The multi-year rotation model (CP-SAT): every year's partnerships at once, no pair twice.

A boolean per (year, rotation period, admissible pair) and per (year, period, triad); no pair is
used twice over the years, nor in a year within `repeat_window_years` of its last partnership in
the history. Its objective is each year's partnership value for that year (trust and repeats aging
one year per year; visits that can only be covered cost their cover), minus `unpaired`; each year's
forced covers stay within `max_release` and `release_budget`. A greedy rotation (maximum-weight
matchings, period after period) hints it, and a flow from a virtual root counts the components of
the cumulative network for the tie-break. `rotation.plan_rotation` drives it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx
from ortools.sat.python import cp_model

from pairwise.roster.facts import pair_key, release_limits
from pairwise.roster.objective import Scoring
from pairwise.runs.multiyear.choices import MAX_TRIADS_PER_PERIOD, Group, RotationContext


class PeriodChoice(NamedTuple):
    """One rotation period's partnerships in a greedy rotation, and their value."""

    groups: set[Group]
    value: int


@dataclass
class Greedy:
    """The greedy rotation a model is hinted with: its partnerships, value and unpaired per year."""

    groups: list[list[list[Group]]]
    value: int
    unpaired: list[int]
    locks_kept: bool


class RotationModel:
    """K years of partnerships in one CP-SAT model (see the module's docstring)."""

    def __init__(self, context: RotationContext, years: list[int], *, keep_locks: bool) -> None:
        self.context = context
        self.years = years
        self.keep_locks = keep_locks
        self.model = cp_model.CpModel()
        self.pairs: dict[tuple[int, str], dict[tuple[str, str], cp_model.IntVar]] = {}
        self.triads: dict[tuple[int, str], dict[Group, cp_model.IntVar]] = {}
        self.unpaired: dict[tuple[int, str], dict[str, cp_model.IntVar]] = {}
        self.value: list[cp_model.LinearExprT] = []
        self.usage: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        """Per pair, the variables of every partnership (pair or triad) that partners it."""
        self.scores: dict[tuple[int, str], dict[Group, int]] = {}
        for k, year in enumerate(years):
            self._add_year(k, year)
        # no pair twice over the years (a triad uses each of its three pairs)
        for variables in self.usage.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)
        self.triads_of: dict[tuple[int, str], dict[str, list[Group]]] = {
            key: {} for key in self.triads
        }
        for key, triads in self.triads.items():
            for triad in triads:
                for teacher in triad:
                    self.triads_of[key].setdefault(teacher, []).append(triad)
        self._partners_enough(self.usage)
        if keep_locks and years:
            self._locks_first_year()

    def _add_year(self, k: int, year: int) -> None:
        """The k-th year's partnerships, unpaired teachers and rules, period by period."""
        scoring = Scoring(self.context.roster_for(year))
        window = self.context.roster.policy.repeat_window_years

        def allowed(a: str, b: str) -> bool:
            # a `continue` pair (the roster's own year only) may be partners again
            last = scoring.last_partnered(a, b)
            return last is None or year - last > window or scoring.continues(a, b)

        pair_score = self._pair_scores(scoring)
        for period_id, _cycles in self.context.periods:
            key = (k, period_id)
            self._add_pairs(key, year, allowed, pair_score)
            self._add_triads(key, year, allowed, pair_score)
            self.unpaired[key] = {
                teacher: self.model.new_bool_var(f"{year} {period_id} {teacher} unpaired")
                for teacher in self.context.participants
            }
            unpaired = self.context.roster.policy.weights.unpaired
            self.value += [-unpaired * u for u in self.unpaired[key].values()]
            self._one_partnership_each(key)
            self._one_triad_per_school(key)
            self._parity(key)
        self._release_limits(k)

    def _pair_scores(self, scoring: Scoring) -> dict[tuple[str, str], int]:
        """A year's score of every pair a partnership may hold (as a pair or in a triad)."""
        context = self.context
        pair_score: dict[tuple[str, str], int] = {}
        for period_id, _ in context.periods:
            for edge in context.pair_edges[period_id]:
                pair_score[edge] = scoring.pair_score(*edge)
            for triad, _covers in context.triads[period_id]:
                for a, b in itertools.combinations(triad, 2):
                    if (a, b) not in pair_score:
                        pair_score[a, b] = scoring.pair_score(a, b)
        return pair_score

    def _add_pairs(
        self,
        key: tuple[int, str],
        year: int,
        allowed: Callable[[str, str], bool],
        pair_score: dict[tuple[str, str], int],
    ) -> None:
        """A boolean per pair the year allows in the period, worth its score less forced covers."""
        _, period_id = key
        cover = self.context.roster.policy.weights.cover
        self.pairs[key] = {}
        self.scores[key] = {}
        for edge in self.context.pair_edges[period_id]:
            if not allowed(*edge):
                continue
            score = pair_score[edge] - cover * self.context.pair_covers[period_id, edge]
            self.pairs[key][edge] = self._new_group(key, year, edge, score)

    def _add_triads(
        self,
        key: tuple[int, str],
        year: int,
        allowed: Callable[[str, str], bool],
        pair_score: dict[tuple[str, str], int],
    ) -> None:
        """A boolean per triad the year allows in the period (the best `MAX_TRIADS_PER_PERIOD`)."""
        _, period_id = key
        cover = self.context.roster.policy.weights.cover
        scored = [
            (
                triad,
                sum(pair_score[a, b] for a, b in itertools.combinations(triad, 2)) - cover * covers,
            )
            for triad, covers in self.context.triads[period_id]
            if all(allowed(a, b) for a, b in itertools.combinations(triad, 2))
        ]
        if len(scored) > MAX_TRIADS_PER_PERIOD:
            # the best by score (a stable sort keeps roster order among equals)
            scored = sorted(scored, key=lambda option: -option[1])[:MAX_TRIADS_PER_PERIOD]
        self.triads[key] = {}
        for triad, score in scored:
            self.triads[key][triad] = self._new_group(key, year, triad, score)

    def _new_group(
        self, key: tuple[int, str], year: int, members: tuple[str, ...], score: int
    ) -> cp_model.IntVar:
        """A pair's or triad's boolean in the year's period: its score counted in the value, and
        the boolean in the usage of each of its pairs."""
        variable = self.model.new_bool_var(f"{year} {key[1]} {members}")
        self.scores[key][members] = score
        self.value.append(score * variable)
        for a, b in itertools.combinations(members, 2):
            self.usage.setdefault((a, b), []).append(variable)
        return variable

    def _partners_enough(self, usage: dict[tuple[str, str], list[cp_model.IntVar]]) -> None:
        """Redundant, for the proof: a teacher partnered in more periods than it has possible
        partners is a contradiction the search alone finds slowly (a triad takes two partners)."""
        partners: dict[str, set[str]] = {}
        for a, b in usage:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        taken: dict[str, list[cp_model.LinearExprT]] = {}
        for key in self.pairs:
            for (a, b), variable in self.pairs[key].items():
                taken.setdefault(a, []).append(variable)
                taken.setdefault(b, []).append(variable)
            for triad, variable in self.triads[key].items():
                for teacher in triad:
                    taken.setdefault(teacher, []).append(2 * variable)
        for teacher, terms in taken.items():
            self.model.add(sum(terms) <= len(partners.get(teacher, ())))

    # rule 7: max_release, release_budget (a year's forced covers; limits from roster.facts)
    def _release_limits(self, k: int) -> None:
        """A year's forced covers within `max_release` per teacher and `release_budget` per
        school, as the engine requires (`partnership_rules.add_forced_releases`)."""
        per_teacher: dict[str, list[cp_model.LinearExprT]] = {}
        per_school: dict[str, list[cp_model.LinearExprT]] = {}
        for period_id, _ in self.context.periods:
            chosen = [*self.pairs[k, period_id].items(), *self.triads[k, period_id].items()]
            for group, variable in chosen:
                teachers, schools = self.context.releases[period_id, group]
                for teacher, count in teachers:
                    per_teacher.setdefault(teacher, []).append(count * variable)
                for school, count in schools:
                    per_school.setdefault(school, []).append(count * variable)
        for limit in release_limits(self.context.roster, per_teacher, per_school):
            self.model.add(sum(limit.items) <= limit.limit)

    # rule 1: each participant in one partnership per year and period, or unpaired
    def _one_partnership_each(self, key: tuple[int, str]) -> None:
        incident: dict[str, list[cp_model.IntVar]] = {t: [] for t in self.context.participants}
        for (a, b), variable in self.pairs[key].items():
            incident[a].append(variable)
            incident[b].append(variable)
        for triad, variable in self.triads[key].items():
            for teacher in triad:
                incident[teacher].append(variable)
        for teacher, variables in incident.items():
            self.model.add_exactly_one([*variables, self.unpaired[key][teacher]])

    # rule 1: at most one triad per school, year and period
    def _one_triad_per_school(self, key: tuple[int, str]) -> None:
        by_school: dict[str, list[cp_model.IntVar]] = {}
        for triad, variable in self.triads[key].items():
            by_school.setdefault(self.context.school[triad[0]], []).append(variable)
        for variables in by_school.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    def _parity(self, key: tuple[int, str]) -> None:
        """Redundant, for the search: pairs take two teachers, so a school's unpaired teachers plus
        its triad have the parity of its head count (with every teacher partnered and an even count,
        no triad: CP-SAT does not see this alone and loses itself among the triads)."""
        members: dict[str, list[str]] = {}
        for teacher in self.context.participants:
            members.setdefault(self._triad_school(teacher), []).append(teacher)
        triads: dict[str, list[cp_model.IntVar]] = {}
        for triad, variable in self.triads[key].items():
            triads.setdefault(self._triad_school(triad[0]), []).append(variable)
        for school, teachers in members.items():
            halves = self.model.new_int_var(0, len(teachers) // 2, f"{key} {school} pairs")
            self.model.add(
                sum(self.unpaired[key][t] for t in teachers)
                + sum(triads.get(school, []))
                + 2 * halves
                == len(teachers)
            )

    def _triad_school(self, teacher: str) -> str:
        """The school a teacher counts in: its own, or one pool when pairs may cross schools."""
        return "" if self.context.roster.policy.cross_school_pairs else self.context.school[teacher]

    def _locks_first_year(self) -> None:
        for a, b in self.context.locks:
            holders: list[cp_model.IntVar] = []
            for period_id, _ in self.context.periods:
                key = (0, period_id)
                if (a, b) in self.pairs[key]:
                    holders.append(self.pairs[key][a, b])
                holders += [v for triad, v in self.triads[key].items() if a in triad and b in triad]
            self.model.add_bool_or(holders)  # an empty clause makes the model infeasible

    def unpaired_in_year(self, k: int) -> cp_model.LinearExprT:
        return sum(
            u for period_id, _ in self.context.periods for u in self.unpaired[k, period_id].values()
        )

    def add_components(self, hint: Sequence[Group] = ()) -> cp_model.LinearExprT:
        """Components of the cumulative network: a flow from a virtual root reaches every teacher
        along history edges and chosen pairs; each component needs one root arc of its own.
        `hint`: the partnerships of a solution, whose spanning-tree flow completes the hint."""
        roster = self.context.roster
        teachers = [teacher.id for teacher in roster.teachers]
        count = len(teachers)
        known = set(teachers)
        history_edges = {
            pair_key(entry.a, entry.b)
            for entry in roster.history
            if entry.a in known and entry.b in known and entry.a != entry.b
        }
        chosen = {pair_key(a, b): sum(variables) for (a, b), variables in self.usage.items()}
        hinted = _tree_flows(teachers, history_edges, hint)
        inflow: dict[str, list[cp_model.IntVar]] = {t: [] for t in teachers}
        outflow: dict[str, list[cp_model.IntVar]] = {t: [] for t in teachers}
        for edge in sorted(history_edges | set(chosen)):
            a, b = edge
            for source, target in ((a, b), (b, a)):
                flow = self.model.new_int_var(0, count, f"flow {source}>{target}")
                if edge not in history_edges:
                    self.model.add(flow <= count * chosen[edge])
                outflow[source].append(flow)
                inflow[target].append(flow)
                if hint:
                    self.model.add_hint(flow, hinted.get((source, target), 0))
        roots = []
        for teacher in teachers:
            root = self.model.new_bool_var(f"root {teacher}")
            flow = self.model.new_int_var(0, count, f"flow root>{teacher}")
            self.model.add(flow <= count * root)
            if hint:
                self.model.add_hint(flow, hinted.get(("", teacher), 0))
                self.model.add_hint(root, ("", teacher) in hinted)
            roots.append(root)
            arriving = [*inflow[teacher], flow]
            leaving = outflow[teacher]
            self.model.add(
                cp_model.LinearExpr.weighted_sum(
                    [*arriving, *leaving], [1] * len(arriving) + [-1] * len(leaving)
                )
                == 1
            )
        return cp_model.LinearExpr.sum(roots)

    def read(self, solver: cp_model.CpSolver) -> list[list[list[Group]]]:
        groups = []
        for k in range(len(self.years)):
            per_period = []
            for period_id, _ in self.context.periods:
                key = (k, period_id)
                chosen: list[Group] = [
                    edge for edge, v in self.pairs[key].items() if solver.boolean_value(v)
                ]
                chosen += [
                    triad for triad, v in self.triads[key].items() if solver.boolean_value(v)
                ]
                chosen.sort(key=lambda group: [self.context.index[t] for t in group])
                per_period.append(chosen)
            groups.append(per_period)
        return groups

    def greedy_hint(self, sweeps: int = 3) -> Greedy:
        """Hint the model with a good rotation: a maximum-weight matching (NetworkX, exact for one
        period) of the pairs not used yet, period after period; then each period matched again
        with the others fixed while that gains (a teacher left over joins a pair as a triad)."""
        keys = list(self.pairs)
        choice: dict[tuple[int, str], PeriodChoice] = {}
        for key in keys:
            choice[key] = self._period_choice(key, self._used(choice, skip=None))
        for _sweep in range(sweeps):
            improved = False
            for key in keys:
                better = self._period_choice(key, self._used(choice, skip=key))
                if better.value > choice[key].value:
                    choice[key] = better
                    improved = True
            if not improved:
                break
        unpaired = [0] * len(self.years)
        for key in keys:
            chosen = choice[key].groups
            partnered = {teacher for group in chosen for teacher in group}
            unpaired[key[0]] += len(self.context.participants) - len(partnered)
            for edge, variable in self.pairs[key].items():
                self.model.add_hint(variable, edge in chosen)
            for triad, variable in self.triads[key].items():
                self.model.add_hint(variable, triad in chosen)
            for teacher, variable in self.unpaired[key].items():
                self.model.add_hint(variable, teacher not in partnered)
        locks_kept = not self.keep_locks or all(
            any(
                set(lock) <= set(group)
                for (k, _), (chosen, _) in choice.items()
                if k == 0
                for group in chosen
            )
            for lock in self.context.locks
        )
        groups = [
            [
                sorted(
                    choice[k, period_id].groups, key=lambda g: [self.context.index[t] for t in g]
                )
                for period_id, _ in self.context.periods
            ]
            for k in range(len(self.years))
        ]
        value = sum(period_choice.value for period_choice in choice.values())
        return Greedy(groups, value, unpaired, locks_kept)

    def _used(
        self, choice: dict[tuple[int, str], PeriodChoice], skip: tuple[int, str] | None
    ) -> set[tuple[str, str]]:
        used: set[tuple[str, str]] = set()
        for key, (chosen, _) in choice.items():
            if key != skip:
                for group in chosen:
                    used.update(itertools.combinations(group, 2))
        return used

    def _period_choice(self, key: tuple[int, str], used: set[tuple[str, str]]) -> PeriodChoice:
        """One period's best partnerships avoiding `used` pairs (groups in roster order) and value."""
        index = self.context.index
        chosen: set[Group] = set()
        if self.keep_locks and key == next(iter(self.pairs)):
            # the first year's first period holds the locked pairs
            for lock in self.context.locks:
                taken = any(teacher in group for group in chosen for teacher in lock)
                if lock in self.pairs[key] and lock not in used and not taken:
                    chosen.add(lock)
        locked = {teacher for group in chosen for teacher in group}
        graph = nx.Graph()
        graph.add_nodes_from(t for t in self.context.participants if t not in locked)
        for edge in self.pairs[key]:
            if edge not in used and not (set(edge) & locked):
                graph.add_edge(*edge, weight=self.scores[key][edge])
        matching = nx.max_weight_matching(graph, maxcardinality=True)
        chosen |= {tuple(sorted(pair, key=index.__getitem__)) for pair in matching}
        partnered = {teacher for group in chosen for teacher in group}
        schools_with_triad: set[str] = set()
        for teacher in self.context.participants:
            if teacher in partnered:
                continue
            best: tuple[int, Group, Group] | None = None
            for triad in self.triads_of[key].get(teacher, []):
                others = tuple(t for t in triad if t != teacher)
                if others not in chosen or self._triad_school(triad[0]) in schools_with_triad:
                    continue
                if any(pair in used for pair in itertools.combinations(triad, 2)):
                    continue
                score = self.scores[key][triad]
                if best is None or score > best[0]:
                    best = (score, triad, others)
            if best is not None:
                chosen.discard(best[2])
                chosen.add(best[1])
                partnered.add(teacher)
                schools_with_triad.add(self._triad_school(best[1][0]))
        unpaired = len(self.context.participants) - len(partnered)
        value = sum(self.scores[key][group] for group in chosen)
        return PeriodChoice(chosen, value - self.context.roster.policy.weights.unpaired * unpaired)

    def hint(self, solver: cp_model.CpSolver) -> None:
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        variables: list[cp_model.IntVar] = []
        for pairs in self.pairs.values():
            variables += pairs.values()
        for triads in self.triads.values():
            variables += triads.values()
        for unpaired in self.unpaired.values():
            variables += unpaired.values()
        for variable in variables:
            self.model.add_hint(variable, solver.boolean_value(variable))


def _tree_flows(
    teachers: list[str], history_edges: set[tuple[str, str]], groups: Sequence[Group]
) -> dict[tuple[str, str], int]:
    """A flow that reaches every teacher: per component, from its first teacher (the root arc
    `("", root)`) down a breadth-first tree, each arc carrying the size of the subtree below."""
    graph = nx.Graph()
    graph.add_nodes_from(teachers)
    graph.add_edges_from(history_edges)
    graph.add_edges_from(pair for group in groups for pair in itertools.combinations(group, 2))
    flows: dict[tuple[str, str], int] = {}
    seen: set[str] = set()
    for root in teachers:
        if root in seen:
            continue
        tree = nx.bfs_tree(graph, root, sort_neighbors=sorted)
        seen.update(tree)
        below = {node: 1 for node in tree}
        for node in reversed(list(nx.topological_sort(tree))):
            for child in tree.successors(node):
                flows[node, child] = below[child]
                below[node] += below[child]
        flows["", root] = below[root]
    return flows
