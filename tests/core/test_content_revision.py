"""The organization's content revision and the pages memoized on it (core/revision.py): any
change of an organization's content is seen on the next request, in any process; what varies
by viewer never leaks through the memo; bulk tables keep their one-statement deletes."""

import re

import pytest
from django.db import transaction
from django.db.models.deletion import Collector
from django.urls import reverse

from commitments import services as commit_services
from data_hub.models import PublishedResult, PublishedSummary, StratifiedCount
from data_hub.quality.models import QualityCount
from equity_portal.core import revision
from equity_portal.core.models import AuditEvent, Organization
from equity_portal.core.roles import Role
from tests.data_hub_results.factories import ExtractFactory, fixture_extract

pytestmark = pytest.mark.django_db


def _revision(org) -> int:
    return Organization.objects.get(pk=org.pk).revision


def test_a_save_or_delete_in_the_organization_bumps_its_revision(org, other_org, make_member):
    before, other_before = _revision(org), _revision(other_org)
    membership = make_member(org, Role.CHAMPION)
    after_save = _revision(org)
    assert after_save > before
    membership.delete()
    assert _revision(org) > after_save
    assert _revision(other_org) == other_before


def test_saving_the_organization_bumps_and_never_writes_back_an_old_revision(org, make_member):
    stale = Organization.objects.get(pk=org.pk)
    make_member(org, Role.CHAMPION)  # bumps the revision behind `stale`'s back
    bumped = _revision(org)
    stale.suppression_k = 20
    stale.save()
    assert _revision(org) > bumped
    assert Organization.objects.get(pk=org.pk).suppression_k == 20


@pytest.mark.parametrize(
    "model", [AuditEvent, StratifiedCount, PublishedResult, PublishedSummary, QualityCount]
)
def test_bulk_tables_are_not_tracked_and_keep_fast_deletes(model):
    assert model not in revision.tracked_models()
    assert Collector(using="default").can_fast_delete(model._base_manager.all())


def test_memo_recomputes_after_a_change_and_is_per_organization(org, other_org, make_member):
    calls = []

    def compute(name):
        def run():
            calls.append(name)
            return object()

        return run

    first = revision.memoized("t", org, ("a",), compute("org"))
    assert revision.memoized("t", org, ("a",), compute("org")) is first
    assert revision.memoized("t", org, ("b",), compute("org-b")) is not first
    assert revision.memoized("t", other_org, ("a",), compute("other")) is not first
    make_member(org, Role.CHAMPION)
    assert revision.memoized("t", org, ("a",), compute("org-again")) is not first
    assert calls == ["org", "org-b", "other", "org-again"]


def test_memo_expires_and_is_bounded(org, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(revision.time, "monotonic", lambda: now[0])
    first = revision.memoized("t", org, (), object)
    now[0] += revision.MEMO_SECONDS + 1
    assert revision.memoized("t", org, (), object) is not first
    for i in range(revision.MAX_ENTRIES + 10):
        revision.memoized("t", org, (i,), object)
    assert len(revision._memo) == revision.MAX_ENTRIES


def test_overview_shows_a_new_commitment_on_the_next_request(member_client, org):
    client = member_client(org, Role.ADMIN)
    home = reverse("overview:index", kwargs={"org_slug": org.slug})
    assert "0 open commitments" in client.get(home).content.decode()
    commit_services.commitment_create(
        organization=org,
        statement="Offer an interpreter at every visit",
        owner=client.membership,
        actor=client.user,
    )
    assert "1 open commitment" in client.get(home).content.decode()


def test_quality_report_memo_varies_with_the_viewers_rights(member_client, org):
    """Exact row counts of rare spellings are for roles that manage data only: a leader who asks
    after an analyst must not get the analyst's memoized answer."""
    extract = ExtractFactory(
        organization=org,
        original_name="tiny.csv",
        rows_read=40,
        rows_accepted=37,
        rows_rejected=3,
        rejected_reasons={"period is missing": 3},
        unmapped_values={"race": {"Pacific Islnder": 4, "Whte": 25}},
    )
    url = reverse("quality:report", kwargs={"org_slug": org.slug}) + f"?extract={extract.pk}"
    exact = re.compile(r"Pacific Islnder</td>\s*<td[^>]*>\s*4\s*<")
    analyst = member_client(org, Role.ANALYST).get(url).content.decode()
    leader = member_client(org, Role.LEADER).get(url).content.decode()
    assert exact.search(analyst)
    assert not exact.search(leader) and "fewer than 11" in leader


def test_results_pages_follow_a_change_on_the_next_request(member_client, org):
    extract, (measure,) = fixture_extract(org, measures=1)
    client = member_client(org, Role.ANALYST)
    explorer = reverse("results:explorer", kwargs={"org_slug": org.slug})
    disparities = reverse("results:disparities", kwargs={"org_slug": org.slug})
    assert "Screen rate" in client.get(explorer).content.decode()
    assert "Screen rate" in client.get(disparities).content.decode()
    measure.name = "Colorectal screening"
    measure.save()
    for url in (explorer, disparities):
        html = client.get(url).content.decode()
        assert "Colorectal screening" in html and "Screen rate" not in html, url


def test_inside_a_transaction_the_bump_waits_for_the_commit_and_happens_once(
    org, make_member, monkeypatch, django_capture_on_commit_callbacks
):
    """A job's long transaction must not hold the organization's row lock: the UPDATE runs
    after the commit, once per organization however many rows changed."""
    monkeypatch.setattr(revision, "BUMP_AT_ONCE", False)
    before = _revision(org)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for role in (Role.CHAMPION, Role.ANALYST, Role.LEADER):
            make_member(org, role)
        assert _revision(org) == before  # nothing written to the organization's row yet
    assert len([c for c in callbacks if isinstance(c, revision._Bump)]) == 1
    assert _revision(org) == before + 1


def test_a_rolled_back_savepoint_still_leaves_the_bump_of_the_rest(
    org, make_member, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(revision, "BUMP_AT_ONCE", False)
    before = _revision(org)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                make_member(org, Role.CHAMPION)  # registers the bump in the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        make_member(org, Role.ANALYST)  # must register it again
    assert _revision(org) == before + 1
