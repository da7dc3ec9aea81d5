"""Shared steps of the DESIGN §1 journeys in Chromium: the demo organization, logging in, and
an accessibility check (axe: no serious or critical violation) on every page a journey visits."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from equity_portal.core.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from equity_portal.core.models import Organization


def seed_demo() -> Organization:
    """`manage.py seed_demo` (Celery runs eagerly here, so the demo extract is processed)."""
    call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo")


def log_in(page: Page, live_server, email: str, password: str = DEFAULT_DEMO_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/[\w-]+/$"))


class AxeWatch:
    """Call `check()` on every page a journey reaches; `failures` lists the serious and
    critical violations found, per page (each URL is checked once)."""

    def __init__(self, page: Page):
        self.page = page
        self.failures: list[str] = []
        self.checked: list[str] = []
        self._axe = Axe()

    def check(self) -> None:
        url = self.page.url.split("#")[0]
        if url in self.checked:
            return
        self.checked.append(url)
        for v in self._axe.run(self.page).response["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:5]
                self.failures.append(f"{url}: {v['id']} ({v['impact']}) at {targets}")
