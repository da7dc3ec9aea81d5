"""Disclosure control for everything one extract publishes, and the audit that proves it.

What is protected
-----------------
Every count that leaves the server: the cells of every dimension table, every intersection
and its margins (the single-dimension cells), the overall total, and the data-quality
completeness and distribution counts. A count of patients below k (k >= 11), a numerator or
its complement (n - x) below k, and a rate of exactly 0% or 100% in a small group must not be
recoverable, neither from one table nor by subtracting one published table from another.

The model
---------
A publication (one extract; the adapter in ``data_hub.disclosure`` builds it) is a set of
**cells** and **relations**:

* ``Cell(key, x, n)``: x events out of n patients; ``x=None`` for a count-only cell (patients,
  as in the data-quality report). A cell published in several tables (Hispanic or Latino in
  ``ethnicity`` and in ``race_ethnicity``) is ONE cell with one key, so it has one decision.
* ``Relation(total, members)``: the members add up to the total (x and n; only n when
  ``counts_only``), e.g. the groups of a dimension add up to the measure's total, the cells
  ``a x *`` of an intersection add up to the margin ``a``, known + Unknown + Declined add up to
  the patients of a completeness row, a completeness count equals the denominator of the same
  patients in a results table. Cells absent because they are empty are published zeros.

Protection (``protect_publication``)
------------------------------------
1. Primary rule (DESIGN §5.7): n < k, or 1 <= x <= k-1, or 1 <= n-x <= k-1; a count-only cell
   when 1 <= n <= k-1.
2. Relation rule, for each relation: when the total is shown, the hidden remainder (the total
   minus the shown members = the sum of the hidden members) must be empty or have n >= k,
   x >= k and n - x >= k (a smaller or zero remainder would bound a hidden cell inside 1..k-1
   or pin its rate to 0% or 100%), and there must never be exactly one hidden member; when the
   total is hidden, at least one member must be hidden. Otherwise one more cell is hidden: a
   shown member that raises the deficient part of the remainder, preferring a cell hidden in
   a neighbouring period of the same series (so a complement shown next quarter does not give
   this quarter's hidden denominator), then the fewest patients, then the key; the total (a
   margin) only when no member is left.
3. Stability across periods: a complement hidden with a primary cell in period t is hidden in
   the neighbouring periods where that primary cell's series is hidden too.
4. Audit (below); every cell it finds disclosed gets one more complement in one of its
   relations (same preference). Repeat 2-4 until the audit finds nothing: a fixed point,
   reached because every round hides at least one more cell. Deterministic: the same input
   gives the same decisions whatever the order of the cells.

The audit (``audit``)
---------------------
Given exactly what is published (shown cells as constants, hidden cells as unknown integers
with 0 <= x <= n) and the relations, the attacker's tightest integer bounds on every hidden
cell's x, n and n - x. A hidden cell is disclosed when its events x or non-events n - x are
pinned exactly, when the range of x, n - x or n lies inside 1..k-1, or when x or n - x can
only be 0 (rate pinned to 0% or 100%); a denominator or patient count of k or more may be
known (it could have been published). A relation is disclosed when its hidden remainder
breaks the rule above. It works per connected
component of hidden cells (components without hidden cells are skipped, identical components
are solved once), answers single-relation components in closed form, and otherwise solves
linear programs with HiGHS (``highspy``, the solver's own binding), accepting an integral
optimum as the integer bound and solving an integer program only for fractional ones; every
feasible integer point found is reused as a witness for the other checks.

Known limit
-----------
The audit assumes the attacker knows only what is published for the extract. Someone with
outside knowledge (that the panel of patients is stable between periods, a patient's own
record, another organization's figures) can still narrow a range; the stable complements
of step 3 make the common cross-period subtraction fail, but do not prove it impossible.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from .constants import DECLINED, UNKNOWN
from .suppression import check_k

__all__ = [
    "Cell",
    "Relation",
    "Finding",
    "AuditReport",
    "Decisions",
    "primary_cells",
    "protect_publication",
    "audit",
]

_TOL = 1e-6


@dataclass(frozen=True)
class Cell:
    """One published count: x events of n patients (x None: a count of patients only).

    ``series`` and ``period`` (optional) say which cells are the same group in other
    periods (e.g. series (measure, dimension, group), period an ordinal) for the
    cross-period rule."""

    key: Hashable
    x: int | None
    n: int
    series: Hashable | None = None
    period: int | None = None

    @property
    def counts_only(self) -> bool:
        return self.x is None


@dataclass(frozen=True)
class Relation:
    """sum(members) == total, for x and n (only n when counts_only)."""

    total: Hashable
    members: tuple
    counts_only: bool = False


@dataclass(frozen=True)
class Finding:
    """One disclosure: a hidden cell's quantity ('x', 'n', 'n-x') with the attacker's
    integer bounds, or a relation's remainder (cell is None, relation its index)."""

    reason: str  # "pinned", "below k", "rate pinned", "remainder below k", "single hidden"
    quantity: str
    low: float
    high: float
    cell: Hashable | None = None
    relation: int | None = None


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    cells_audited: int = 0
    components: int = 0
    programs_solved: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.findings

    def disclosed_cells(self) -> set:
        return {f.cell for f in self.findings if f.cell is not None}


