"""An event's invited groups, posted with an id too large for the database (found by the fuzz tests): the form
says the choice is not valid, where SQLite used to raise a server error."""

import pytest

from programmes.models import ProgrammeEvent
from programmes.tests.test_events_pages import VALID, make_event, url

pytestmark = pytest.mark.django_db

TOO_LARGE = "3150673567303416676352"  # more than 64 bits


@pytest.mark.parametrize("name", ["event_create", "event_edit"])
def test_a_group_id_too_large_for_the_database_is_an_invalid_choice(as_user, world, name):
    event = make_event(world) if name == "event_edit" else None
    before = list(ProgrammeEvent.objects.values_list("pk", "title", "starts_at"))
    response = as_user(world.coordinator).post(
        url(name, world, event), {**VALID, "groups": [str(world.group.pk), TOO_LARGE]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "groups": [f"Select a valid choice. {TOO_LARGE} is not one of the available choices."]
    }
    assert list(ProgrammeEvent.objects.values_list("pk", "title", "starts_at")) == before
