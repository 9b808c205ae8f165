"""Groups and matching in a real browser, at desktop and phone widths: a coordinator forms groups from a proposal
(with the mouse, and from the keyboard alone), matches mentors with groups (one at a time, and for all groups at
once), mentors say yes or no from the link in their email, and the mentees of a group agree on their wishes for a
mentor.

No Celery worker runs in tests: after a step that sends email, the test delivers the queued emails itself
(``deliver_queued_emails``); they land in ``mail.outbox``.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.test_first_journeys import sign_in
from e2e.test_recruitment_journeys import PageWidth, as_someone_else, deliver_queued_emails, email_to, link_in
from groups.models import AssignmentStatus, GroupMembership, GroupRole, MentorAssignment, MentoringGroup
from mentoring.tests.factories import (
    PASSWORD,
    GoalAreaFactory,
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    accepted_mentee,
    add_to_group,
    programme_mentor,
)
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db(transaction=True)


# Helpers ---------------------------------------------------------------------------------------------------

GERMAN_FOUNDERS = ["Anna Adler", "Bernd Bauer", "Clara Conrad", "Dieter Dorn", "Eva Ernst"]
ENGLISH_JOBSEEKERS = ["Fay Fisher", "Gus Grant", "Hana Hill", "Ian Irwin"]


def a_programme(coordinator, name: str = "Newcomers 2027") -> Programme:
    """A programme in its matching phase, with groups of 3 to 5 mentees (usually 4), coordinated by ``coordinator``."""
    programme = ProgrammeFactory(
        name=name, status=ProgrammeStatus.MATCHING, group_size_min=3, group_size_target=4, group_size_max=5
    )
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    return programme


def two_kinds_of_mentees(programme: Programme, founders: list[str], jobseekers: list[str]) -> None:
    """German speakers free in the evenings who want to start a business; English speakers free in the mornings
    who prepare for job interviews."""
    business = GoalAreaFactory(programme=programme, name="Starting a business")
    interviews = GoalAreaFactory(programme=programme, name="Job interviews")
    for name in founders:
        accepted_mentee(
            programme,
            user=UserFactory(display_name=name),
            goal_areas=[business],
            languages="German",
            field="Trade",
            available_evenings=True,
        )
    for name in jobseekers:
        accepted_mentee(
            programme,
            user=UserFactory(display_name=name),
            goal_areas=[interviews],
            languages="English",
            field="Health care",
            available_evenings=False,
            available_mornings=True,
        )


def open_tab(page: Page, live_server, programme: Programme, tab: str) -> None:
    """From the programme's overview, the way a coordinator gets there: the programme's section tabs."""
    page.goto(f"{live_server.url}{reverse('programmes:detail', args=[programme.pk])}")
    page.get_by_role("navigation", name="Programme sections").get_by_role("link", name=tab, exact=True).click()


def sign_in_on_this_page(page: Page, email: str) -> None:
    """Signs in on the login page a link led to; the site then goes on to the page the link was for."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()


def card(page: Page, group_name: str):
    """A group's card on the proposal page (an <article> named by its heading)."""
    return page.get_by_role("article", name=group_name, exact=True)


def mentee_count(group: MentoringGroup) -> int:
    return GroupMembership.objects.current().filter(group=group, role=GroupRole.MENTEE).count()


# 1. Forming groups from a proposal ---------------------------------------------------------------------------