@dataclass
class Decisions:
    """Which cells are hidden, and why."""

    hidden: frozenset
    primary: frozenset
    report: AuditReport
    rounds: int = 0
    seconds: float = 0.0

    @property
    def secondary(self) -> frozenset:
        return self.hidden - self.primary

    def is_hidden(self, key) -> bool:
        return key in self.hidden

    def figures(self) -> dict:
        """Provenance figures: cells audited, cells protected, seconds."""
        return {
            "cells_audited": self.report.cells_audited,
            "cells_protected": len(self.hidden),
            "primary": len(self.primary),
            "secondary": len(self.secondary),
            "programs_solved": self.report.programs_solved,
            "audit_passed": self.report.passed,
            "seconds": round(self.seconds, 3),
        }


# --------------------------------------------------------------------------- primary


def primary_cells(cells: Iterable[Cell], k: int) -> set:
    k = check_k(k)
    out = set()
    for c in cells:
        if c.x is None:
            if 1 <= c.n <= k - 1:
                out.add(c.key)
        elif c.n < k or 1 <= c.x <= k - 1 or 1 <= c.n - c.x <= k - 1:
            out.add(c.key)
    return out


# --------------------------------------------------------------------------- structure


class _Pub:
    """Cells and relations indexed by position, validated once."""

    def __init__(self, cells: Sequence[Cell], relations: Sequence[Relation]):
        self.cells: dict = {}
        for c in cells:
            if c.key in self.cells:
                if self.cells[c.key] != c:
                    raise ValueError(f"cell {c.key!r} given twice with different counts")
                continue
            if c.n < 0 or (c.x is not None and not 0 <= c.x <= c.n):
                raise ValueError(f"implausible counts in cell {c.key!r}")
            self.cells[c.key] = c
        self.relations = list(relations)
        self.of_cell: dict = {key: [] for key in self.cells}
        for i, r in enumerate(self.relations):
            for key in (r.total, *r.members):
                if key not in self.cells:
                    raise ValueError(f"relation {i} names unknown cell {key!r}")
                self.of_cell[key].append(i)
        # Sort keys for deterministic tie-breaks (keys of mixed types compare by repr).
        self.rank = {key: i for i, key in enumerate(sorted(self.cells, key=_sort_key))}
        self.partners: dict = {}
        self.by_series: dict = {}
        for c in self.cells.values():
            if c.series is not None and c.period is not None:
                self.by_series.setdefault(c.series, {})[c.period] = c.key
        # Each cell's previous and next period of its series, once (asked thousands of times).
        self._neighbours: dict = {}
        for periods in self.by_series.values():
            ordered = [periods[p] for p in sorted(periods)]
            for i, key in enumerate(ordered):
                self._neighbours[key] = ordered[max(i - 1, 0) : i] + ordered[i + 1 : i + 2]

    def neighbours(self, key) -> list:
        """The cells of the same series in the previous and the next period (if any)."""
        return self._neighbours.get(key, [])


def _sort_key(key):
    if isinstance(key, tuple):
        return tuple(str(part) for part in key)
    return (str(key),)


def _values(cell: Cell) -> tuple[int, int, int]:
    x = 0 if cell.x is None else cell.x
    return x, cell.n, cell.n - x


# --------------------------------------------------------------------------- relation rule


def _relation_deficit(pub: _Pub, rel: Relation, hidden: set, k: int):
    """None when the relation is safe, else (reason, deficient quantities)."""
    members_hidden = [m for m in rel.members if m in hidden]
    counts_only = rel.counts_only or all(pub.cells[m].counts_only for m in members_hidden)
    if rel.total in hidden:
        if members_hidden:
            return None
        # The hidden total is the sum of the shown members.
        total = pub.cells[rel.total]
        if counts_only or total.counts_only:
            return ("single hidden", ("n",)) if 1 <= total.n <= k - 1 else None
        return ("single hidden", ("n",)) if total.n > 0 else None
    if not members_hidden:
        return None
    rx = rn = 0
    for m in members_hidden:
        x, n, _ = _values(pub.cells[m])
        rx += x
        rn += n
    rc = rn - rx
    if counts_only:
        # A count of patients at or above k may be known (it could be published).
        return ("remainder below k", ("n",)) if 1 <= rn <= k - 1 else None
    if len(members_hidden) == 1:
        return ("single hidden", ("n",)) if rn > 0 else None
    short = tuple(q for q, v in (("x", rx), ("n-x", rc), ("n", rn)) if v < k)
    return ("remainder below k", short) if short else None


