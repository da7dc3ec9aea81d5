from django.dispatch import Signal

# Sent by `manage.py seed_demo` for each demo organization (kwargs: organization, users by role,
# stdout). Step apps connect a receiver in their AppConfig.ready() to add their demo content,
# so the core never imports them. Receivers must be idempotent.
demo_organization_seeded = Signal()

# Sent when a job is marked failed by the core (its worker was lost too often, or its task gave
# up), with `job`. The app that owns the job's object connects a receiver to mark that object
# failed too, so that it can be retried or discarded.
job_failed = Signal()
