"""The accessibility promise holds on every page, in Chromium: landmarks (one <main>, one <h1>),
a working skip link, labelled fields and WCAG AA contrast (axe: no serious or critical
violation), no console errors or missing static files, and a visible focus outline when tabbing
through the login page, the members page and one form page per app.

The pages are every GET-able URL under /o/<org_slug>/, found by walking the URL resolver as
tests/core/test_url_sweep.py does, on the `demo` organization of `manage.py seed_demo` (content
in every app, including a processed extract). Object parameters come from OBJECTS; a new URL
with a parameter and no entry there fails here unless it is POST-only (405 on GET). File
downloads (CSV, XLSX, JSON) are not pages and are skipped."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_scopes import scope
from playwright.sync_api import Page

from commitments.models import Assessment, Champion, Commitment, ListeningSession
from data_hub.community.models import CommunityIndicator
from data_hub.models import ColumnMapping, Extract, Measure, ValueMapEntry
from equity_portal.core.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from equity_portal.core.models import Job, Membership, Organization
from equity_portal.core.roles import Role
from improvement.models import Campaign, PDSACycle
from learning.models import (
    GlossaryTerm,
    LearningPlan,
    LearningSession,
    PlanItem,
    Resource,
    Team,
)
from overview.models import BoardReport, EvidenceRequirement
from overview.services import board_report_request
from tests.core.test_url_sweep import MISSING_PK, PARAMETER, SweptUrl, organization_urls
from tests.data_hub_results.factories import CommunityIndicatorFactory
from vision.models import Charter, CharterGoal, CommunityPartner, PriorityInequity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_EMAIL = "admin@demo.test"
DOWNLOAD_TYPES = (
    "text/csv",
    "application/json",
    "application/vnd.openxmlformats",
    "application/pdf",
)
# htmx fragments polled by a page, not pages of their own.
FRAGMENTS = {"core:job_status"}

# URL name -> the demo organization's objects (first one used) or fixed keyword arguments.
# Parameters are filled from the object: `pk`, `slug`, and `<x>_pk` from `<x>_id`.
OBJECTS = {
    "core:job_status": lambda org: Job.objects.filter(organization=org),
    "commitments:assessment_detail": lambda org: Assessment.objects.filter(organization=org),
    "commitments:assessment_answers_export": lambda org: Assessment.objects.filter(
        organization=org
    ),
    "commitments:commitment_detail": lambda org: Commitment.objects.filter(organization=org),
    "commitments:commitment_edit": lambda org: Commitment.objects.filter(organization=org),
    "commitments:champion_edit": lambda org: Champion.objects.filter(organization=org),
    "commitments:listening_detail": lambda org: ListeningSession.objects.filter(organization=org),
    "commitments:listening_edit": lambda org: ListeningSession.objects.filter(organization=org),
    "learning:resource_detail": lambda org: Resource.objects.filter(organization=org),
    "learning:resource_edit": lambda org: Resource.objects.filter(organization=org),
    "learning:glossary_term": lambda org: GlossaryTerm.objects.filter(organization=org),
    "learning:glossary_term_edit": lambda org: GlossaryTerm.objects.filter(organization=org),
    "learning:team_detail": lambda org: Team.objects.filter(organization=org),
    "learning:team_edit": lambda org: Team.objects.filter(organization=org),
    "learning:plan_detail": lambda org: LearningPlan.objects.filter(organization=org),
    "learning:plan_edit": lambda org: LearningPlan.objects.filter(organization=org),
    "learning:plan_item_done": lambda org: PlanItem.objects.filter(plan__organization=org),
    "learning:session_detail": lambda org: LearningSession.objects.filter(organization=org),
    "learning:session_edit": lambda org: LearningSession.objects.filter(organization=org),
    "learning:session_reflect": lambda org: LearningSession.objects.filter(organization=org),
    "data_hub:extract_detail": lambda org: Extract.objects.filter(organization=org),
    "data_hub:extract_mapping": lambda org: Extract.objects.filter(organization=org),
    "data_hub:extract_rejects_csv": lambda org: Extract.objects.filter(organization=org),
    "data_hub:extract_measures": lambda org: Extract.objects.filter(organization=org),
    "data_hub:measure_edit": lambda org: Measure.objects.filter(organization=org),
    "data_hub:value_map_delete": lambda org: ValueMapEntry.objects.filter(organization=org),
    "data_hub:mapping_export": lambda org: ColumnMapping.objects.filter(organization=org),
    "community:edit": lambda org: CommunityIndicator.objects.filter(organization=org),
    "vision:priority_detail": lambda org: PriorityInequity.objects.filter(organization=org),
    "vision:team_detail": lambda org: Team.objects.filter(organization=org),
    "vision:team_edit": lambda org: Team.objects.filter(organization=org),
    "vision:charter_detail": lambda org: Charter.objects.filter(organization=org),
    "vision:charter_edit": lambda org: Charter.objects.filter(organization=org),
    "vision:goal_create": lambda org: Charter.objects.filter(organization=org),
    "vision:goal_detail": lambda org: CharterGoal.objects.filter(organization=org),
    "vision:goal_edit": lambda org: CharterGoal.objects.filter(organization=org),
    "vision:goal_baseline": lambda org: CharterGoal.objects.filter(organization=org),
    "vision:partner_detail": lambda org: CommunityPartner.objects.filter(organization=org),
    "vision:partner_edit": lambda org: CommunityPartner.objects.filter(organization=org),
    "results:chart_csv": lambda org: {"chart": "rates"},
    "improvement:campaign_detail": lambda org: Campaign.objects.filter(organization=org),
    "improvement:campaign_edit": lambda org: Campaign.objects.filter(organization=org),
    "improvement:cycle_create": lambda org: Campaign.objects.filter(organization=org),
    "improvement:campaign_summary": lambda org: Campaign.objects.filter(organization=org),
    "improvement:cycle_detail": lambda org: PDSACycle.objects.filter(organization=org),
    "improvement:cycle_edit": lambda org: PDSACycle.objects.filter(organization=org),
    "improvement:goal_detail": lambda org: CharterGoal.objects.filter(
        organization=org, charter__status="approved"
    ),
    "improvement:goal_chart_csv": lambda org: CharterGoal.objects.filter(
        organization=org, charter__status="approved"
    ),
    "improvement:goal_rebaseline": lambda org: CharterGoal.objects.filter(
        organization=org, charter__status="approved"
    ),
    "improvement:goal_respond": lambda org: CharterGoal.objects.filter(
        organization=org, charter__status="approved"
    ),
    "overview:requirement_edit": lambda org: EvidenceRequirement.objects.filter(organization=org),
    "overview:report_status": lambda org: _board_report(org),
    "results:export": lambda org: {"what": "results", "file_format": "csv"},
}

# One form page per app (plus login and members) for the keyboard check.
KEYBOARD_PAGES = [
    "/accounts/login/",
    "/o/demo/admin/",
    "/o/demo/commit/commitments/new/",
    "/o/demo/learn/library/new/",
    "/o/demo/data/measures/new/",
    "/o/demo/data/community/new/",
    "/o/demo/data/results/",
]


def _board_report(org: Organization):
    """The demo has no prepared board report: prepare one (built at once: Celery is eager)."""
    if not BoardReport.objects.filter(organization=org).exists():
        leader = Membership.objects.get(organization=org, role=Role.LEADER)
        with scope(organization=org):
            board_report_request(
                organization=org, actor=leader.user, period_from=None, period_to=None
            )
    return BoardReport.objects.filter(organization=org)


def _path(url: SweptUrl, org: Organization) -> str:
    factory = OBJECTS.get(url.name)
    found = factory(org) if factory else None
    if found is not None and not isinstance(found, dict):
        obj = found.order_by("pk").first()
        if obj is None:
            raise LookupError(f"{url.name}: the demo organization has no {found.model.__name__}")
        found = {}
        for match in PARAMETER.finditer(url.route):
            name = match["name"]
            if name == "pk":
                found[name] = obj.pk
            elif name.endswith("_pk"):
                found[name] = getattr(obj, f"{name[:-3]}_id")
            elif name != "org_slug":
                found[name] = getattr(obj, name)
    values = found or {}

    def fill(match: re.Match) -> str:
        name = match["name"]
        if name == "org_slug":
            return org.slug
        return str(values.get(name, MISSING_PK))

    return "/" + PARAMETER.sub(fill, url.route)


def _log_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/o/demo/$"))


def _seed(*args) -> Organization:
    call_command("seed_demo", *args, verbosity=0)
    org = Organization.objects.get(slug="demo")
    # The demo has no community data; one indicator makes its edit page reachable.
    CommunityIndicatorFactory(organization=org)
    if "--skip-content" not in args:
        extract = Extract.objects.get(organization=org)
        assert extract.status == Extract.Status.PROCESSED, extract.status
    return org


def _watch(page: Page) -> list[str]:
    """Console errors, page errors and failed or missing static files, as they happen."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error {error}"))
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"request failed {request.url}: {request.failure}")
            if "ERR_ABORTED" not in (request.failure or "")  # cut short by the next navigation
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    return problems


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _skip_link_problem(page: Page) -> str | None:
    # Start from the top of the document, as after loading a page without autofocus (a login
    # form focuses its first field; the skip link must still be the first Tab stop).
    page.evaluate(
        """() => {
            document.activeElement?.blur();
            document.body.tabIndex = -1;
            document.body.focus();
            document.body.removeAttribute('tabindex');
        }"""
    )
    page.keyboard.press("Tab")
    first = page.evaluate(
        """() => {
            const a = document.activeElement;
            if (!a || a.tagName !== 'A') return null;
            const r = a.getBoundingClientRect();
            return {href: a.getAttribute('href') || '', text: a.textContent.trim(),
                    visible: r.width > 1 && r.height > 1};
        }"""
    )
    if not first or not first["href"].startswith("#") or "skip" not in first["text"].lower():
        return f"first Tab stop is not a skip link: {first}"
    if not first["visible"]:
        return "skip link is not visible when focused"
    target = first["href"][1:]
    page.keyboard.press("Enter")
    landed = page.evaluate(
        """(id) => {
            const t = document.getElementById(id), a = document.activeElement;
            return !!t && t.tagName === 'MAIN' && (a === t || t.contains(a));
        }""",
        target,
    )
    return None if landed else f"skip link #{target} does not move focus into <main>"