def _preference(pub: _Pub, hidden: set, key):
    near = any(nb in hidden for nb in pub.neighbours(key))
    return (not near, pub.cells[key].n, pub.rank[key])


def _pick(pub: _Pub, rel: Relation, hidden: set, short: Sequence[str]):
    """The shown cell of a failing relation to hide next (None if nothing is left)."""
    shown = [m for m in rel.members if m not in hidden]
    if shown:
        useful = shown
        for q in short:
            idx = {"x": 0, "n": 1, "n-x": 2}[q]
            helpful = [m for m in shown if _values(pub.cells[m])[idx] > 0]
            if rel.counts_only and q != "n":
                continue
            if helpful:
                useful = helpful
                break
        return min(useful, key=lambda m: _preference(pub, hidden, m))
    if rel.total not in hidden:
        return rel.total
    return None


def _pick_near(pub: _Pub, finding: Finding, hidden: set):
    """One more cell to hide for an audit finding: from the relations of the disclosed
    cell, else from those one hidden cell further away, and so on (the value may be pinned
    through a chain of hidden cells)."""
    seen_rels: set = set()
    seen_cells: set = set()
    frontier = [finding.cell] if finding.cell is not None else []
    rels = [finding.relation] if finding.cell is None else []
    while frontier or rels:
        for key in frontier:
            seen_cells.add(key)
            rels.extend(i for i in pub.of_cell[key] if i not in seen_rels)
        rels = sorted(set(rels) - seen_rels)
        seen_rels.update(rels)
        options = []
        next_frontier = set()
        for i in rels:
            rel = pub.relations[i]
            pick = _pick(pub, rel, hidden, ("x", "n-x", "n"))
            if pick is not None:
                options.append(pick)
            next_frontier.update(
                c for c in (rel.total, *rel.members) if c in hidden and c not in seen_cells
            )
        if options:
            return min(options, key=lambda m: _preference(pub, hidden, m))
        frontier = sorted(next_frontier, key=pub.rank.__getitem__)
        rels = []
    return None


def _relation_pass(pub: _Pub, hidden: set, k: int, dirty: set | None = None) -> int:
    """Apply the relation rule until no relation fails; returns cells hidden. `dirty`: the
    relations to check first (default all). A relation's verdict depends only on which of
    its cells are hidden, so after a full pass only the relations of cells hidden since can
    change."""
    added = 0
    dirty = set(range(len(pub.relations))) if dirty is None else dirty
    while dirty:
        picks = []
        for i in sorted(dirty):
            rel = pub.relations[i]
            deficit = _relation_deficit(pub, rel, hidden, k)
            if deficit is not None:
                pick = _pick(pub, rel, hidden, deficit[1])
                if pick is not None:
                    picks.append(pick)
        dirty = set()
        for pick in sorted(set(picks), key=pub.rank.__getitem__):
            if pick not in hidden:
                hidden.add(pick)
                added += 1
                dirty.update(pub.of_cell[pick])
    return added


def _stability_pass(pub: _Pub, hidden: set, primary: set) -> set:
    """A complement hidden with a primary cell in one period is hidden in the neighbouring
    periods where that primary cell's series is hidden too. Returns the cells it hid."""
    added = []
    for key in sorted(hidden - primary, key=pub.rank.__getitem__):
        cell = pub.cells[key]
        if cell.series is None:
            continue
        partners = pub.partners.get(key)
        if partners is None:  # the primary cells sharing a relation with this one
            partners = set()
            for i in pub.of_cell[key]:
                rel = pub.relations[i]
                partners.update(m for m in (rel.total, *rel.members) if m in primary)
            partners.discard(key)
            pub.partners[key] = partners
        for nb in pub.neighbours(key):
            if nb in hidden:
                continue
            nb_period = pub.cells[nb].period
            for p in partners:
                series = pub.cells[p].series
                other = pub.by_series.get(series, {}).get(nb_period) if series else None
                if other is not None and other in hidden:
                    added.append(nb)
                    break
    hidden.update(added)
    return set(added)


# --------------------------------------------------------------------------- protect


def protect_publication(
    cells: Sequence[Cell],
    relations: Sequence[Relation],
    *,
    k: int,
    max_rounds: int = 1000,
) -> Decisions:
    """Decide which cells to hide so that the audit passes (see the module docstring)."""
    start = time.perf_counter()
    k = check_k(k)
    pub = _Pub(cells, relations)
    primary = primary_cells(pub.cells.values(), k)
    hidden = set(primary)
    cache: dict = {}
    report = AuditReport()
    rounds = 0
    dirty = None  # the relations to check: all of them first, then those of newly hidden cells
    while rounds < max_rounds:
        rounds += 1
        _relation_pass(pub, hidden, k, dirty)
        stabilized = _stability_pass(pub, hidden, primary)
        if stabilized:
            dirty = {i for key in stabilized for i in pub.of_cell[key]}
            continue
        report = _audit(pub, hidden, k, cache)
        if report.passed:
            break
        picks = set()
        for finding in report.findings:
            pick = _pick_near(pub, finding, hidden)
            if pick is not None:
                picks.add(pick)
        picks -= hidden
        if not picks:
            break  # nothing left to hide: the report says what remains disclosed
        hidden.update(picks)
        dirty = {i for key in picks for i in pub.of_cell[key]}
    return Decisions(
        hidden=frozenset(hidden),
        primary=frozenset(primary),
        report=report,
        rounds=rounds,
        seconds=time.perf_counter() - start,
    )


