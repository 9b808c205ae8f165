"""Contracts and goals in a real browser, at desktop and phone widths: a mentor-led group writes its contract,
proposes it, and everyone agrees until it is in force (and prints it); an amendment, the coordinator's reminder
and everyone agreeing again; goals, with a mentee's own goal private until she shares it, and the coordinator
seeing only numbers.

No Celery worker runs in tests: after a step that sends email, the test delivers the queued emails itself
(``deliver_queued_emails``); they land in ``mail.outbox``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from e2e.test_first_journeys import sign_in
from e2e.test_group_journeys import open_tab, sign_in_on_this_page
from e2e.test_recruitment_journeys import PageWidth, as_someone_else, deliver_queued_emails, email_to, link_in
from groups.models import ContractVersion, Goal, GoalStatus, GroupRole, MentoringGroup, VersionStatus
from groups.services import contracts
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeMembership, Role

pytestmark = pytest.mark.django_db(transaction=True)


# Helpers ---------------------------------------------------------------------------------------------------

IN_THE_LIBRARY = "We meet in the city library, room 3, on the first and third Monday of the month."
IN_THE_LIBRARY_OR_ONLINE = (
    "We meet in the city library, room 3, or online by video, on the first and third Monday of the month."
)


@dataclass
class Founders:
    """A running programme coordinated by Cora, and its mentor-led group: Mara mentors Amira and Bruno."""

    programme: Programme
    group: MentoringGroup
    coordinator: User
    mentor: User
    amira: User
    bruno: User

    @property
    def contract_path(self) -> str:
        return reverse("groups:contract", args=[self.group.pk])


def founders() -> Founders:
    programme = ProgrammeFactory(
        name="Bridges",
        starts_on=datetime.date(2027, 1, 11),
        ends_on=datetime.date(2027, 6, 28),
        sessions_per_month=2,
        session_minutes=120,
    )
    coordinator = UserFactory(email="cora@example.org", display_name="Cora Coordinator")
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    group = MentoringGroupFactory(programme=programme, name="Founders")
    mentor = UserFactory(email="mara@example.org", display_name="Mara Mentor")
    amira = UserFactory(email="amira@example.org", display_name="Amira Azizi")
    bruno = UserFactory(email="bruno@example.org", display_name="Bruno Brandt")
    add_to_group(group, mentor, GroupRole.MENTOR)
    add_to_group(group, amira, GroupRole.MENTEE)
    add_to_group(group, bruno, GroupRole.MENTEE)
    return Founders(programme, group, coordinator, mentor, amira, bruno)


def contract_in_force(people: Founders) -> ContractVersion:
    """Version 1, written by the mentor, proposed (its emails sent) and agreed by everyone: through the services."""
    contracts.save_draft(group=people.group, by=people.mentor, tools_and_channels=IN_THE_LIBRARY)
    contracts.propose(group=people.group, by=people.mentor)
    deliver_queued_emails()
    for person in (people.amira, people.bruno, people.mentor):
        contracts.agree(group=people.group, user=person, number=1)
    version = ContractVersion.objects.get(contract__group=people.group, number=1)
    assert version.status == VersionStatus.IN_FORCE
    return version


def agree_from_the_email(page: Page, live_server, person: User, link: str) -> None:
    """The person opens the link in their email in a browser of their own, signs in and agrees."""
    as_someone_else(page)
    page.goto(link)
    sign_in_on_this_page(page, person.email)
    expect(page).to_have_url(link)
    page.get_by_role("button", name="I agree", exact=True).click()


def open_the_group(page: Page, name: str = "Founders") -> None:
    """From the home page, the way a member gets there."""
    page.locator("main").get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name=name, level=1, exact=True)).to_be_visible()


def open_the_goals(page: Page) -> None:
    open_the_group(page)
    page.get_by_role("region", name="Goals").get_by_role(
        "link", name=re.compile("^(Go to the goals|See the goals)")
    ).click()
    expect(page.get_by_role("heading", name="Goals of Founders", level=1)).to_be_visible()


# 1. The contract comes into force --------------------------------------------------------------------------


def test_the_mentor_writes_the_contract_and_it_comes_into_force_when_everyone_agrees(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    contract_url = f"{live_server.url}{people.contract_path}"

    # The mentor starts the contract from the group's page: the programme's dates and rhythm are filled in.
    sign_in(page, live_server, people.mentor.email)
    open_the_group(page)
    summary = page.get_by_role("region", name="The group's contract")
    expect(summary).to_contain_text("No contract yet.")
    summary.get_by_role("link", name="Read the contract").click()
    expect(page.get_by_role("heading", name="The contract of Founders", level=1)).to_be_visible()
    width.check("contract, none yet")
    page.get_by_role("link", name="Start the contract").click()

    expect(page.get_by_role("heading", name="Write the contract", level=1)).to_be_visible()
    expect(page.get_by_label("First session")).to_have_value("2027-01-11")
    expect(page.get_by_label("Last session")).to_have_value("2027-06-28")
    expect(page.get_by_label("Sessions a month")).to_have_value("2")
    expect(page.get_by_label("Minutes a session")).to_have_value("120")
    tools = page.get_by_label("Tools and channels")
    expect(tools).to_have_value(re.compile("^We meet in person"))  # the programme template's default text
    tools.fill(IN_THE_LIBRARY)
    width.check("contract form")
    page.shot("contract-form")
    page.get_by_role("button", name="Save the draft").click()

    expect(page.get_by_text("The draft is saved. When it is ready, propose it to the group.")).to_be_visible()
    draft = page.get_by_role("region", name="The contract is being written (version 1)")
    expect(draft).to_be_visible()
    width.check("contract, draft")
    draft.get_by_role("button", name="Propose to the group").click()
    expect(
        page.get_by_text("The contract is proposed. Everyone in the group gets an email to read it.")
    ).to_be_visible()
    proposal = page.get_by_role("region", name="Proposed contract: version 1")
    expect(proposal).to_contain_text("0 of 3 agreed")
    expect(proposal).to_contain_text(IN_THE_LIBRARY)
    page.shot("contract-proposed")

    # Everyone, the mentor included, gets an email with a link to the contract.
    emails = deliver_queued_emails()
    links = {}
    for person in (people.amira, people.bruno, people.mentor):
        message = email_to(person.email, emails)
        assert "Founders" in message.subject
        links[person.pk] = link_in(message, people.contract_path, live_server)
    assert set(links.values()) == {contract_url}

    # Each mentee reads it and agrees.
    for done, mentee in enumerate((people.amira, people.bruno), start=1):
        as_someone_else(page)
        page.goto(links[mentee.pk])
        sign_in_on_this_page(page, mentee.email)
        expect(page).to_have_url(contract_url)
        expect(page.get_by_text("Your group's contract is ready. Please read it and say if you agree.")).to_be_visible()
        proposal = page.get_by_role("region", name="Proposed contract: version 1")
        expect(proposal).to_contain_text(IN_THE_LIBRARY)
        expect(proposal).to_contain_text(f"{done - 1} of 3 agreed")
        width.check(f"contract to agree, mentee {done}")
        if done == 1:
            page.shot("contract-to-agree")
        proposal.get_by_role("button", name="I agree", exact=True).click()
        expect(page.get_by_text("Thank you. Your agreement is recorded.")).to_be_visible()
        proposal = page.get_by_role("region", name="Proposed contract: version 1")
        expect(proposal).to_contain_text(f"{done} of 3 agreed")
        expect(proposal).to_contain_text("You agree to this version.")
        expect(proposal.get_by_role("button", name="I agree", exact=True)).to_have_count(0)

    # The mentor agrees last: the contract is in force, with who agreed when.
    agree_from_the_email(page, live_server, people.mentor, links[people.mentor.pk])
    expect(page.get_by_text("Thank you. Everyone has agreed, so the contract is now in force.")).to_be_visible()
    in_force = page.get_by_role("region", name="The contract in force")
    expect(in_force).to_contain_text(re.compile(r"Version 1, in force since \w"))
    expect(in_force).to_contain_text(IN_THE_LIBRARY)
    for person in (people.amira, people.bruno, people.mentor):
        agreed = in_force.get_by_role("listitem").filter(has_text=person.display_name)
        expect(agreed).to_have_count(1)
        expect(agreed.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(in_force).to_contain_text("Mara Mentor (you)")
    expect(page.get_by_role("region", name=re.compile("^Proposed contract"))).to_have_count(0)
    history = page.get_by_role("region", name="All versions")
    expect(history.get_by_role("row", name=re.compile("^Version 1"))).to_contain_text("In force")
    width.check("contract in force")
    page.shot("contract-in-force")
    assert ContractVersion.objects.get(contract__group=people.group).status == VersionStatus.IN_FORCE

    # The print page: the version in force and who agreed, without the site's navigation on paper.
    in_force.get_by_role("link", name="Print the contract").click()
    expect(page.get_by_role("heading", name="Mentoring contract", level=1)).to_be_visible()
    expect(page.get_by_text("Version 1, in force since")).to_be_visible()
    expect(page.locator("main")).to_contain_text(IN_THE_LIBRARY)
    signatures = page.get_by_role("table", name="Everyone who agreed to this version, and when")
    for person in (people.amira, people.bruno, people.mentor):
        expect(signatures.get_by_role("row", name=re.compile(person.display_name))).to_have_count(1)
    site_navigation = page.get_by_role("navigation", name="Main")
    expect(site_navigation).to_be_visible()
    width.check("print page")
    page.emulate_media(media="print")
    expect(site_navigation).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the contract")).to_be_hidden()
    expect(page.get_by_role("heading", name="Mentoring contract", level=1)).to_be_visible()
    expect(page.get_by_text(IN_THE_LIBRARY)).to_be_visible()
    expect(signatures).to_be_visible()
    page.shot("contract-print")
    page.emulate_media(media="screen")
    width.assert_all_fitted()


# 2. An amendment -------------------------------------------------------------------------------------------


def test_an_amendment_is_agreed_again_after_the_coordinators_reminder(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    contract_in_force(people)
    contract_url = f"{live_server.url}{people.contract_path}"
    change_note = "We also meet online when the library is closed."

    # The mentor writes an amendment: it starts from the version in force and says what changes.
    sign_in(page, live_server, people.mentor.email)
    page.goto(contract_url)
    in_force = page.get_by_role("region", name="The contract in force")
    expect(in_force).to_contain_text("Version 1, in force since")
    in_force.get_by_role("link", name="Write an amendment").click()
    expect(page.get_by_role("heading", name="Write an amendment", level=1)).to_be_visible()
    tools = page.get_by_label("Tools and channels")
    expect(tools).to_have_value(IN_THE_LIBRARY)
    tools.fill(IN_THE_LIBRARY_OR_ONLINE)
    page.get_by_role("button", name="Save the draft").click()
    # An amendment must say what it changes. (The form's own words for this, "Please say what this amendment
    # changes.", never show: the field's generic "required" message comes first.)
    what_changes = page.get_by_label("What changes")
    expect(what_changes).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text(re.compile("^(This field is required|Please say what this amendment changes)"))
    ).to_be_visible()
    expect(tools).to_have_value(IN_THE_LIBRARY_OR_ONLINE)  # the text written so far is kept
    what_changes.fill(change_note)
    width.check("amendment form")
    page.shot("contract-amendment-form")
    page.get_by_role("button", name="Save the draft").click()

    expect(page.get_by_text("The draft is saved. When it is ready, propose it to the group.")).to_be_visible()
    draft = page.get_by_role("region", name="An amendment is being written (version 2)")
    expect(draft).to_contain_text(change_note)
    draft.get_by_role("button", name="Propose to the group").click()
    expect(
        page.get_by_text("The amendment is proposed. Everyone in the group gets an email to read it.")
    ).to_be_visible()
    proposal = page.get_by_role("region", name="Proposed amendment: version 2")
    expect(proposal).to_contain_text("0 of 3 agreed")
    expect(proposal).to_contain_text("The version in force stays in force until everyone agrees to this one.")
    emails = deliver_queued_emails()
    assert len(emails) == 3
    assert change_note in email_to(people.amira.email, emails).body

    # The version's page shows what is different: the added words marked.
    proposal.get_by_role("link", name="See exactly what is different from the earlier version").click()
    expect(page.get_by_role("heading", name="Version 2 of the contract of Founders", level=1)).to_be_visible()
    changes = page.get_by_role("region", name="What is different from version 1")
    expect(page.get_by_text(change_note)).to_be_visible()
    changed = changes.get_by_role("region", name=re.compile("^Tools and channels"))
    expect(changed).to_contain_text("changed")
    expect(changed.locator("ins")).to_have_text(re.compile(r"^Added:\s+or online by video,$"))
    expect(changed.locator("del")).to_have_count(0)
    expect(changes.get_by_text("How a session runs: unchanged")).to_be_visible()
    width.check("version 2, the differences")
    page.shot("contract-version-differences")

    # The mentor agrees; the others have not yet.
    page.get_by_role("link", name="Back to the contract").click()
    proposal = page.get_by_role("region", name="Proposed amendment: version 2")
    proposal.get_by_role("button", name="I agree", exact=True).click()
    expect(page.get_by_text("Thank you. Your agreement is recorded.")).to_be_visible()
    expect(page.get_by_role("region", name="Proposed amendment: version 2")).to_contain_text("1 of 3 agreed")

    # The coordinator sees who has not agreed, and reminds them: once a day.
    as_someone_else(page)
    sign_in(page, live_server, people.coordinator.email)
    open_tab(page, live_server, people.programme, "Contracts")
    expect(page.get_by_role("heading", name="The groups' contracts", level=1)).to_be_visible()
    row = page.get_by_role("row", name=re.compile("^Founders"))
    expect(row).to_contain_text("Amendment proposed: 1 of 3 agreed")
    expect(row).to_contain_text("In force since")
    expect(row).to_contain_text("Amira Azizi, Bruno Brandt")
    expect(row).not_to_contain_text("Mara Mentor")
    width.check("contracts tab")
    page.shot("contracts-tab")
    row.get_by_role("button", name="Send a reminder to Founders").click()
    expect(page.get_by_text("2 people in “Founders” get a reminder by email.")).to_be_visible()
    reminders = deliver_queued_emails()
    assert sorted(message.to[0] for message in reminders) == [people.amira.email, people.bruno.email]
    assert "Reminder" in reminders[0].subject
    row.get_by_role("button", name="Send a reminder to Founders").click()  # again, the same day
    expect(
        page.get_by_text("Everyone in “Founders” who has not agreed got a reminder today already. Try again tomorrow.")
    ).to_be_visible()
    assert deliver_queued_emails() == []
    width.check("contracts tab, reminded already")
    page.shot("contracts-tab-reminded")

    # The mentees agree from the reminder; with the last one, version 2 is in force and version 1 replaced.
    link = link_in(email_to(people.amira.email, reminders), people.contract_path, live_server)
    agree_from_the_email(page, live_server, people.amira, link)
    expect(page.get_by_text("Thank you. Your agreement is recorded.")).to_be_visible()
    expect(page.get_by_role("region", name="The contract in force")).to_contain_text("Version 1")
    link = link_in(email_to(people.bruno.email, reminders), people.contract_path, live_server)
    agree_from_the_email(page, live_server, people.bruno, link)
    expect(page.get_by_text("Thank you. Everyone has agreed, so the contract is now in force.")).to_be_visible()
    in_force = page.get_by_role("region", name="The contract in force")
    expect(in_force).to_contain_text("Version 2, in force since")
    expect(in_force).to_contain_text(IN_THE_LIBRARY_OR_ONLINE)
    history = page.get_by_role("region", name="All versions")
    expect(history.get_by_role("row", name=re.compile("^Version 2"))).to_contain_text("In force")
    expect(history.get_by_role("row", name=re.compile("^Version 1"))).to_contain_text("Replaced by a later version")
    width.check("contract, version 2 in force")
    page.shot("contract-amendment-in-force")
    statuses = dict(ContractVersion.objects.filter(contract__group=people.group).values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.IN_FORCE}
    assert contract_url == page.url
    width.assert_all_fitted()


# 3. Goals and who sees them ---------------------------------------------------------------------------------


def test_a_mentees_own_goal_is_private_until_she_shares_it_and_the_coordinator_sees_only_numbers(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    common_goal = "Each of us has a first job interview by March"
    own_goal = "Pass the B2 German exam"
    how = "Two evening classes a week, and practice with a neighbour."
    note = "I signed up for the exam on 14 March."

    # The mentor adds a common goal.
    sign_in(page, live_server, people.mentor.email)
    open_the_goals(page)
    expect(page.get_by_text("No common goals yet.")).to_be_visible()
    page.get_by_role("link", name="Add a common goal").click()
    expect(page.get_by_role("heading", name="Add a common goal", level=1)).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Goal")).fill(common_goal)
    width.check("common goal form")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("The common goal is added. Everyone in the group can see it.")).to_be_visible()
    expect(page.get_by_role("heading", name=common_goal, level=1)).to_be_visible()

    # Amira adds her own goal, not shared, and posts progress on it.
    as_someone_else(page)
    sign_in(page, live_server, people.amira.email)
    open_the_goals(page)
    expect(page.get_by_role("region", name="Common goals")).to_contain_text(common_goal)
    page.get_by_role("link", name="Add your first goal").click()
    expect(page.get_by_role("heading", name="Add a goal", level=1)).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Goal")).fill(own_goal)
    page.get_by_label("How I will work on it").fill(how)
    page.get_by_label("Target date").fill("2027-04-30")
    expect(page.get_by_label("Share with my group")).not_to_be_checked()
    width.check("own goal form")
    page.shot("goal-form")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("Your goal is added. Only you and your mentor can see it.")).to_be_visible()
    expect(page.get_by_role("heading", name=own_goal, level=1)).to_be_visible()
    expect(page.get_by_text("Not shared with the group")).to_be_visible()
    update = page.get_by_role("region", name="Post an update")
    update.get_by_label("Status now").select_option(label="In progress")
    update.get_by_label("What happened?").fill(note)
    update.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Thank you. Your update is saved.")).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("In progress")
    expect(history).to_contain_text(note)
    expect(history).to_contain_text("Amira Azizi")
    width.check("own goal with an update")
    page.shot("goal-detail")
    goal = Goal.objects.get(title=own_goal)
    assert (goal.status, goal.shared_with_group) == (GoalStatus.IN_PROGRESS, False)
    goal_url = f"{live_server.url}{reverse('groups:goal', args=[people.group.pk, goal.pk])}"

    # Bruno does not see it, not even by its address.
    as_someone_else(page)
    sign_in(page, live_server, people.bruno.email)
    open_the_goals(page)
    expect(page.get_by_role("region", name="Common goals")).to_contain_text(common_goal)
    expect(page.get_by_role("region", name="Goals others shared with the group")).to_contain_text(
        "Nobody has shared a goal with the group yet."
    )
    expect(page.locator("main")).not_to_contain_text(own_goal)
    width.check("goals, another mentee")
    assert page.goto(goal_url).status == 404

    # The mentor sees it, with its latest update, under Amira's name.
    as_someone_else(page)
    sign_in(page, live_server, people.mentor.email)
    open_the_goals(page)
    mentees = page.get_by_role("region", name="Your mentees' goals")
    amiras = mentees.get_by_role("listitem").filter(has_text=own_goal)
    expect(amiras).to_contain_text("In progress")
    expect(amiras).to_contain_text("Not shared with the group")
    expect(amiras).to_contain_text(note)
    width.check("goals, mentor")
    page.shot("goals-mentor")

    # Amira shares it with the group.
    as_someone_else(page)
    sign_in(page, live_server, people.amira.email)
    page.goto(goal_url)
    page.get_by_role("link", name="Change the goal").click()
    expect(page.get_by_role("heading", name="Change the goal", level=1)).to_be_visible()
    page.get_by_label("Share with my group").check()
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_text("The goal is saved.")).to_be_visible()
    expect(page.get_by_text("Shared with the group", exact=True)).to_be_visible()

    # Now Bruno sees it, and how it is going.
    as_someone_else(page)
    sign_in(page, live_server, people.bruno.email)
    open_the_goals(page)
    shared = page.get_by_role("region", name="Goals others shared with the group")
    expect(shared).to_contain_text("Amira Azizi")
    shared.get_by_role("link", name=own_goal).click()
    expect(page.get_by_role("heading", name=own_goal, level=1)).to_be_visible()
    expect(page.get_by_role("region", name="History")).to_contain_text(note)
    expect(page.get_by_text("Only Amira Azizi can change the words of this goal.")).to_be_visible()
    expect(page.get_by_role("region", name="Post an update")).to_have_count(0)
    width.check("shared goal, another mentee")
    page.shot("goal-shared")

    # The coordinator sees numbers by status, never the words; the group's goals page is not for them.
    as_someone_else(page)
    sign_in(page, live_server, people.coordinator.email)
    open_tab(page, live_server, people.programme, "Goals")
    expect(page.get_by_role("heading", name="Goals", level=1)).to_be_visible()
    founders_rows = page.get_by_role("rowgroup").filter(has_text="Founders")
    # Columns: not started, in progress, achieved, changed, dropped, all (then recent updates on the first row).
    expect(founders_rows.get_by_role("row").nth(0).locator("td")).to_have_text(["1", "0", "0", "0", "0", "1", "1"])
    expect(founders_rows.get_by_role("row").nth(1).locator("td")).to_have_text(["0", "1", "0", "0", "0", "1"])
    main = page.locator("main")
    for words in (common_goal, own_goal, how, note):
        expect(main).not_to_contain_text(words)
    assert not any(words in page.content() for words in (common_goal, own_goal, how, note))
    width.check("goals tab")
    page.shot("goals-tab")
    response = page.goto(f"{live_server.url}{reverse('groups:goals', args=[people.group.pk])}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do this here", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(own_goal)
    width.assert_all_fitted()