def _horizontal_scroll_problem(page: Page) -> str | None:
    """Usable at 390 px (a phone, and about what 200% zoom leaves of a laptop screen): the page
    itself never scrolls sideways; a wide table scrolls inside its own box."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        # Loaded at that width, as a phone would (charts size themselves when drawn).
        page.reload()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        page.set_viewport_size(size)
    return f"scrolls sideways at 390 px ({overflow} px too wide)" if overflow > 1 else None


def _page_problems(page: Page, problems: list[str]) -> list[str]:
    found = list(problems)
    problems.clear()
    counts = page.evaluate(
        "() => [document.querySelectorAll('main, [role=main]').length,"
        " document.querySelectorAll('h1').length]"
    )
    if counts != [1, 1]:
        found.append(f"{counts[0]} <main> and {counts[1]} <h1> (want one each)")
    skip = _skip_link_problem(page)
    if skip:
        found.append(skip)
    found.extend(_serious_violations(page))
    scroll = _horizontal_scroll_problem(page)
    if scroll:
        found.append(scroll)
    found.extend(problems)  # anything the checks themselves triggered
    problems.clear()
    return found


def test_every_page_keeps_the_accessibility_promise(page: Page, live_server):
    org = _seed()
    problems = _watch(page)
    failures: list[str] = []
    pages, skipped = 0, {"POST-only": 0, "download": 0, "fragment": 0}

    page.goto(f"{live_server.url}/accounts/login/")
    failures += [f"/accounts/login/: {p}" for p in _page_problems(page, problems)]
    pages += 1
    _log_in(page, live_server)
    problems.clear()

    for url in organization_urls():
        try:
            path = _path(url, org)
        except LookupError as error:
            failures.append(str(error))
            continue
        response = page.request.get(f"{live_server.url}{path}", max_redirects=0)
        content_type = response.headers.get("content-type", "")
        if response.status == 405:
            skipped["POST-only"] += 1
            continue
        if response.status != 200:
            failures.append(f"{url.name} {path}: GET returned {response.status}")
            continue
        if content_type.startswith(DOWNLOAD_TYPES):
            skipped["download"] += 1
            continue
        if url.name in FRAGMENTS:
            assert "<main" not in response.text(), f"{url.name} is a full page now"
            skipped["fragment"] += 1
            continue
        if not content_type.startswith("text/html"):
            failures.append(f"{url.name} {path}: unexpected content type {content_type}")
            continue
        navigation = page.goto(f"{live_server.url}{path}")
        pages += 1
        if navigation.status != 200:
            failures.append(f"{url.name} {path}: {navigation.status}")
            continue
        failures += [f"{url.name} {path}: {p}" for p in _page_problems(page, problems)]

    path = "/accounts/password_change/"
    navigation = page.goto(f"{live_server.url}{path}")
    pages += 1
    assert navigation.status == 200
    failures += [f"{path}: {p}" for p in _page_problems(page, problems)]

    print(f"{pages} pages checked; not pages: {skipped}")
    assert pages >= 40
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


# The focused element's outline and its contrast with the background behind it (WCAG 1.4.11:
# 3:1 for a focus indicator); the background is the nearest ancestor's opaque colour.
FOCUS_STYLE = """() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => {
        v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    let back = [255, 255, 255];
    for (let e = a.parentElement; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) { back = c.slice(0, 3); break; }
    }
    const s = getComputedStyle(a);
    const [l1, l2] = [lum(rgb(s.outlineColor).slice(0, 3)), lum(back)].sort((x, y) => y - x);
    return {tag: a.tagName, name: a.name || a.id || a.textContent.trim().slice(0, 30),
            outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
            contrast: Math.round((l1 + 0.05) / (l2 + 0.05) * 10) / 10};
}"""


def test_keyboard_focus_is_visible_and_forms_work_from_the_keyboard(page: Page, live_server):
    _seed("--skip-content")
    failures: list[str] = []
    for path in KEYBOARD_PAGES:
        page.goto(f"{live_server.url}{path}")
        stops = 0
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS_STYLE)
            if focused is None:
                break  # wrapped around to the browser chrome
            stops += 1
            if focused["outline"] == "none" or focused["width"] < 2 or focused["contrast"] < 3:
                failures.append(f"{path}: no visible focus outline on {focused}")
        if stops < 3:
            failures.append(f"{path}: only {stops} keyboard stops")
        if path == "/accounts/login/":
            # The login form works from the keyboard alone: type, Tab, type, Enter.
            page.goto(f"{live_server.url}{path}")
            page.get_by_label("Email address").focus()
            page.keyboard.type(ADMIN_EMAIL)
            page.keyboard.press("Tab")
            page.keyboard.type(DEFAULT_DEMO_PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/o/demo/$"))
    assert not failures, "\n".join(failures)