# --------------------------------------------------------------------------- audit


def audit(
    cells: Sequence[Cell], relations: Sequence[Relation], hidden: Iterable, *, k: int
) -> AuditReport:
    """What an attacker can derive about the hidden cells from the shown ones and the
    relations (see the module docstring). ``report.passed`` when nothing is disclosed."""
    k = check_k(k)
    pub = _Pub(cells, relations)
    hidden = set(hidden)
    unknown = hidden - set(pub.cells)
    if unknown:
        raise ValueError(f"hidden cells not in the publication: {sorted(map(str, unknown))[:3]}")
    return _audit(pub, hidden, k, {})


def _audit(pub: _Pub, hidden: set, k: int, cache: dict) -> AuditReport:
    start = time.perf_counter()
    report = AuditReport(cells_audited=len(hidden))
    # Relation remainders (closed form).
    active = []
    for i, rel in enumerate(pub.relations):
        if rel.total not in hidden and not any(m in hidden for m in rel.members):
            continue
        active.append(i)
        deficit = _relation_deficit(pub, rel, hidden, k)
        if deficit is not None and deficit[0] == "remainder below k":
            report.findings.append(
                Finding("remainder below k", ",".join(deficit[1]), 0, 0, relation=i)
            )
    # Connected components of hidden cells.
    parent = {h: h for h in hidden}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in active:
        rel = pub.relations[i]
        hs = [c for c in (rel.total, *rel.members) if c in hidden]
        for other in hs[1:]:
            ra, rb = find(hs[0]), find(other)
            if ra != rb:
                parent[max(ra, rb, key=pub.rank.__getitem__)] = min(
                    ra, rb, key=pub.rank.__getitem__
                )
    comps: dict = {}
    for h in hidden:
        comps.setdefault(find(h), []).append(h)
    rel_of_comp: dict = {}
    for i in active:
        rel = pub.relations[i]
        first = next(c for c in (rel.total, *rel.members) if c in hidden)
        rel_of_comp.setdefault(find(first), []).append(i)
    for root in sorted(comps, key=pub.rank.__getitem__):
        report.components += 1
        members = sorted(comps[root], key=pub.rank.__getitem__)
        rels = rel_of_comp.get(root, [])
        # Within one publication a component is determined by its hidden cells (every
        # hidden cell of its relations is in it): re-audits skip unchanged components.
        fast_key = ("members", tuple(members))
        if fast_key in cache:
            findings, programs = cache[fast_key], 0
        else:
            findings, programs = _component(pub, members, rels, hidden, k)
            cache[fast_key] = findings
        report.findings.extend(findings)
        report.programs_solved += programs
    report.seconds = time.perf_counter() - start
    return report


def _component(pub: _Pub, members: list, rels: list, hidden: set, k: int):
    """Findings for one component of hidden cells (and the programs solved)."""
    if len(rels) <= 1:
        # Closed form: with one relation, a hidden member ranges over 0..remainder (the
        # others can absorb everything), a hidden total is bounded below only; so the only
        # disclosures are a lone hidden cell (pinned) and a small remainder (reported with
        # the relation).
        if not rels:
            return [], 0
        rel = pub.relations[rels[0]]
        deficit = _relation_deficit(pub, rel, hidden, k)
        if deficit is not None and deficit[0] == "single hidden":
            out = []
            for key in members:
                x, n, c = _values(pub.cells[key])
                if n < k:
                    out.append(Finding("pinned", "n", n, n, cell=key))
                if not pub.cells[key].counts_only:
                    out.append(Finding("pinned", "x", x, x, cell=key))
                    out.append(Finding("pinned", "n-x", c, c, cell=key))
            return out, 0
        return [], 0
    # Variables: n per hidden cell, x per hidden rate cell.
    var = {}
    truth = []
    for key in members:
        c = pub.cells[key]
        var[(key, "n")] = len(truth)
        truth.append(c.n)
        if not c.counts_only:
            var[(key, "x")] = len(truth)
            truth.append(c.x)
    rows, rhs = [], []
    for i in rels:
        rel = pub.relations[i]
        quantities = ("n",) if rel.counts_only else ("x", "n")
        for q in quantities:
            row = {}
            const = 0
            for key, sign in ((rel.total, 1), *((m, -1) for m in rel.members)):
                cell = pub.cells[key]
                if q == "x" and cell.counts_only:
                    continue  # a count-only cell has no events in a rate relation
                if key in hidden:
                    j = var[(key, q)]
                    row[j] = row.get(j, 0) + sign
                else:
                    const -= sign * (cell.n if q == "n" else cell.x)
            row = {j: v for j, v in row.items() if v}
            if row:
                rows.append(tuple(sorted(row.items())))
                rhs.append(const)
    found, programs = _solve(members, var, truth, rows, rhs, k)
    return [
        Finding(f.reason, f.quantity, f.low, f.high, cell=members[f.cell]) for f in found
    ], programs


