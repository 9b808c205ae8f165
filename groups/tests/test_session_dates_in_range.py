"""A session's date far outside any programme (found by the fuzz tests): the form says which years it takes, where
turning 0001-01-01 into UTC, or a series from 9999-12-31, used to leave the calendar with a server error."""

import pytest

from groups.models import Meeting
from groups.tests.test_session_scheduling import SESSION, create_url, edit_url, future_session

pytestmark = pytest.mark.django_db

MESSAGE = "Please enter a date in the years 2000 to 2099."


@pytest.mark.parametrize("date", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_a_session_is_scheduled_within_sensible_years(as_user, world, date):
    for repeat in ({"repeat": "none"}, {"repeat": "count", "count": "12"}, {"repeat": "until_end"}):
        response = as_user(world.mentor).post(create_url(world.group), {**SESSION, **repeat, "date": date})
        assert response.status_code == 200
        assert response.context["form"].errors["date"] == [MESSAGE]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_a_session_is_moved_within_sensible_years(as_user, world, date):
    meeting = future_session(world)
    response = as_user(world.mentor).post(
        edit_url(meeting), {**SESSION, "date": date, "start_time": "00:00", "minutes": "90"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [MESSAGE]
    starts_at = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == starts_at
