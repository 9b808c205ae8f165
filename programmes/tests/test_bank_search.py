"""The mentor data bank's search: every mentor across programmes, filtered, sorted and paged."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from groups.models import GroupRole
from mentoring.tests.factories import (
    MentoringGroupFactory,
    MentorProfileFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
)
from mentoring.tests.querycount import count_queries
from programmes.models import Engagement, MentorFeedback, ProgrammeMembership, Role
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db

URL = reverse("bank:search")


def banked(name: str, *, programmes: int = 0, groups_each: int = 0, ratings=(), by=None, **profile):
    """A mentor in the bank with a history: ``programmes`` programmes mentored, ``groups_each`` groups in each,
    and one feedback entry per rating (each in a programme of their history, or a new one)."""
    person = UserFactory(display_name=name)
    MentorProfileFactory(user=person, **profile)
    history = []
    for _ in range(programmes):
        programme = ProgrammeFactory()
        ProgrammeMembership.objects.create(programme=programme, user=person, role=Role.MENTOR)
        for _ in range(groups_each):
            add_to_group(MentoringGroupFactory(programme=programme), person, GroupRole.MENTOR)
        history.append(programme)
    writer = by or UserFactory()
    for index, rating in enumerate(ratings):
        programme = history[index] if index < len(history) else ProgrammeFactory()
        MentorFeedback.objects.create(mentor=person, programme=programme, rating=rating, written_by=writer)
    return person


def names(response) -> list[str]:
    return [profile.user.display_name for profile in response.context["page"].object_list]


def search(client, **query):
    return client.get(URL, query)


# Who may search


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "mentee", "mentor", "other_group_member"])
def test_people_who_coordinate_nothing_are_refused(as_user, world, persona):
    assert as_user(getattr(world, persona)).get(URL).status_code == 403


def test_a_withdrawn_coordinator_is_refused(as_user, world):
    ProgrammeMembership.objects.filter(user=world.coordinator).update(status="withdrawn")
    assert as_user(world.coordinator).get(URL).status_code == 403


def test_the_search_is_read_only(as_user, world):
    assert as_user(world.coordinator).post(URL).status_code == 405


def test_any_coordinator_sees_every_mentor_of_every_programme(as_user, world):
    banked("Ada Aardvark")
    MentorProfileFactory(user=world.mentor)
    response = as_user(world.other_coordinator).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Ada Aardvark", "Mina Mentor"]


# What each row shows


def test_each_row_shows_the_profile_and_the_history_in_figures(as_user, world):
    banked(
        "Ada Aardvark",
        programmes=2,
        groups_each=2,
        ratings=[5, 4],
        expertise="Nursing, Job interviews",
        languages="English, Arabic",
        available_evenings=True,
        available_weekends=True,
        max_groups=3,
    )
    response = as_user(world.coordinator).get(URL)
    (row,) = response.context["page"].object_list
    assert (row.programmes_mentored, row.groups_mentored, row.feedback_count) == (2, 4, 2)
    assert row.average_rating == pytest.approx(4.5)
    page = response.content.decode()
    for text in ["Ada Aardvark", "Nursing, Job interviews", "English, Arabic", "Weekday evenings, Weekends"]:
        assert text in page
    assert "4.5 of 5 (2 entries)" in page
    assert reverse("bank:mentor", kwargs={"user_pk": row.user_id}) in page


def test_names_and_expertise_are_escaped(as_user, world):
    banked("<b>Bold</b> & Co", expertise="<i>Knitting</i>", open_to_invitations=False)
    page = search(as_user(world.coordinator), q="", open_only="").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page and "<b>Bold" not in page
    assert "&lt;i&gt;Knitting&lt;/i&gt;" in page and "<i>Knitting" not in page
    assert "Not open to new programmes" in page


def test_a_mentor_without_history_shows_zeros_and_no_rating(as_user, world):
    banked("Newton New")
    response = as_user(world.coordinator).get(URL)
    (row,) = response.context["page"].object_list
    assert (row.programmes_mentored, row.groups_mentored, row.feedback_count, row.average_rating) == (0, 0, 0, None)
    assert "None yet" in response.content.decode()


def test_figures_count_each_programme_and_group_once(as_user, world):
    """Rejoining a group after leaving it, or feedback in several programmes, does not inflate the counts."""
    person = banked("Ada Aardvark", programmes=1, groups_each=1, ratings=[3, 5])
    group = person.group_memberships.get().group
    person.group_memberships.update(left_at="2026-10-01T00:00:00Z", joined_at="2026-09-01T00:00:00Z")
    add_to_group(group, person, GroupRole.MENTOR)
    (row,) = as_user(world.coordinator).get(URL).context["page"].object_list
    assert (row.programmes_mentored, row.groups_mentored, row.feedback_count) == (1, 1, 2)
    assert row.average_rating == pytest.approx(4.0)


def test_erased_people_are_not_in_the_bank(as_user, world):
    person = banked("Ada Aardvark")
    anonymise_person(user=person)
    response = search(as_user(world.coordinator), open_only="")
    assert names(response) == []


# The filters


def test_free_text_looks_in_name_expertise_and_background(as_user, world):
    banked("Nadia Nurse", expertise="Nursing", background="Ward manager")
    banked("Carl Coder", expertise="Software", background="Twenty years of building websites")
    banked("Paula Plumber", expertise="Plumbing", background="Own business")
    client = as_user(world.coordinator)
    assert names(search(client, q="nursing")) == ["Nadia Nurse"]
    assert names(search(client, q="WEBSITES")) == ["Carl Coder"]
    assert names(search(client, q="paula")) == ["Paula Plumber"]
    assert names(search(client, q="own business")) == ["Paula Plumber"], "every word must match"
    assert names(search(client, q="nursing software")) == []


def test_language_matches_part_of_the_list(as_user, world):
    banked("Ada Arabic", languages="English, Arabic")
    banked("Fritz French", languages="French, German")
    client = as_user(world.coordinator)
    assert names(search(client, language="arabic")) == ["Ada Arabic"]
    assert names(search(client, language="German")) == ["Fritz French"]


def test_availability_needs_every_ticked_time(as_user, world):
    banked("Eve Evenings", available_evenings=True, available_weekends=False)
    banked("Walt Weekends", available_evenings=False, available_weekends=True)
    banked("Bea Both", available_evenings=True, available_weekends=True)
    client = as_user(world.coordinator)
    assert names(client.get(URL, {"availability": ["evenings"]})) == ["Bea Both", "Eve Evenings"]
    assert names(client.get(URL, {"availability": ["evenings", "weekends"]})) == ["Bea Both"]
    assert names(client.get(URL, {"availability": ["mornings"]})) == []


def test_volunteer_or_paid_includes_mentors_who_do_either(as_user, world):
    banked("Vera Volunteer", engagement=Engagement.VOLUNTEER)
    banked("Paul Paid", engagement=Engagement.PAID)
    banked("Ezra Either", engagement=Engagement.EITHER)
    client = as_user(world.coordinator)
    assert names(search(client, engagement="volunteer")) == ["Ezra Either", "Vera Volunteer"]
    assert names(search(client, engagement="paid")) == ["Ezra Either", "Paul Paid"]
    assert names(search(client, engagement="")) == ["Ezra Either", "Paul Paid", "Vera Volunteer"]


def test_minimum_rating_is_on_the_average_and_leaves_out_the_unrated(as_user, world):
    banked("Gina Good", ratings=[5, 4])  # 4.5
    banked("Oscar Okay", ratings=[4, 3])  # 3.5
    banked("Nora Nofeedback")
    client = as_user(world.coordinator)
    assert names(search(client, min_rating="4.5")) == ["Gina Good"]
    assert names(search(client, min_rating="3")) == ["Gina Good", "Oscar Okay"]
    assert names(search(client, min_rating="")) == ["Gina Good", "Nora Nofeedback", "Oscar Okay"]


def test_only_mentors_open_to_new_programmes_by_default(as_user, world):
    banked("Olive Open", open_to_invitations=True)
    banked("Clara Closed", open_to_invitations=False)
    client = as_user(world.coordinator)
    response = client.get(URL)
    assert names(response) == ["Olive Open"]
    assert response.context["form"]["open_only"].value() is True
    # The form sent with the box unticked: everyone, and those not open are marked.
    response = search(client, q="", open_only="")
    assert names(response) == ["Clara Closed", "Olive Open"]
    assert "Not open to new programmes" in response.content.decode()
    assert names(search(client, q="", open_only="on")) == ["Olive Open"]


def test_filters_combine(as_user, world):
    banked("Match Me", expertise="Nursing", languages="Arabic", available_evenings=True, ratings=[5])
    banked("Wrong Language", expertise="Nursing", languages="French", available_evenings=True, ratings=[5])
    banked("Wrong Time", expertise="Nursing", languages="Arabic", available_evenings=False, ratings=[5])
    banked("Low Rating", expertise="Nursing", languages="Arabic", available_evenings=True, ratings=[2])
    query = {"q": "nursing", "language": "arabic", "availability": ["evenings"], "min_rating": "4", "open_only": "on"}
    assert names(as_user(world.coordinator).get(URL, query)) == ["Match Me"]


# Sorting


def test_sorts_by_name_best_rated_or_most_experienced(as_user, world):
    banked("Carla", programmes=1, ratings=[3])
    banked("Anton", programmes=3, groups_each=1)
    banked("Berta", programmes=2, ratings=[5, 5])
    banked("Dora", programmes=2, groups_each=2, ratings=[5])
    client = as_user(world.coordinator)
    assert names(search(client, sort="name")) == ["Anton", "Berta", "Carla", "Dora"]
    # Best rated: by average, then by how many entries; the unrated last.
    assert names(search(client, sort="rating")) == ["Berta", "Dora", "Carla", "Anton"]
    # Most experienced: by programmes mentored, then groups.
    assert names(search(client, sort="experience")) == ["Anton", "Dora", "Berta", "Carla"]


def test_a_filtered_search_lists_its_matches_by_name_too(as_user, world):
    for name in ("Dora Finance", "Emil", "Carla", "Berta", "Anton"):
        banked(name, expertise="Finance" if name != "Carla" else "Law")
    client = as_user(world.coordinator)
    assert names(search(client, q="finance")) == ["Anton", "Berta", "Dora Finance", "Emil"]
    assert names(search(client, q="finance")) == names(search(client, q="finance", sort="name"))
    assert names(search(client, sort="name")) == ["Anton", "Berta", "Carla", "Dora Finance", "Emil"]


# Bad input


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "shoe-size"},
        {"min_rating": "eleven"},
        {"min_rating": "4.0"},
        {"availability": ["midnight"]},
        {"engagement": "barter"},
        {"q": "x" * 500},
        {"page": "last-but-one"},
        {"page": "9999"},
        {"page": "-1"},
    ],
)
def test_bad_values_fall_back_to_defaults_never_an_error(as_user, world, query):
    banked("Ada Aardvark")
    response = as_user(world.coordinator).get(URL, query)
    assert response.status_code == 200
    assert names(response) == ["Ada Aardvark"]


def test_a_reset_filter_is_named_in_a_message_and_the_good_ones_are_kept(as_user, world):
    banked("Ada Aardvark", languages="Arabic")
    banked("Bob Builder", languages="French")
    response = search(as_user(world.coordinator), language="arabic", sort="shoe-size", min_rating="lots")
    assert names(response) == ["Ada Aardvark"]
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Sort by" in message and "Past feedback" in message
    assert response.context["form"]["sort"].value() == "name"


# Paging


def test_pages_of_25_keep_the_filters(as_user, world):
    for number in range(30):
        banked(f"Mentor {number:02d}", languages="Arabic")
    banked("Not Arabic", languages="French")
    client = as_user(world.coordinator)
    first = search(client, language="arabic")
    assert len(names(first)) == 25
    assert "language=arabic&amp;page=2" in first.content.decode()
    second = search(client, language="arabic", page="2")
    assert names(second) == [f"Mentor {number:02d}" for number in range(25, 30)]


# Empty states


def test_an_empty_bank_says_how_mentors_join(as_user, world):
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "There are no mentors in the bank yet." in page
    assert "accept an invitation to mentor" in page


def test_no_match_says_to_loosen_the_filters(as_user, world):
    banked("Ada Aardvark")
    page = search(as_user(world.coordinator), q="astronaut").content.decode()
    assert "No mentor matches these filters." in page
    assert "There are no mentors in the bank yet." not in page


# Query counts


def test_query_count_is_flat_as_the_bank_grows(as_user, world):
    client = as_user(world.coordinator)
    for number in range(3):
        banked(f"Early {number}", programmes=2, groups_each=1, ratings=[4, 5])
    # Session, user, the bank's door (which answers the navigation too), the page count and the page itself.
    assert count_queries(client, URL) == 5
    for number in range(15):
        banked(f"Later {number}", programmes=2, groups_each=2, ratings=[3, 4, 5])
    assert count_queries(client, URL) == 5
    # Filtered and sorted by rating, the database reads every match anyway: the page carries the count.
    filtered = URL + "?sort=rating&language=english&availability=evenings"
    assert count_queries(client, filtered) == 4
    for number in range(15):
        banked(f"Latest {number}", programmes=1, groups_each=1, ratings=[5])
    assert count_queries(client, filtered) == 4


def test_a_filtered_search_pages_like_an_unfiltered_one(as_user, world):
    for number in range(30):
        banked(f"Mentor {number:02}", ratings=[number % 5 + 1])
    client = as_user(world.coordinator)
    first = names(search(client, sort="rating"))
    second = names(search(client, sort="rating", page="2"))
    past_the_end = names(search(client, sort="rating", page="9"))
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
    assert past_the_end == second  # as for the bank by name: a page past the end shows the last
    page = search(client, sort="rating", page="2").content.decode()
    assert "Page 2 of 2" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's (SQLite needs none)")
def test_the_name_search_can_use_its_trigram_index_on_postgresql(as_user, world):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # on a table this small, the planner would rather read it all
        cursor.execute("EXPLAIN SELECT id FROM accounts_user WHERE UPPER(display_name) LIKE UPPER(%s)", ["%ada%"])
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "accounts_user_name_trgm_idx" in plan
    banked("Ada Aardvark")
    assert names(search(as_user(world.coordinator), q="aardv")) == ["Ada Aardvark"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner choice")
def test_a_filtered_search_by_name_reads_the_matches_rather_than_everyone_in_name_order(world):
    """Ordered by the indexed name, PostgreSQL (before 16) walked every person in name order to put a filtered page
    together, however few matched. The order is by an expression of the name, which no index answers: with sorting
    made as dear as the planner allows, it still sorts the matches instead of walking the index."""
    from django.db.models import Count, Window

    from programmes.access import BankAccess
    from programmes.services.bank import search_mentors

    banked("Ada Aardvark", expertise="Finance")
    profiles = BankAccess(user=world.coordinator, programme_ids=frozenset()).profiles

    def plan(**terms) -> str:
        found = search_mentors(profiles, **terms).annotate(total=Window(Count("pk")))[:25]
        sql, params = found.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
            lines = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_sort")
        return lines

    assert "accounts_user_name_idx" not in plan(text="finance")
    assert "accounts_user_name_idx" not in plan(availability=["evenings"])
    assert "accounts_user_name_idx" in plan()  # unfiltered, walking the names is right: it stops at the page