class _LinearProgram:
    """min c.v subject to the equality rows (= b_eq), x <= n for each (x, n) pair, v >= 0,
    built once and re-solved for each objective (HiGHS keeps its basis: a warm start).

    `eq_rows`: one tuple of (variable, coefficient) per row, no variable twice in a row.
    The matrix goes to HiGHS column-wise, built with numpy (no sparse-matrix library)."""

    def __init__(self, nv: int, eq_rows: Sequence[tuple], b_eq, pairs: Sequence[tuple]):
        self.nv = nv
        self.index = np.arange(nv, dtype=np.int32)
        rows = [r for r, row in enumerate(eq_rows) for _ in row]
        cols = [j for row in eq_rows for j, _ in row]
        vals = [float(v) for row in eq_rows for _, v in row]
        n_eq = len(eq_rows)
        for i, (x, n) in enumerate(pairs):
            rows += [n_eq + i, n_eq + i]
            cols += [x, n]
            vals += [1.0, -1.0]
        r = np.asarray(rows, dtype=np.int32)
        c = np.asarray(cols, dtype=np.int32)
        order = np.lexsort((r, c))
        start = np.zeros(nv + 1, dtype=np.int32)
        np.cumsum(np.bincount(c, minlength=nv), out=start[1:])
        inf = highspy.kHighsInf
        b_eq = np.asarray(b_eq, dtype=float)
        lp = highspy.HighsLp()
        lp.num_col_ = nv
        lp.num_row_ = n_eq + len(pairs)
        lp.col_cost_ = np.zeros(nv)
        lp.col_lower_ = np.zeros(nv)
        lp.col_upper_ = np.full(nv, inf)
        lp.row_lower_ = np.concatenate([b_eq, np.full(len(pairs), -inf)])
        lp.row_upper_ = np.concatenate([b_eq, np.zeros(len(pairs))])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = r[order]
        lp.a_matrix_.value_ = np.asarray(vals, dtype=float)[order]
        lp.a_matrix_.num_col_ = nv
        lp.a_matrix_.num_row_ = lp.num_row_
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # keep the basis between objectives
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 4)  # primal: fastest after an objective change
        if h.passModel(lp) != highspy.HighsStatus.kOk:
            raise RuntimeError("HiGHS rejected the model")
        self.highs = h
        self.mip = None

    def solve(self, c) -> tuple[str, np.ndarray | None]:
        h = self.highs
        h.changeColsCost(self.nv, self.index, np.asarray(c, dtype=float))
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", np.asarray(h.getSolution().col_value, dtype=float)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return "unbounded", None
        return "infeasible", None

    def integer_optimum(self, c, target: float | None = None):
        """min c.v over integers: the point, or None when unbounded/failed.

        `target`: any integer point with c.v <= target will do (it settles the check that
        asked), so the search stops at the first such incumbent instead of proving the
        optimum; without one, or when no point reaches it, the optimum. Every point returned
        is feasible: a witness either way.

        The integer program is a second HiGHS model of the same rows (built once per
        component). With a target, first a feasibility program (zero objective, the row
        c.v <= target added): the first integer point found ends it. Only when there is
        none (a disclosure: rare) is the optimum itself computed."""
        if self.mip is None:
            mip = highspy.Highs()
            mip.setOptionValue("output_flag", False)
            if mip.passModel(self.highs.getLp()) != highspy.HighsStatus.kOk:
                raise RuntimeError("HiGHS rejected the integer model")
            integer = np.full(self.nv, highspy.HighsVarType.kInteger)
            mip.changeColsIntegrality(self.nv, self.index, integer)
            self.mip = mip
        mip = self.mip
        c = np.asarray(c, dtype=float)
        ok = (highspy.HighsModelStatus.kOptimal,)
        if target is not None:
            nz = np.flatnonzero(c).astype(np.int32)
            rows = mip.getNumRow()
            mip.addRow(-highspy.kHighsInf, float(target), len(nz), nz, c[nz])
            mip.changeColsCost(self.nv, self.index, np.zeros(self.nv))
            try:
                mip.run()
                if mip.getModelStatus() in ok:
                    return np.round(np.asarray(mip.getSolution().col_value, dtype=float))
            finally:
                mip.deleteRows(1, np.asarray([rows], dtype=np.int32))
        mip.changeColsCost(self.nv, self.index, c)
        mip.run()
        if mip.getModelStatus() not in ok:
            return None
        return np.round(np.asarray(mip.getSolution().col_value, dtype=float))


