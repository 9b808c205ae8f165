"""Every person gets a secret calendar feed address. Existing people each get their own token: the field is added
without its unique constraint, filled one row at a time, then made unique."""

from django.db import migrations, models

import accounts.models


def give_everyone_a_token(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(calendar_token__isnull=True).only("pk").iterator():
        User.objects.filter(pk=user.pk).update(calendar_token=accounts.models.new_calendar_token())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_anonymised_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(give_everyone_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(
                default=accounts.models.new_calendar_token,
                editable=False,
                help_text="The secret part of the person's calendar feed address. A new one makes the old address stop working.",
                max_length=64,
                unique=True,
                verbose_name="calendar address key",
            ),
        ),
    ]
