"""The bad-input corpus (tests/bad_inputs/generate.py) uploaded through the pages: each file
gets one clear message, never a traceback or a 500, on the extract upload (read by the worker
job) and on the community-data upload (issue 15, items 4-7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from data_hub.models import Extract
from equity_portal.core.roles import Role
from tests.bad_inputs.generate import corpus

CORPUS = corpus(bomb_megabytes=8)


@pytest.fixture
def analyst_client(org, member_client, settings):
    settings.UPLOAD_MAX_SHARED_STRINGS_MB = 4  # the bomb expands to 8 MB
    return member_client(org, Role.ANALYST)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CORPUS))
def test_each_bad_extract_gets_a_clear_message(
    name, org, analyst_client, django_capture_on_commit_callbacks
):
    content, expected = CORPUS[name]
    with django_capture_on_commit_callbacks(execute=True):  # the worker's inspect job
        response = analyst_client.post(
            reverse("data_hub:upload", args=[org.slug]),
            {"file": SimpleUploadedFile(name, content)},
        )
    if response.status_code == 400:  # refused by the form itself: nothing was stored
        assert "The submitted file is empty." in response.content.decode()
        assert not Extract.objects.exists()
        return
    assert response.status_code == 302
    extract = Extract.objects.get(organization=org)

    page = analyst_client.get(response.url, follow=True)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Traceback" not in text
    if expected is None:  # readable: the mapping page lists its columns
        extract.refresh_from_db()
        assert extract.status == Extract.Status.UPLOADED
        assert extract.headers[:3] == ["MRN", "Measure", "Period"]
        assert "Map the columns" in text
    else:
        assert expected in text.replace("&#x27;", "'"), text[-3000:]
        extract.refresh_from_db()
        assert extract.status == Extract.Status.FAILED
        assert extract.raw_deleted_at is not None  # never processable: deleted at once


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CORPUS))
def test_the_community_upload_never_fails_with_a_500(name, org, member_client):
    client = member_client(org, Role.ANALYST)
    content, _ = CORPUS[name]
    response = client.post(
        reverse("community:upload", args=[org.slug]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code in (200, 400)
    text = response.content.decode()
    assert "Traceback" not in text
    assert response.status_code == 200 or 'role="alert"' in text or "alert" in text