def _solve(members, var, truth, rows, rhs, k):
    """Integer bounds checks on one component; findings carry the member index as cell.

    Each check is a quantity (n, x or n - x of a hidden cell) and what would rule its
    disclosure out: some integer solution where it is not the true value (x, n - x), at
    k or above or 0 (a value inside 1..k-1), at 1 or above (a zero that would pin a rate).
    The true numbers are the first witness; grouped and per-quantity programs find more."""
    nv = len(truth)
    truth_arr = np.asarray(truth, dtype=float)
    # The quantities to check: member index, name, variable a minus variable b (or -1).
    m_idx, names, ia, ib = [], [], [], []
    for m_i, key in enumerate(members):
        jn = var[(key, "n")]
        if 1 <= truth[jn] <= k - 1:  # a count of k or more may be known
            m_idx.append(m_i), names.append("n"), ia.append(jn), ib.append(-1)
        if (key, "x") in var and truth[jn] > 0:  # an empty cell has no rate
            jx = var[(key, "x")]
            m_idx.append(m_i), names.append("x"), ia.append(jx), ib.append(-1)
            m_idx.append(m_i), names.append("n-x"), ia.append(jn), ib.append(jx)
    if not m_idx:
        return [], 0
    ia = np.asarray(ia, dtype=np.intp)
    ib = np.asarray(ib, dtype=np.intp)
    has_b = ib >= 0
    ib_safe = np.where(has_b, ib, 0)

    def values(point):
        return point[ia] - np.where(has_b, point[ib_safe], 0.0)

    targets = values(truth_arr)

    def satisfied_by(vals: np.ndarray) -> np.ndarray:
        return np.where(
            targets == 0,
            vals >= 1,
            np.where(targets >= k, vals != targets, (vals >= k) | (vals == 0)),
        )

    def objective(mask, weight=1.0):
        c = np.zeros(nv)
        weight = np.broadcast_to(np.asarray(weight, dtype=float), (int(mask.sum()),))
        np.add.at(c, ia[mask], weight)
        np.add.at(c, ib[mask & has_b], -weight[has_b[mask]])
        return c

    pairs = [(var[(key, "x")], var[(key, "n")]) for key in members if (key, "x") in var]
    programs = 0
    lp_cache: list = []

    def lp():
        if not lp_cache:
            lp_cache.append(_LinearProgram(nv, rows, rhs, pairs))
        return lp_cache[0]

    def lp_point(c):
        """An integral optimal vertex of min c.v (no integer program), or None."""
        nonlocal programs
        programs += 1
        status, point = lp().solve(c)
        if status != "optimal" or np.any(np.abs(point - np.round(point)) > _TOL):
            return None
        return np.round(point)

    def optimise(c, target):
        """Integer minimum of c.v: (value, point) or (-inf, None) when unbounded. With a
        fractional LP optimum, an integer point reaching `target` (c.v <= target: the check
        is settled) ends the search early; the value is then that point's."""
        nonlocal programs
        programs += 1
        status, point = lp().solve(c)
        if status == "unbounded":
            return -np.inf, None
        if status != "optimal":
            raise RuntimeError("audit: the published numbers are inconsistent")
        if np.any(np.abs(point - np.round(point)) > _TOL):
            programs += 1
            point = lp().integer_optimum(c, target)
            if point is None:
                return -np.inf, None
        point = np.round(point)
        return float(c @ point), point

    done = satisfied_by(targets)

    def settle(c) -> bool:
        """Solve min c.v; an integral vertex is a witness. True when it settled a check."""
        nonlocal done
        if done.all() or not c.any():
            return False
        point = lp_point(c)
        if point is None:
            return False
        newly = satisfied_by(values(point)) & ~done
        done |= newly
        return bool(newly.any())

    # Objectives that move many quantities at once: every open quantity pushed up together
    # (then down together) while that settles some, then two fixed pseudo-random
    # directions. The per-quantity programs below run only for what is left.
    for sense in (+1, -1):
        for _ in range(8):
            if done.all() or not settle(-sense * objective(~done)):
                break
    # Then each open quantity pushed its own (pseudo-random, fixed) way, while that helps.
    rng = np.random.default_rng(nv)
    misses = 0
    while not done.all() and misses < 2:
        open_ = ~done
        weights = rng.choice((-1.0, 1.0), size=int(open_.sum()))
        misses = 0 if settle(-objective(open_, weights)) else misses + 1
    found = []
    for i in np.flatnonzero(~done):
        if done[i]:
            continue
        t, name, m_i = targets[i], names[i], m_idx[i]
        one = np.zeros(len(targets), dtype=bool)
        one[i] = True
        c = objective(one)
        # What settles the check from above: a value >= 1 (t = 0), >= k (0 < t < k), > t.
        neg_hi, point = optimise(-c, -(1 if t == 0 else k if t < k else t + 1))
        hi = -neg_hi
        if point is not None:
            done |= satisfied_by(values(point))
        if done[i] or (t == 0 and hi >= 1) or (t >= k and hi != t) or (0 < t < k and hi >= k):
            continue
        if t == 0:
            reason = "rate pinned" if name != "n" else "pinned"
            found.append(Finding(reason, name, 0, hi, cell=m_i))
            continue
        # ... and from below: 0 (0 < t < k) or < t (t >= k).
        lo, point = optimise(c, 0 if t < k else t - 1)
        if point is not None:
            done |= satisfied_by(values(point))
        if done[i] or (t >= k and lo != t) or (0 < t < k and lo == 0):
            continue
        reason = "pinned" if lo == hi else "below k"
        found.append(Finding(reason, name, lo, hi, cell=m_i))
    return found, programs


