def axes_username(request, credentials) -> str | None:
    """The account name django-axes counts failures against: the email, lower-cased, so that
    "Admin@Demo.test" and "admin@demo.test" share one lockout (log-in is case-insensitive)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
