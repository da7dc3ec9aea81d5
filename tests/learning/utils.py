from django.urls import reverse


def learn_url(org, name: str = "index", **kwargs) -> str:
    return reverse(f"learning:{name}", kwargs={"org_slug": org.slug, **kwargs})
