"""Improve's reads: campaign lists and cycles (bounded queries), and per goal the charts,
verdict, progress and flags computed from the data hub's read API (goals.py)."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet

from equity_portal.core.models import Organization

from .models import Campaign, PDSACycle


def campaign_list(
    *,
    organization: Organization,
    q: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
) -> QuerySet[Campaign]:
    campaigns = (
        Campaign.objects.filter(organization=organization)
        .select_related("owner__user")
        .annotate(cycle_count=Count("cycles", distinct=True), last_cycle=Max("cycles__start_date"))
    )
    if q:
        campaigns = campaigns.filter(name__icontains=q)
    if status:
        campaigns = campaigns.filter(status=status)
    if owner_id:
        campaigns = campaigns.filter(owner_id=owner_id)
    return campaigns.order_by("-start_date", "-id")


def campaign_cycles(*, campaign: Campaign) -> QuerySet[PDSACycle]:
    return (
        PDSACycle.objects.filter(organization=campaign.organization, campaign=campaign)
        .select_related("recorded_by", "follows")
        .order_by("number")
    )


def cycle_list(*, organization: Organization, campaign_ids=None) -> QuerySet[PDSACycle]:
    cycles = PDSACycle.objects.filter(organization=organization).select_related("campaign")
    if campaign_ids is not None:
        cycles = cycles.filter(campaign_id__in=list(campaign_ids))
    return cycles.order_by("start_date", "campaign_id", "number")
