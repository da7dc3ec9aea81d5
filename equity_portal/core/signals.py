from django.dispatch import Signal

# Sent by `manage.py seed_demo` for each demo organization (kwargs: organization, users by role,
# stdout). Step apps connect a receiver in their AppConfig.ready() to add their demo content,
# so the core never imports them. Receivers must be idempotent.
demo_organization_seeded = Signal()
