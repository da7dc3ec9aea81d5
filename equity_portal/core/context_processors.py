from django.urls import NoReverseMatch, reverse

from .selectors import memberships_for_user

# The five steps of the toolkit. Each app names its landing page `<app>:index`; until an app
# exists the link goes to the step's section of the organization home page.
STEPS = [
    ("commit", "1", "Commit", "commitments:index"),
    ("learn", "2", "Learn", "learning:index"),
    ("data", "3", "Data", "data_hub:index"),
    ("vision", "4", "Vision", "vision:index"),
    ("improve", "5", "Improve", "improvement:index"),
]


def _step_links(request, slug: str) -> list[dict]:
    links = []
    for key, number, title, url_name in STEPS:
        try:
            url = reverse(url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            url = reverse("overview:index", kwargs={"org_slug": slug}) + f"#step-{key}"
        links.append(
            {
                "key": key,
                "number": number,
                "title": title,
                "url": url,
                "active": request.path.startswith(f"/o/{slug}/{key}/"),
            }
        )
    return links


def portal(request) -> dict:
    organization = getattr(request, "organization", None)
    context: dict = {"organization": organization, "membership": None, "nav_steps": []}
    if organization is not None:
        context["membership"] = request.membership
        context["org_slug"] = organization.slug
        context["nav_steps"] = _step_links(request, organization.slug)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["user_memberships"] = memberships_for_user(user=user)
    return context
