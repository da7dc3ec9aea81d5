"""Create the demo organizations and one user per role. Safe to run again (idempotent)."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from equity_portal.core.models import Membership, Organization, User
from equity_portal.core.roles import Role
from equity_portal.core.signals import demo_organization_seeded

# Documented in README.md; passes the password validators.
DEFAULT_DEMO_PASSWORD = "equity-demo-2026"

DEMO_ORGANIZATIONS = [
    (
        "Demo Health System",
        "demo",
        [
            ("champion@demo.test", "Casey Champion", Role.CHAMPION),
            ("analyst@demo.test", "Avery Analyst", Role.ANALYST),
            ("leader@demo.test", "Lee Leader", Role.LEADER),
            ("admin@demo.test", "Addison Admin", Role.ADMIN),
        ],
    ),
    (
        "Riverside Clinics",
        "riverside",
        [
            ("admin@riverside.test", "Riley Admin", Role.ADMIN),
            ("analyst@riverside.test", "Rowan Analyst", Role.ANALYST),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create the demo organizations, their users (one per role) and demo content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-content",
            action="store_true",
            help="Only organizations and users; no step content (faster, for tests).",
        )

    def handle(self, *args, skip_content: bool = False, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        for name, slug, people in DEMO_ORGANIZATIONS:
            with transaction.atomic():
                organization, _ = Organization.objects.get_or_create(
                    slug=slug, defaults={"name": name}
                )
                users = {}
                for email, full_name, role in people:
                    user = User.objects.filter(email=email).first()
                    if user is None:
                        user = User.objects.create_user(
                            email=email, password=password, full_name=full_name
                        )
                    Membership.objects.update_or_create(
                        user=user,
                        organization=organization,
                        defaults={"role": role, "is_active": True},
                    )
                    users[role] = user
            self.stdout.write(
                f"{organization.name} (/o/{slug}/): {', '.join(p[0] for p in people)}"
            )
            if not skip_content:
                with scope(organization=organization):
                    demo_organization_seeded.send(
                        sender=self.__class__,
                        organization=organization,
                        users=users,
                        stdout=self.stdout,
                    )
        self.stdout.write(
            self.style.SUCCESS("Demo ready. Password for every demo user: see README.")
        )
