"""A page and the count of the whole list in one query, giving the same pages as Django's Paginator."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from mentoring.paging import counted_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[User]:
    return [User.objects.create_user(email=f"person{n}@example.org", display_name=f"Person {n}") for n in range(7)]


def listed():
    return User.objects.order_by("display_name", "pk")


def test_a_page_and_the_count_come_in_one_query(people):
    with CaptureQueriesContext(connection) as captured:
        page = counted_page(listed(), "2", 3)
        assert [person.display_name for person in page.object_list] == ["Person 3", "Person 4", "Person 5"]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 7, 3)
        assert page.has_next() and page.has_previous()
    assert len(captured) == 1


@pytest.mark.parametrize("number", [None, "", "x", "-1", "0", "1", "2", "3", "4", "99", 2])
def test_every_page_number_gives_the_page_the_paginator_gives(people, number):
    ours, django = counted_page(listed(), number, 3), Paginator(listed(), 3).get_page(number)
    assert (ours.number, ours.paginator.count, list(ours.object_list)) == (
        django.number,
        django.paginator.count,
        list(django.object_list),
    )


def test_an_empty_list_is_one_empty_page(db):
    page = counted_page(User.objects.none(), "1", 3)
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])
