from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programmes.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Loads demo programmes, groups, people, applications, mentor profiles and events for local use. "
        "Safe to run again; refuses in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG=1: demo people have a published password and must never "
                "exist on a production site."
            )
        result = seed_demo()
        self.stdout.write(
            f"Demo data ready: {len(result.programmes)} programmes, {result.created_users} people added this time."
        )
        for role, email in DEMO_LOGINS.items():
            self.stdout.write(f"  {role:<12} {email}  /  {DEMO_PASSWORD}")
