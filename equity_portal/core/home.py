"""A seam for the organization's home page: step apps contribute panels (the approved vision
statement, for one) without the core importing them. Each panel is a callable taking the request
and returning HTML, or "" to show nothing. The overview app will own the home page later and can
call the apps' selectors directly."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

HomePanel = Callable[[HttpRequest], str]
_panels: dict[str, HomePanel] = {}


def register_home_panel(key: str, panel: HomePanel) -> None:
    _panels[key] = panel


def home_panels(request: HttpRequest) -> list[SafeString]:
    # Panels render templates (autoescaped) themselves.
    return [mark_safe(html) for panel in _panels.values() if (html := panel(request))]  # noqa: S308
