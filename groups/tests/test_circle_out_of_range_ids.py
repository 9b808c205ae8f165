"""A mentor circle's mentors, posted with an id too large for the database (found by the fuzz tests): the form
says the choice is not valid, where SQLite used to raise a server error."""

import pytest

from groups.models import GroupKind, MentoringGroup
from groups.tests.test_mentor_circles import circle_url, data, mentors  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TOO_LARGE = "99999999999999999999999999"


def test_a_mentor_id_too_large_for_the_database_is_an_invalid_choice(as_user, world, mentors):  # noqa: F811
    chosen = {**data(mentors[:3], world.coordinator), "mentors": [mentors[0].pk, mentors[1].pk, TOO_LARGE]}
    response = as_user(world.coordinator).post(circle_url(world), chosen)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "mentors": [f"Select a valid choice. {TOO_LARGE} is not one of the available choices."]
    }
    assert not MentoringGroup.objects.filter(kind=GroupKind.MENTOR_CIRCLE).exists()