def test_a_coordinator_fixes_the_proposed_groups_renames_one_and_creates_them(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    programme = a_programme(world.coordinator)
    two_kinds_of_mentees(programme, GERMAN_FOUNDERS, ENGLISH_JOBSEEKERS)

    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, programme, "Groups")
    expect(page.get_by_role("heading", name="Groups", level=1)).to_be_visible()
    expect(page.get_by_text("9 accepted mentees have no group yet.")).to_be_visible()
    expect(page.get_by_text("No groups yet.")).to_be_visible()
    width.check("groups tab, before")
    page.get_by_role("button", name="Propose groups").click()

    # Nine mentees, groups of usually four: a group of five German speakers and one of four English speakers,
    # each explained by what all its members share.
    expect(page.get_by_role("heading", name="Proposed groups", level=1)).to_be_visible()
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("2 groups")
    expect(summary).to_contain_text("9 of 9 mentees placed")
    expect(page.get_by_role("region", name="Check these first")).to_have_count(0)
    founders = card(page, "Group 1: Starting a business")
    expect(founders).to_contain_text("5 mentees")
    for shared in ["All 5 share:", "Goal areas: Starting a business", "Languages: German", "Field: Trade"]:
        expect(founders).to_contain_text(shared)
    expect(founders).to_contain_text("Can meet: Weekday evenings")
    jobseekers = card(page, "Group 2: Job interviews")
    expect(jobseekers).to_contain_text("All 4 share:")
    expect(jobseekers).to_contain_text("Languages: English")
    width.check("proposal")
    page.shot("groups-proposal")

    # Fay goes to the German speakers, with the "Move … to" list and its button (no dragging): the proposal warns
    # that the group is now too large and that its members no longer share anything, she speaks no German.
    page.get_by_label("Move Fay Fisher to").select_option(label="Group 1: Starting a business")
    page.get_by_role("button", name="Move Fay Fisher", exact=True).click()
    expect(page.get_by_text("Fay Fisher is now in “Group 1: Starting a business”.")).to_be_visible()
    crowded = card(page, "Group 1: Starting a business")
    expect(crowded).to_contain_text("6 mentees")
    expect(crowded).to_contain_text("Too large")
    expect(crowded).to_contain_text("Fay Fisher speaks no language of the others.")
    warnings = page.get_by_role("region", name="Check these first")
    expect(warnings).to_contain_text(
        "“Group 1: Starting a business” has 6 mentees. In this programme, groups have 3 to 5 mentees."
    )
    expect(warnings).to_contain_text(
        "The members of “Group 1: Starting a business” have no language, time, goal area or field that they all share"
    )
    width.check("proposal after a move")
    page.shot("groups-proposal-moved")

    # She goes back, and the coordinator tries the German group in two halves, then merges them again.
    page.get_by_label("Move Fay Fisher to").select_option(label="Group 2: Job interviews")
    page.get_by_role("button", name="Move Fay Fisher", exact=True).click()
    expect(page.get_by_role("region", name="Check these first")).to_have_count(0)
    card(page, "Group 1: Starting a business").get_by_role("button", name=re.compile("^Split in two")).click()
    expect(page.get_by_role("region", name="Summary")).to_contain_text("3 groups")
    halves = page.get_by_role("article", name=re.compile("Starting a business"))
    expect(halves).to_have_count(2)
    second_half = halves.nth(1)
    expect(page.get_by_role("region", name="Check these first")).to_contain_text("has only 2 mentees")
    second_half.get_by_label("Merge this group into").select_option(label="Group 1: Starting a business")
    second_half.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_role("region", name="Summary")).to_contain_text("2 groups")
    expect(page.get_by_role("region", name="Check these first")).to_have_count(0)
    expect(card(page, "Group 1: Starting a business")).to_contain_text("All 5 share:")
    expect(card(page, "Group 2: Job interviews")).to_contain_text("All 4 share:")

    founders = card(page, "Group 1: Starting a business")
    founders.get_by_label("Name: Group 1: Starting a business").fill("Founders (German, evenings)")
    founders.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("The group is now called “Founders (German, evenings)”.")).to_be_visible()
    expect(card(page, "Founders (German, evenings)")).to_contain_text("5 mentees")
    width.check("proposal after renaming")
    page.shot("groups-proposal-ready")

    page.get_by_role("button", name="Confirm and create these groups").click()
    expect(page.get_by_text("Created 2 groups.")).to_be_visible()
    expect(page.get_by_role("heading", name="Groups", level=1)).to_be_visible()
    expect(page.get_by_text("Every accepted mentee has a group.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Founders \\(German, evenings\\)"))).to_contain_text("5 mentees")
    expect(page.get_by_role("row", name=re.compile("Group 2: Job interviews"))).to_contain_text("4 mentees")
    expect(page.get_by_role("row", name=re.compile("Founders"))).to_contain_text("No mentor yet")
    width.check("groups tab, after")
    page.shot("groups-created")

    groups = {group.name: group for group in MentoringGroup.objects.filter(programme=programme)}
    assert set(groups) == {"Founders (German, evenings)", "Group 2: Job interviews"}
    founders_members = GroupMembership.objects.filter(group=groups["Founders (German, evenings)"])
    assert sorted(founders_members.values_list("user__display_name", flat=True)) == GERMAN_FOUNDERS
    jobseekers_members = GroupMembership.objects.filter(group=groups["Group 2: Job interviews"])
    assert sorted(jobseekers_members.values_list("user__display_name", flat=True)) == ENGLISH_JOBSEEKERS
    assert {m.role for m in GroupMembership.objects.filter(group__programme=programme)} == {GroupRole.MENTEE}
    width.assert_all_fitted()


# 2. Moving a mentee from the keyboard alone ----------------------------------------------------------------------