# --------------------------------------------------------------------------- publication


HISPANIC = "Hispanic or Latino"
OVERALL = "all"
SEPARATOR = " x "
ALL_SITES = "All sites"
SHARED_CELLS = ((("ethnicity", HISPANIC), ("race_ethnicity", HISPANIC)),)
"""Cells of different tables that hold the same patients (one cell, one decision)."""
CATEGORIES = ("known", UNKNOWN, DECLINED)


@dataclass
class Publication:
    """What one extract publishes, as cells and relations, with the key of every row."""

    cells: list[Cell]
    relations: list[Relation]
    result_keys: list  # one per row of the counts frame, in order
    quality_keys: dict  # (period_start, granularity, site, dimension, category) -> key
    group_keys: dict  # (period_start, granularity, site, dimension, group) -> key


def _result_key(measure, start, granularity, dimension, group):
    for shared in SHARED_CELLS:
        if (dimension, group) in shared:
            return ("r", measure, start, granularity, "|".join(d for d, _ in shared), group)
    return ("r", measure, start, granularity, dimension, group)


def build_publication(counts, quality=None, *, distribution_periods=None) -> Publication:
    """Cells and relations of an extract's publication.

    ``counts``: one row per measure x period x dimension x group with columns measure,
    period_start, granularity, dimension, group, numerator, denominator (dimension "all" =
    the measure's total; intersections "a x b" with groups "ga x gb"). ``quality``
    (optional): one row per period x site x dimension x group of patients (columns
    period_start, granularity, site, dimension, group, patients; site "All sites" counts
    each patient once). ``distribution_periods``: the (period_start, granularity) whose
    per-group patient counts are published too (default: the latest).

    Relations: each dimension's groups add up to the measure's total; each row and column
    of an intersection adds up to its margin; known + Unknown + Declined = patients per
    completeness row; the published groups add up to known; the sites add up to all sites
    (when they do: a patient can attend two sites); and a completeness count equals the
    denominator of the same patients in a results table when the measure's total is the
    period's patients (the link an attacker would see). Cells of SHARED_CELLS are one.
    """
    cells: dict = {}
    relations: list[Relation] = []
    m = counts["measure"].tolist()
    s = counts["period_start"].tolist()
    g = counts["granularity"].tolist()
    d = counts["dimension"].tolist()
    grp = counts["group"].tolist()
    x = counts["numerator"].astype("int64").tolist()
    n = counts["denominator"].astype("int64").tolist()
    # Period ordinal per measure (for the cross-period rule).
    ordinal = {}
    for key in sorted({(mi, gi, si) for mi, gi, si in zip(m, g, s, strict=True)}, key=str):
        ordinal.setdefault((key[0], key[1]), []).append(key[2])
    ordinal = {
        (mi, gi, si): i for (mi, gi), starts in ordinal.items() for i, si in enumerate(starts)
    }
    result_keys = []
    tables: dict = {}
    for i in range(len(m)):
        key = _result_key(m[i], s[i], g[i], d[i], grp[i])
        result_keys.append(key)
        if key not in cells:
            cells[key] = Cell(
                key,
                x[i],
                n[i],
                series=(m[i], g[i], key[4], grp[i]),
                period=ordinal[(m[i], g[i], s[i])],
            )
        tables.setdefault((m[i], s[i], g[i]), {}).setdefault(d[i], []).append((grp[i], key))
    totals_n = {}
    for (mi, si, gi), dims in tables.items():
        total = dims.get(OVERALL)
        total_key = total[0][1] if total else None
        if total_key is not None:
            totals_n[(mi, si, gi)] = cells[total_key].n
        singles = {dim: dict(rows) for dim, rows in dims.items() if SEPARATOR not in dim}
        for dim, rows in dims.items():
            if dim == OVERALL:
                continue
            if SEPARATOR not in dim:
                if total_key is not None:
                    relations.append(Relation(total_key, tuple(k for _, k in rows)))
                continue
            parts = dim.split(SEPARATOR)
            for side, part in enumerate(parts):
                margins = singles.get(part)
                if margins is None:
                    continue
                lines: dict = {}
                for group, key in rows:
                    levels = group.split(SEPARATOR)
                    if len(levels) == len(parts):
                        lines.setdefault(levels[side], []).append(key)
                for level, keys in lines.items():
                    if level in margins:
                        relations.append(Relation(margins[level], tuple(keys)))
    quality_keys: dict = {}
    group_keys: dict = {}
    if quality is not None and len(quality):
        _quality(quality, cells, relations, quality_keys, group_keys, distribution_periods)
        _links(tables, cells, relations, quality_keys, group_keys, totals_n)
    return Publication(list(cells.values()), relations, result_keys, quality_keys, group_keys)


