"""Viewing a page never writes (issue 15, item 3): a GET to every organization URL from the
resolver, with real objects from the factory registry, runs no INSERT, UPDATE or DELETE. The
one write allowed is the audit log's append (DESIGN §3: views of PHI and results are
recorded), and the session's own bookkeeping."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from equity_portal.core.roles import Role
from tests.core.test_cross_org_sweep import path_for
from tests.core.test_url_sweep import SWEPT
from tests.object_registry import Objects

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ALLOWED = ("core_auditevent", "django_session")


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        sql = query["sql"]
        if WRITE.match(sql) and not any(f'"{table}"' in sql for table in ALLOWED):
            found.append(sql[:160])
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("url", SWEPT, ids=lambda u: u.name)
def test_a_get_writes_nothing(url, org, member_client):
    client = member_client(org, Role.ADMIN)
    path = path_for(url, org, Objects(org))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)

    assert response.status_code < 500
    assert writes(captured.captured_queries) == [], path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/password_reset/", "/accounts/password_change/"]
)
def test_account_pages_write_nothing_on_get(path, org, member_client):
    client = member_client(org, Role.ADMIN)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code < 500
    assert writes(captured.captured_queries) == []