def test_moving_a_mentee_works_from_the_keyboard_alone(screen, live_server, world):
    page = screen
    programme = a_programme(world.coordinator)
    two_kinds_of_mentees(programme, GERMAN_FOUNDERS[:3], ENGLISH_JOBSEEKERS[:3])
    sign_in(page, live_server, world.coordinator.email)
    page.goto(f"{live_server.url}{reverse('grouping:groups', args=[programme.pk])}")
    page.get_by_role("button", name="Propose groups").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Proposed groups", level=1)).to_be_visible()
    founders = page.get_by_role("article", name=re.compile(r"^Group \d: Starting a business$"))
    expect(founders).to_contain_text("All 3 share:")

    # From the group's name, Tab reaches its Rename button, then the "Move … to" list of its first member.
    founders.get_by_role("textbox", name=re.compile("^Name")).focus()
    page.keyboard.press("Tab")
    expect(founders.get_by_role("button", name="Rename")).to_be_focused()
    page.keyboard.press("Tab")
    move_to = page.get_by_label("Move Anna Adler to")
    expect(move_to).to_be_focused()
    expect(move_to.locator("option:checked")).to_have_text("Group 1: Job interviews")  # the other group comes first
    page.keyboard.press("ArrowDown")
    expect(move_to).to_have_value("new")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move Anna Adler", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Anna Adler is now in “Group 3: Starting a business”.")).to_be_visible()
    alone = card(page, "Group 3: Starting a business")
    expect(alone).to_contain_text("1 mentee")
    expect(alone).to_contain_text("Too small")
    expect(card(page, "Group 2: Starting a business")).to_contain_text("2 mentees")
    page.shot("groups-proposal-keyboard")

    # And back, with Space on the button this time.
    alone.get_by_role("textbox", name=re.compile("^Name")).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    move_to = page.get_by_label("Move Anna Adler to")
    expect(move_to).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(move_to.locator("option:checked")).to_have_text("Group 2: Starting a business")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move Anna Adler", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_text("Anna Adler is now in “Group 2: Starting a business”.")).to_be_visible()
    expect(card(page, "Group 2: Starting a business")).to_contain_text("All 3 share:")
    expect(page.get_by_role("region", name="Summary")).to_contain_text("2 groups")
    assert not MentoringGroup.objects.filter(programme=programme).exists(), "nothing is saved before confirming"


# 3. Matching mentors, and their answers ----------------------------------------------------------------------------