def _quality(quality, cells, relations, quality_keys, group_keys, distribution_periods):
    columns = ("period_start", "granularity", "site", "dimension", "group", "patients")
    per_row: dict = {}
    # Lists, not itertuples: pandas 3 iterates Arrow-backed text one scalar at a time.
    for start, gran, site, dim, group, patients in zip(
        *(quality[c].tolist() for c in columns), strict=True
    ):
        category = group if group in (UNKNOWN, DECLINED) else "known"
        entry = per_row.setdefault((start, gran, site, dim), {"groups": {}})
        entry["groups"][group] = int(patients)
        entry[category] = entry.get(category, 0) + int(patients)
    if distribution_periods is None:
        latest = max((start, gran) for start, gran, _, _ in per_row) if per_row else None
        distribution_periods = {latest} if latest else set()
    periods = sorted({(start, gran) for start, gran, _, _ in per_row}, key=str)
    rank = {p: i for i, p in enumerate(periods)}
    for (start, gran, site, dim), entry in per_row.items():
        keys = {}
        for category in ("patients", *CATEGORIES):
            value = (
                sum(entry["groups"].values()) if category == "patients" else entry.get(category, 0)
            )
            key = ("q", start, gran, site, dim, category)
            cells[key] = Cell(
                key, None, value, series=("q", site, dim, category), period=rank[(start, gran)]
            )
            keys[category] = key
            quality_keys[(start, gran, site, dim, category)] = key
        relations.append(
            Relation(keys["patients"], tuple(keys[c] for c in CATEGORIES), counts_only=True)
        )
        if site == ALL_SITES and (start, gran) in distribution_periods:
            known = []
            for group, value in entry["groups"].items():
                if group in (UNKNOWN, DECLINED):
                    group_keys[(start, gran, site, dim, group)] = keys[group]
                    continue
                key = ("q", start, gran, site, dim, "group", group)
                cells[key] = Cell(key, None, value)
                group_keys[(start, gran, site, dim, group)] = key
                known.append(key)
            if known:
                relations.append(Relation(keys["known"], tuple(known), counts_only=True))
    # Sites add up to all sites, where they do in these numbers.
    by_period: dict = {}
    for start, gran, site, dim in per_row:
        if site != ALL_SITES:
            by_period.setdefault((start, gran, dim), []).append(site)
    for (start, gran, dim), sites in by_period.items():
        if (start, gran, ALL_SITES, dim) not in per_row:
            continue
        for category in ("patients", *CATEGORIES):
            total = quality_keys[(start, gran, ALL_SITES, dim, category)]
            members = tuple(quality_keys[(start, gran, site, dim, category)] for site in sites)
            if sum(cells[k].n for k in members) == cells[total].n:
                relations.append(Relation(total, members, counts_only=True))


def _links(tables, cells, relations, quality_keys, group_keys, totals_n):
    """A completeness count is the denominator of the same patients in a results table
    when the measure's total is the period's patients."""
    for (measure, start, gran), dims in tables.items():
        total = totals_n.get((measure, start, gran))
        for dim in ("race", "ethnicity", "language"):
            patients = quality_keys.get((start, gran, ALL_SITES, dim, "patients"))
            if patients is None or cells[patients].n != total or dim not in dims:
                continue
            rows = dict(dims[dim])
            known_members = []
            for group, key in rows.items():
                category = group if group in (UNKNOWN, DECLINED) else "known"
                if category == "known":
                    known_members.append(key)
                q_key = group_keys.get((start, gran, ALL_SITES, dim, group))
                if q_key is None and category != "known":
                    q_key = quality_keys.get((start, gran, ALL_SITES, dim, category))
                if q_key is not None and cells[q_key].n == cells[key].n:
                    relations.append(Relation(q_key, (key,), counts_only=True))
            known = quality_keys[(start, gran, ALL_SITES, dim, "known")]
            if known_members and sum(cells[k].n for k in known_members) == cells[known].n:
                relations.append(Relation(known, tuple(known_members), counts_only=True))
        sites = dict(dims.get("site", []))
        for site, key in sites.items():
            for dim in ("race", "ethnicity", "language"):
                q_key = quality_keys.get((start, gran, site, dim, "patients"))
                if q_key is not None and cells[q_key].n == cells[key].n:
                    relations.append(Relation(q_key, (key,), counts_only=True))
