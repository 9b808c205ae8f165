"""Every pulse response names its session's group, as the pulse has always recorded it; one written otherwise (by
hand, say) is given its session's group here, before the next migration makes it a rule. Two migrations: PostgreSQL
does not alter a table in the transaction that has just updated its rows' foreign keys."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery


def group_the_pulses(apps, schema_editor):
    Response = apps.get_model("feedback", "Response")
    Meeting = apps.get_model("groups", "Meeting")
    session_group = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("group_id")[:1]
    Response.objects.filter(meeting__isnull=False, group__isnull=True).update(group_id=Subquery(session_group))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_default_order_without_joins"),
        ("groups", "0006_default_order_without_joins"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(group_the_pulses, migrations.RunPython.noop)]
