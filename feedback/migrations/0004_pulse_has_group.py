from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_pulse_group")]

    operations = [
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(("meeting__isnull", True), ("group__isnull", False), _connector="OR"),
                name="response_pulse_has_group",
            ),
        ),
    ]
