import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from groups.models import GroupMembership, MentoringGroup
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_running_and_a_recruiting_programme_with_four_groups(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    running = Programme.objects.get(status=ProgrammeStatus.RUNNING)
    assert Programme.objects.filter(status=ProgrammeStatus.RECRUITING).count() == 1
    assert running.groups.count() == 4
    assert running.memberships.filter(role=Role.MENTOR).count() == 4
    assert 16 <= running.memberships.filter(role=Role.MENTEE).count() <= 20
    for group in running.groups.all():
        assert group.memberships.filter(role="mentor").count() == 1
        assert 4 <= group.memberships.filter(role="mentee").count() <= 5


def test_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    models = (User, Programme, ProgrammeMembership, MentoringGroup, GroupMembership)
    counts = [model.objects.count() for model in models]
    User.objects.filter(email="mentor@demo.example").update(display_name="Renamed by hand")
    call_command("seed_demo", stdout=None)
    assert [model.objects.count() for model in models] == counts
    assert User.objects.get(email="mentor@demo.example").display_name == "Renamed by hand"


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("coordinator@demo.example", "/programmes/"),
        ("mentor@demo.example", "/"),
        ("mentee@demo.example", "/"),
    ],
)
def test_each_demo_login_signs_in_with_the_published_password_and_reaches_their_home(settings, email, lands_on):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": "demo-password"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == lands_on


def test_refuses_to_run_with_production_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.exists()
