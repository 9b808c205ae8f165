"""A programme's dates far outside any sensible year (found by the fuzz tests): the form says which years it takes,
where the end-of-programme feedback round, planned after 9999-12-31, used to leave the calendar with a server
error."""

import pytest
from django.urls import reverse

from programmes.models import Programme
from programmes.tests.test_programme_pages import VALID

pytestmark = pytest.mark.django_db

MESSAGE = "Please enter a date in the years 2000 to 2099."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "9999-12-31"}, "ends_on"),
        ({"ends_on": "2100-01-01"}, "ends_on"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"starts_on": "1999-12-31"}, "starts_on"),
    ],
)
def test_a_new_programme_runs_within_sensible_years(as_user, world, changes, field):
    response = as_user(world.coordinator).post(reverse("programmes:create"), {**VALID, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [MESSAGE]
    assert not Programme.objects.filter(name=VALID["name"]).exists()


def test_a_programmes_dates_are_changed_within_sensible_years(as_user, world):
    url = reverse("programmes:edit", kwargs={"pk": world.programme.pk})
    response = as_user(world.coordinator).post(url, {**VALID, "ends_on": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [MESSAGE]
    world.programme.refresh_from_db()
    assert world.programme.ends_on.year == 2027
