"""Issue 17: after the first full relation pass, protection re-checks only the relations of
cells hidden since (a relation's verdict depends only on which of its cells are hidden). The
decisions must be exactly those of re-checking every relation in every round."""

import pytest
from hypothesis import given, settings

import equity_stats.disclosure as disclosure
from equity_stats.disclosure import build_publication, protect_publication
from tests.equity_stats.test_disclosure_property import RANDOM_EXTRACTS, extract

K = 11


def _full_passes(monkeypatch):
    original = disclosure._relation_pass
    checked = []

    def every_relation(pub, hidden, k, dirty=None):
        checked.append(dirty)
        return original(pub, hidden, k, None)

    monkeypatch.setattr(disclosure, "_relation_pass", every_relation)
    return checked


@settings(max_examples=60, deadline=None, derandomize=True)
@given(**RANDOM_EXTRACTS)
def test_incremental_relation_passes_decide_as_full_passes(seed, size, periods, skew):
    counts, quality = extract(seed, size, periods, skew)
    pub = build_publication(counts, quality)
    incremental = protect_publication(pub.cells, pub.relations, k=K)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _full_passes(monkeypatch)
        full = protect_publication(pub.cells, pub.relations, k=K)
    assert incremental.hidden == full.hidden
    assert incremental.primary == full.primary
    assert incremental.rounds == full.rounds


def test_later_rounds_check_only_the_relations_of_newly_hidden_cells(monkeypatch):
    # A skewed extract needs several rounds (stability or audit picks after the first pass).
    counts, quality = extract(seed=7, size=60, periods=4, skew=3.0)
    pub = build_publication(counts, quality)
    checked = _full_passes(monkeypatch)
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.rounds > 1
    assert checked[0] is None  # the first pass checks every relation
    later = checked[1:]
    assert later and all(dirty is not None for dirty in later)
    assert all(len(dirty) < len(pub.relations) for dirty in later)
