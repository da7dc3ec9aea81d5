"""Background jobs: claimed once; the progress fragment polls while running and asks the page
to reload when finished; another organization's job is a 404."""

import pytest
from django.urls import reverse

from equity_portal.core.jobs import job_claim, job_create, job_finish, job_progress, job_requeue
from equity_portal.core.models import Job
from equity_portal.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(org):
    return job_create(organization=org, kind="test", created_by=None)


def status_url(job):
    return reverse("core:job_status", kwargs={"org_slug": job.organization.slug, "pk": job.pk})


def test_a_job_is_claimed_only_once(job):
    assert job_claim(job_id=job.pk) is True
    assert job_claim(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1 and job.started_at


def test_a_stale_running_job_can_be_taken_over_on_redelivery(job):
    job_claim(job_id=job.pk)
    assert job_claim(job_id=job.pk, allow_stale_running=True) is True
    assert Job.objects.get(pk=job.pk).attempts == 2


def test_a_failed_job_is_requeued_and_claimed_again(job):
    job_claim(job_id=job.pk)
    job_finish(job_id=job.pk, status=Job.Status.FAILED, message="The file could not be read.")

    assert job_requeue(job=job) is True
    assert job_claim(job_id=job.pk) is True
    assert job_requeue(job=job) is False  # running, not failed


def test_job_finish_refuses_a_non_final_status(job):
    with pytest.raises(ValueError):
        job_finish(job_id=job.pk, status=Job.Status.RUNNING)


def test_fragment_polls_while_running(member_client, org, job):
    job_claim(job_id=job.pk)
    job_progress(job_id=job.pk, phase="reading", rows_done=500, rows_total=1000, percent=50)
    client = member_client(org, Role.CHAMPION)

    response = client.get(status_url(job), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="{status_url(job)}"' in page and 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="50"' in page and "Running: reading" in page
    assert "HX-Refresh" not in response


@pytest.mark.parametrize("status", [Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.WAITING])
def test_fragment_stops_polling_and_reloads_the_page_when_finished(member_client, org, job, status):
    job_claim(job_id=job.pk)
    job_finish(job_id=job.pk, status=status, message="Shown to the analyst.")
    client = member_client(org, Role.CHAMPION)

    response = client.get(status_url(job), HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    page = response.content.decode()
    assert "hx-get" not in page
    assert "Shown to the analyst." in page


def test_plain_request_of_a_finished_job_is_not_told_to_refresh(member_client, org, job):
    job_finish(job_id=job.pk, status=Job.Status.SUCCEEDED)
    response = member_client(org, Role.CHAMPION).get(status_url(job))
    assert response.status_code == 200 and "HX-Refresh" not in response


def test_another_organizations_job_is_404(member_client, org, other_org):
    theirs = job_create(organization=other_org, kind="test", created_by=None)
    client = member_client(org, Role.ADMIN)

    url = reverse("core:job_status", kwargs={"org_slug": org.slug, "pk": theirs.pk})
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