def test_a_mentor_accepts_a_request_and_another_declines_one_from_propose_all(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    programme = a_programme(world.coordinator, name="Bridges")
    business = GoalAreaFactory(programme=programme, name="Starting a business")
    interviews = GoalAreaFactory(programme=programme, name="Job interviews")
    founders = MentoringGroupFactory(programme=programme, name="Founders")
    jobseekers = MentoringGroupFactory(programme=programme, name="Jobseekers")
    for _ in range(3):
        german = accepted_mentee(programme, goal_areas=[business], languages="German", available_evenings=True)
        add_to_group(founders, german, GroupRole.MENTEE)
        english = accepted_mentee(
            programme, goal_areas=[interviews], languages="English", available_evenings=False, available_mornings=True
        )
        add_to_group(jobseekers, english, GroupRole.MENTEE)
    mara = programme_mentor(
        programme,
        user=UserFactory(email="mara@example.org", display_name="Mara Mentor"),
        expertise="Starting a business, Accounting",
        languages="German",
        max_groups=1,
        available_evenings=True,
    )
    nils = programme_mentor(
        programme,
        user=UserFactory(email="nils@example.org", display_name="Nils Nurse"),
        expertise="Job interviews, Health care",
        languages="English",
        max_groups=1,
        available_evenings=False,
        available_mornings=True,
    )
    programme_mentor(
        programme,
        user=UserFactory(email="olga@example.org", display_name="Olga Gardener"),
        expertise="Gardening",
        languages="English, German",
        max_groups=1,
        available_evenings=True,
    )

    # The coordinator asks the best mentor for the founders.
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, programme, "Matching")
    expect(page.get_by_role("heading", name="Matching mentors with groups", level=1)).to_be_visible()
    unmatched = page.get_by_role("region", name="Groups without a mentor")
    expect(unmatched.get_by_role("row", name=re.compile("Founders"))).to_be_visible()
    expect(unmatched.get_by_role("row", name=re.compile("Jobseekers"))).to_be_visible()
    width.check("matching tab")
    page.shot("matching")
    # (The hidden group name after the link's text is read as a separate piece: "See suggested mentors : Founders".)
    unmatched.get_by_role("link", name=re.compile(r"^See suggested mentors\W+Founders$")).click()

    expect(page.get_by_role("heading", name="Mentors for Founders", level=1)).to_be_visible()
    suggested = page.get_by_role("region", name="Suggested mentors, best first")
    best = suggested.get_by_role("listitem").first
    expect(best.get_by_role("heading", name=re.compile("^Mara Mentor"))).to_be_visible()
    expect(best).to_contain_text("of 100 points")
    expect(best).to_contain_text("From their expertise: Starting a business.")
    expect(best).to_contain_text("Goal areas 40 / 40")
    expect(best).to_contain_text("Speaks German.")
    expect(best).to_contain_text("Can meet: Weekday evenings.")
    expect(suggested.get_by_role("listitem").filter(has_text="Nils Nurse")).to_contain_text("Not possible")
    width.check("suggestions")
    page.shot("matching-suggestions")
    best.get_by_role("button", name="Ask Mara Mentor to mentor this group").click()
    expect(page.get_by_text("We asked Mara Mentor to mentor Founders; they will get an email.")).to_be_visible()
    expect(page.get_by_role("region", name="Waiting for an answer")).to_contain_text("Mara Mentor")

    # Mara follows the link in her email, signs in and says yes.
    request_email = email_to("mara@example.org", deliver_queued_emails())
    assert "Founders" in request_email.body
    link = link_in(request_email, "/groups/requests/", live_server)
    as_someone_else(page)
    page.goto(link)
    sign_in_on_this_page(page, "mara@example.org")
    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", name="Would you mentor Founders?", level=1)).to_be_visible()
    width.check("mentor request")
    page.shot("mentor-request")
    page.get_by_role("button", name="Accept: I will mentor this group").click()
    expect(page.get_by_text("Thank you! You are now the mentor of Founders.")).to_be_visible()
    page.get_by_role("link", name="Go to the group").click()
    expect(page.get_by_role("heading", name="Founders", level=1)).to_be_visible()
    expect(page.get_by_text("You are this group's mentor.")).to_be_visible()
    members = page.get_by_role("region", name="Members")
    expect(members.get_by_role("heading", name="1 mentor")).to_be_visible()
    expect(members).to_contain_text("Mara Mentor (you)")
    width.check("group page, mentor")
    page.shot("group-with-mentor")
    assert GroupMembership.objects.current().filter(group=founders, user=mara, role=GroupRole.MENTOR).exists()

    # The coordinator proposes mentors for the groups left: only the job seekers, for whom Nils is best.
    as_someone_else(page)
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, programme, "Matching")
    expect(page.get_by_role("region", name="Groups with a mentor")).to_contain_text("Mara Mentor")
    page.get_by_role("button", name="Propose mentors for all groups").click()
    expect(page.get_by_role("heading", name="Proposed mentors for all groups", level=1)).to_be_visible()
    pairs = page.get_by_role("region", name="Groups and their proposed mentor")
    expect(pairs).to_contain_text("1 group matched")
    expect(pairs.get_by_role("heading", name=re.compile("^Jobseekers: Nils Nurse"))).to_be_visible()
    expect(pairs).to_contain_text("From their expertise: Job interviews.")
    width.check("propose all")
    page.shot("matching-propose-all")
    page.get_by_role("button", name="Ask these mentors").click()
    expect(page.get_by_text("We asked mentors to take 1 group. Each mentor will get an email.")).to_be_visible()

    # Nils says no, with a message; the coordinators hear of it by email.
    request_email = email_to("nils@example.org", deliver_queued_emails())
    link = link_in(request_email, "/groups/requests/", live_server)
    as_someone_else(page)
    page.goto(link)
    sign_in_on_this_page(page, "nils@example.org")
    expect(page.get_by_role("heading", name="Would you mentor Jobseekers?", level=1)).to_be_visible()
    page.get_by_label("A message for the coordinators").fill("I am away until March. Ask me again then!")
    page.get_by_role("button", name="Decline: I cannot mentor this group").click()
    expect(page.get_by_text("Thank you for your answer. The coordinators will ask another mentor.")).to_be_visible()
    expect(page.get_by_text("I am away until March. Ask me again then!")).to_be_visible()
    width.check("mentor request, declined")
    page.shot("mentor-request-declined")
    assert nils.mentor_assignments.get().status == AssignmentStatus.DECLINED

    declined_email = email_to(world.coordinator.email, deliver_queued_emails())
    assert "Nils Nurse cannot mentor Jobseekers" in declined_email.subject
    assert "I am away until March. Ask me again then!" in declined_email.body
    link = link_in(declined_email, f"/programmes/{programme.pk}/matching/", live_server)

    as_someone_else(page)
    page.goto(link)
    sign_in_on_this_page(page, world.coordinator.email)
    expect(page.get_by_role("heading", name="Mentors for Jobseekers", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Ask .* to mentor this group$"))).not_to_have_count(0)
    open_tab(page, live_server, programme, "Matching")
    unmatched = page.get_by_role("region", name="Groups without a mentor")
    expect(unmatched.get_by_role("row", name=re.compile("Jobseekers"))).to_be_visible()
    expect(unmatched.get_by_role("row", name=re.compile("Founders"))).to_have_count(0)
    declines = page.get_by_role("region", name="Recent answers of “no”")
    expect(declines).to_contain_text("Nils Nurse said no to Jobseekers.")
    expect(declines).to_contain_text("I am away until March. Ask me again then!")
    width.check("matching tab after a decline")
    page.shot("matching-after-decline")
    assert not MentorAssignment.objects.filter(group=jobseekers, status=AssignmentStatus.PENDING).exists()
    width.assert_all_fitted()


# 4. The group's wishes for a mentor ---------------------------------------------------------------------------


def test_the_mentees_change_and_agree_to_their_wishes_for_a_mentor(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    programme = a_programme(world.coordinator, name="Bridges")
    business = GoalAreaFactory(programme=programme, name="Starting a business")
    group = MentoringGroupFactory(programme=programme, name="Founders")
    amira = UserFactory(email="amira@example.org", display_name="Amira Azizi")
    bruno = UserFactory(email="bruno@example.org", display_name="Bruno Brandt")
    for person in (amira, bruno):
        accepted_mentee(programme, user=person, goal_areas=[business], languages="German, Arabic")
        add_to_group(group, person, GroupRole.MENTEE)
    support = "Help with the business plan, and with letters from the tax office."

    sign_in(page, live_server, amira.email)
    page.locator("main").get_by_role("link", name="Founders", exact=True).click()
    expect(page.get_by_role("heading", name="Founders", level=1)).to_be_visible()
    wishes = page.get_by_role("region", name="The group's wishes for a mentor")
    expect(wishes).to_contain_text("0 of 2 agreed")
    expect(wishes).to_contain_text("Please read your group's wishes for a mentor. Change them, or say that you agree.")
    width.check("group page, mentee")
    page.shot("group-wishes-call")
    wishes.get_by_role("link", name="Read the wishes and agree").click()

    expect(page.get_by_role("heading", name="Our wishes for a mentor", level=1)).to_be_visible()
    page.get_by_text("Open the form to change them").click()
    page.get_by_label("The support we want").fill(support)
    width.check("wishes form")
    page.shot("group-wishes-form")
    page.get_by_role("button", name="Save the changes").click()
    expect(
        page.get_by_text(
            "The wishes are saved, and you agree to them. The others in your group are asked to read them again."
        )
    ).to_be_visible()
    expect(page.get_by_role("region", name="The wishes now")).to_contain_text(support)
    who = page.get_by_role("region", name="Who agrees")
    expect(who).to_contain_text("1 of 2 agreed")
    expect(who).to_contain_text("Amira Azizi (you)")
    expect(who).to_contain_text("You agree to this version of the wishes.")

    as_someone_else(page)
    sign_in(page, live_server, bruno.email)
    page.locator("main").get_by_role("link", name="Founders", exact=True).click()
    wishes = page.get_by_role("region", name="The group's wishes for a mentor")
    expect(wishes).to_contain_text("1 of 2 agreed")
    wishes.get_by_role("link", name="Read the wishes and agree").click()
    expect(page.get_by_role("region", name="The wishes now")).to_contain_text(support)
    expect(page.get_by_role("region", name="The wishes now")).to_contain_text("changed by Amira Azizi")
    page.get_by_role("button", name="I agree to these wishes").click()
    expect(page.get_by_text("Thank you. Everyone in the group has now agreed to the wishes.")).to_be_visible()
    who = page.get_by_role("region", name="Who agrees")
    expect(who).to_contain_text("2 of 2 agreed")
    expect(who).to_contain_text("agreed by all")
    width.check("wishes agreed")
    page.shot("group-wishes-agreed")
    page.get_by_role("link", name="Back to the group").click()
    expect(page.get_by_role("region", name="The group's wishes for a mentor")).to_contain_text(
        "2 of 2 agreed · agreed by all"
    )
    expect(page.get_by_role("link", name="Read the wishes and agree")).to_have_count(0)
    width.assert_all_fitted()
