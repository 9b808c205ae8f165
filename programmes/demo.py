"""Demo data for trying the product on a laptop: never for production (the command refuses there).

Three programmes: one running, with four mentor-led groups, a mentor circle of their mentors and three programme
events (a mentee workshop, a mentor training in two weeks, the final common meeting near the end); one in
matching, with fourteen accepted mentees waiting to be put into groups and four mentors with places free; and one
recruiting, with an application page (introduction and goal
areas), applications waiting for a decision, one on the waiting list, one from a mentor, and an invitation still
pending. The four demo mentors have profiles in the mentor data bank, two of them with a coordinator's feedback.

Everything is looked up by natural key before it is created, so running it again adds what is missing and
leaves what exists as it is (a demo membership withdrawn by hand becomes active again). Dates are relative to
the day the demo is first loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.access import GroupAccess
from groups.models import Contract, GoalStatus, GroupKind, GroupMembership, GroupRole, Meeting, MentoringGroup
from groups.services import contracts, goals, scheduling, session_log
from groups.services.kinds import create_circle
from outbox.models import EmailStatus, OutgoingEmail
from programmes.models import (
    Application,
    ApplicationStatus,
    Availability,
    Engagement,
    EventKind,
    Invitation,
    InvitationStatus,
    MentorFeedback,
    MentorProfile,
    Programme,
    ProgrammeEvent,
    ProgrammeStatus,
    Role,
)
from programmes.services import add_member
from programmes.services.applications import decide, submit_application, update_recruitment
from programmes.services.bank import record_feedback, save_own_profile
from programmes.services.events import create_event
from programmes.services.invitations import Invitee, invite, resend

DEMO_PASSWORD = "demo-password"
DEMO_TIME_ZONE = "Europe/Berlin"
DEMO_LOGINS = {
    "coordinator": "coordinator@demo.example",
    "mentor": "mentor@demo.example",
    "mentee": "mentee@demo.example",
}

COORDINATOR = ("coordinator@demo.example", "Sanna Lindqvist")
MENTORS = [
    ("mentor@demo.example", "Jonas Weber"),
    ("mentor.2@demo.example", "Grace Okafor"),
    ("mentor.3@demo.example", "Marta Kowalska"),
    ("mentor.4@demo.example", "Daniel Ferreira"),
]
GROUPS = [
    (
        "Starting out on your own",
        "Planning a small business or freelance work: customers, prices, paperwork.",
        ("mentee@demo.example", "Amina Haddad"),
        ["Tomasz Nowak", "Leila Rahimi", "Oksana Melnyk", "Samuel Mensah"],
    ),
    (
        "Back to work after a break",
        "Returning after parental leave, illness or caring: confidence, CVs, interviews.",
        None,
        ["Hanna Schulz", "Priya Natarajan", "Fatima Ali", "Elena Popescu", "Mehmet Yilmaz"],
    ),
    (
        "Into health and care work",
        "Getting qualifications recognised and finding a first job in health or care.",
        None,
        ["Aisha Bello", "Nour Khalil", "Irina Volkova", "Lucas Moreau"],
    ),
    (
        "Office and digital skills",
        "Moving into office work: digital tools, workplace language and applying online.",
        None,
        ["Yusuf Demir", "Sofia Rossi", "Abdi Warsame", "Mei Chen"],
    ),
]

# The recruiting programme's application page.
APPLICATION_INTRO = (
    "Leading in Tech is six months of group mentoring for women who lead a team in technology for the first "
    "time, or are about to. Groups of four to five meet twice a month, online or in Berlin, with a mentor who "
    "has led tech teams herself.\n\n"
    "Tell us what you want to work on and when you can meet: we use your answers only to form the groups, and "
    "we answer every application within two weeks."
)
GOAL_AREAS = [
    "Finding a leadership role in your field",
    "Leading a team for the first time",
    "Language at work",
    "Changing career into tech",
    "Starting your own business",
    "Work-life balance",
]

# Applications to the recruiting programme: (email, name, role, days ago, answers, goal areas, availability,
# decision). A decision is (status, message to the applicant, note for coordinators); None leaves it waiting.
APPLICATIONS = [
    (
        "farah.siddiqui@demo.example",
        "Farah Siddiqui",
        Role.MENTEE,
        6,
        {
            "goals": "I became team lead of four backend developers in March, without any training. I want to "
            "learn to run one-to-ones, give honest feedback, and say no to my own manager when the team is "
            "overloaded.",
            "field": "Software development (backend, payments)",
            "support_expected": "Practical tools for one-to-ones and feedback, and a group where I can talk "
            "openly about what goes wrong.",
            "mentor_kind": "Someone who has led developers and still remembers her first year as a lead.",
            "mentor_background": "Engineering management in a product company.",
            "gender_preference": "woman",
            "languages": "English, Urdu, German",
            "availability_note": "Not on Thursdays.",
        },
        ["Leading a team for the first time", "Work-life balance"],
        [Availability.EVENINGS],
        None,
    ),
    (
        "camila.reyes@demo.example",
        "Camila Reyes",
        Role.MENTEE,
        4,
        {
            "goals": "I was a civil engineer in Colombia for eight years and have retrained as a data analyst in "
            "Berlin. I want a role where I lead projects again, and to feel confident speaking German in "
            "meetings.",
            "field": "Data analysis",
            "support_expected": "Feedback on my CV, practice for interviews in German, and contacts in the field.",
            "mentor_kind": "Someone who changed country or career herself.",
            "mentor_background": "Data or engineering; ideally a manager who hires.",
            "languages": "Spanish, English, German",
            "needs_language_support": True,
            "availability_note": "Saturday mornings are easiest; my daughter is at football.",
        },
        ["Finding a leadership role in your field", "Language at work", "Changing career into tech"],
        [Availability.MORNINGS, Availability.WEEKENDS],
        None,
    ),
    (
        "ngozi.eze@demo.example",
        "Ngozi Eze",
        Role.MENTEE,
        1,
        {
            "goals": "I run the IT of a logistics company of 80 people on my own. Within a year I want to start a "
            "small consultancy for firms of that size, without burning out on the way.",
            "field": "IT administration and security",
            "support_expected": "Someone to test my business idea against, and advice on prices and first customers.",
            "mentor_kind": "A founder or freelancer in IT who is honest about the hard parts.",
            "mentor_background": "Has run her own company.",
            "age_preference": "older",
            "languages": "English, Igbo, German",
            "accessibility_needs": "I use a wheelchair: meetings in person need step-free access.",
        },
        ["Starting your own business", "Work-life balance"],
        [Availability.AFTERNOONS, Availability.EVENINGS],
        None,
    ),
    (
        "lea.hoffmann@demo.example",
        "Lea Hoffmann",
        Role.MENTEE,
        12,
        {
            "goals": "I lead three testers in a games studio and want to become head of quality assurance within "
            "two years.",
            "field": "Quality assurance in games",
            "support_expected": "Help to make my team's work visible to the studio's management.",
            "mentor_kind": "A calm, direct person who has built a team from scratch.",
            "languages": "German, English",
        },
        ["Finding a leadership role in your field", "Leading a team for the first time"],
        [Availability.EVENINGS],
        (
            ApplicationStatus.WAITLISTED,
            "Thank you for applying. The evening groups are full for now; you are first on the waiting list and "
            "we will write to you as soon as a place is free.",
            "Strong application: offer her the first evening place that frees up.",
        ),
    ),
    (
        "birgit.sommer@demo.example",
        "Birgit Sommer",
        Role.MENTOR,
        3,
        {
            "expertise": "Engineering management, Hiring, Agile coaching",
            "background": "Twenty years in software: developer, then engineering manager, now head of engineering "
            "at a Berlin fintech. Trained as a systemic coach in 2019.",
            "max_groups": 1,
            "engagement": Engagement.VOLUNTEER,
            "motivation": "I had nobody to ask when I first led a team. I would like to be that person for others.",
            "gender": "woman",
            "age_band": "45_59",
            "languages": "German, English",
            "availability_note": "Every other Tuesday works best.",
        },
        ["Leading a team for the first time", "Finding a leadership role in your field"],
        [Availability.EVENINGS],
        None,
    ),
]

# The programme in matching: accepted mentees without a group, for trying "Propose groups", and two new mentors.
# Mentees: (name, goal areas, languages, field, availability). The goal areas are FRESH_START_AREAS.
FRESH_START_AREAS = [
    "First job in Germany",
    "Recognition of qualifications",
    "Job interviews",
    "Starting a business",
    "Language at work",
]
FRESH_START_MENTEES = [
    ("Ahmad Karimi", [0, 2], "Dari, German", "Engineering", [Availability.EVENINGS]),
    ("Bilal Qureshi", [0, 4], "Urdu, English, German", "Engineering", [Availability.EVENINGS]),
    ("Carmen Ortiz", [1, 2], "Spanish, German", "Health care", [Availability.MORNINGS]),
    ("Dina Haddad", [1, 4], "Arabic, German", "Health care", [Availability.MORNINGS]),
    ("Emre Aydin", [3], "Turkish, German", "Retail", [Availability.EVENINGS, Availability.WEEKENDS]),
    ("Farida Nasser", [1], "Arabic, German, French", "Pharmacy", [Availability.MORNINGS]),
    ("Goran Petrovic", [3, 4], "Serbian, German", "Crafts", [Availability.WEEKENDS]),
    ("Hiba Mansour", [0, 2, 4], "Arabic, English", "Teaching", [Availability.EVENINGS]),
    ("Ivan Shevchenko", [3], "Ukrainian, German, English", "IT", [Availability.EVENINGS, Availability.WEEKENDS]),
    ("Jamila Osei", [1, 2], "English, German", "Nursing", [Availability.MORNINGS, Availability.AFTERNOONS]),
    ("Kateryna Bondar", [0, 4], "Ukrainian, German", "Accounting", [Availability.EVENINGS]),
    ("Layla Rahman", [3, 2], "Bengali, English, German", "Catering", [Availability.WEEKENDS]),
    ("Miguel Santos", [0, 2], "Portuguese, German", "Logistics", [Availability.EVENINGS]),
    ("Nadia Benali", [1, 4], "French, Arabic, German", "Health care", [Availability.MORNINGS]),
]
FRESH_START_MENTORS = {
    "mentor.5@demo.example": (
        "Petra Hoffmann",
        {
            "expertise": "Job interviews, First job in Germany, Engineering careers",
            "background": "Engineer, then recruiter for an automotive supplier for ten years.",
            "languages": "German, English",
            "max_groups": 2,
            "engagement": Engagement.VOLUNTEER,
            "gender": "woman",
            "age_band": "45_59",
        },
        [Availability.EVENINGS],
    ),
    "mentor.6@demo.example": (
        "Karim Said",
        {
            "expertise": "Starting a business, Crafts, Retail",
            "background": "Founded a bakery with six employees; volunteers with the chamber of crafts.",
            "languages": "Arabic, German, English",
            "max_groups": 1,
            "engagement": Engagement.VOLUNTEER,
            "gender": "man",
            "age_band": "45_59",
        },
        [Availability.WEEKENDS, Availability.EVENINGS],
    ),
}

# Contracts and goals in the running programme.
DEMO_CONTRACT_GOALS = (
    "Each of us leaves the programme with a clear next step towards work. We share our progress at the start of "
    "every session, and each mentee keeps their own goals up to date between sessions."
)
DEMO_COMMON_GOALS = ("Everyone has an up-to-date CV", "Everyone practises one job interview in the group")
DEMO_OWN_GOALS = [
    (
        "Register my catering business",
        "Find out which permits I need, then register with the trade office before the spring markets.",
        True,
        [("in_progress", "Booked an appointment at the trade office for next month.")],
    ),
    (
        "Set my prices",
        "Work out my costs per dish and compare with two other caterers.",
        False,
        [("in_progress", "Costs per dish done for the three main dishes."), ("achieved", "Price list finished.")],
    ),
]

# Past sessions of each group in the running programme: (weeks ago, summary).
DEMO_SESSIONS = [
    (4, "First session: we agreed our contract and everyone said what they hope to get out of the programme."),
    (2, "We read each other's CVs in pairs and collected questions for the interview practice."),
]
DEMO_BRIEFING = "We swapped CVs in pairs. Bring yours next time; we start with interview practice."

# The demo mentors' profiles in the mentor data bank, by email.
MENTOR_PROFILES = {
    "mentor@demo.example": (
        {
            "expertise": "Starting a business, Freelancing, Pricing and invoicing, Tax and paperwork",
            "background": "Ran a carpentry workshop with four employees for twelve years; now advises founders at "
            "the chamber of crafts.",
            "languages": "German, English",
            "max_groups": 2,
            "engagement": Engagement.VOLUNTEER,
            "motivation": "Most small businesses fail on paperwork, not on the craft. That part can be learnt.",
            "gender": "man",
            "age_band": "45_59",
            "availability_note": "Not in August.",
        },
        [Availability.EVENINGS, Availability.WEEKENDS],
    ),
    "mentor.2@demo.example": (
        {
            "expertise": "Returning to work, CVs and interviews, Confidence, Work-life balance",
            "background": "HR business partner in a hospital group for fifteen years, hiring nurses, office staff "
            "and IT people. Went back to work herself after two parental leaves.",
            "languages": "English, German, Yoruba",
            "max_groups": 1,
            "engagement": Engagement.EITHER,
            "motivation": "I have read thousands of CVs; I like helping people see what theirs does not yet say.",
            "gender": "woman",
            "age_band": "30_44",
        },
        [Availability.MORNINGS, Availability.AFTERNOONS],
    ),
    "mentor.3@demo.example": (
        {
            "expertise": "Recognition of foreign qualifications, Nursing and care, Language at work",
            "background": "Trained as a nurse in Kraków; qualification recognised in Germany in 2012. Now ward "
            "manager and practice instructor for trainee nurses.",
            "languages": "Polish, German, English, Russian",
            "max_groups": 1,
            "engagement": Engagement.VOLUNTEER,
            "motivation": "The recognition process took me two years. With the right help it can take six months.",
            "gender": "woman",
            "age_band": "45_59",
            "availability_note": "Shift work: I send my free dates a month ahead.",
        },
        [Availability.AFTERNOONS, Availability.WEEKENDS],
    ),
    "mentor.4@demo.example": (
        {
            "expertise": "Digital skills, Office software, Applying online, Changing career",
            "background": "IT trainer at an adult education centre; before that ten years in logistics offices in "
            "Porto and Hamburg.",
            "languages": "Portuguese, German, English, Spanish",
            "max_groups": 2,
            "engagement": Engagement.PAID,
            "motivation": "I moved from the warehouse office into IT at 35 and know how much a first step costs.",
            "gender": "man",
            "age_band": "30_44",
        },
        [Availability.MORNINGS, Availability.EVENINGS],
    ),
}

# A coordinator's feedback on two mentors in the running programme: (email, rating, comment).
FEEDBACK = [
    (
        "mentor.2@demo.example",
        5,
        "Her group trusts her: three of five mentees had job interviews within the first three months.",
    ),
    (
        "mentor.3@demo.example",
        4,
        "Knows the recognition process inside out. Sessions sometimes run over time; agreed to keep to 90 minutes.",
    ),
]

# Someone invited to mentor in the recruiting programme who has not answered yet.
PENDING_INVITATION = Invitee(email="ruth.mekonnen@demo.example", role=Role.MENTOR, name="Ruth Mekonnen")


@dataclass
class SeedResult:
    created_users: int
    programmes: list[Programme]


def _person(email: str, name: str, counter: list[int]) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "time_zone": DEMO_TIME_ZONE}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        counter[0] += 1
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _email_for(name: str) -> str:
    return name.lower().replace(" ", ".") + "@demo.example"


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> SeedResult:
    today = today or timezone.localdate()
    counter = [0]
    coordinator = _person(*COORDINATOR, counter)

    running, _ = Programme.objects.get_or_create(
        name="Pathways to Work",
        defaults={
            "description": "Nine months of group mentoring for people finding their way (back) into work: "
            "groups of four to five meet twice a month with an experienced mentor.",
            "starts_on": today - datetime.timedelta(days=70),
            "ends_on": today - datetime.timedelta(days=70) + datetime.timedelta(days=273),
            "time_zone": DEMO_TIME_ZONE,
            "status": ProgrammeStatus.RUNNING,
            "sessions_per_month": 2,
            "session_minutes": 90,
        },
    )
    recruiting, _ = Programme.objects.get_or_create(
        name="Leading in Tech 2027",
        defaults={
            "description": "Group mentoring for women moving into their first leadership role in technology.",
            "starts_on": today + datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=60 + 182),
            "time_zone": DEMO_TIME_ZONE,
            "status": ProgrammeStatus.RECRUITING,
        },
    )
    for programme in (running, recruiting):
        add_member(programme=programme, user=coordinator, role=Role.COORDINATOR)

    for (email, name), (group_name, focus, named_mentee, mentee_names) in zip(MENTORS, GROUPS, strict=True):
        mentor = _person(email, name, counter)
        add_member(programme=running, user=mentor, role=Role.MENTOR)
        group, _ = MentoringGroup.objects.get_or_create(
            programme=running, name=group_name, defaults={"focus": focus, "kind": GroupKind.MENTOR_LED}
        )
        _join(group, mentor, GroupRole.MENTOR)
        mentees = [(_email_for(n), n) for n in mentee_names]
        if named_mentee:
            mentees.insert(0, named_mentee)
        for mentee_email, mentee_name in mentees:
            mentee = _person(mentee_email, mentee_name, counter)
            add_member(programme=running, user=mentee, role=Role.MENTEE)
            _join(group, mentee, GroupRole.MENTEE)

    # The first mentor also offers to mentor in the programme that is recruiting.
    add_member(programme=recruiting, user=User.objects.get(email=MENTORS[0][0]), role=Role.MENTOR)

    _mentor_bank(running, coordinator)
    _events(running, coordinator, today)
    _recruitment(recruiting, coordinator, counter)
    _invitation(recruiting, coordinator)
    _mentor_circle(running, coordinator)
    _contracts_and_goals(running)
    _sessions(running, today)
    _feedback(running, coordinator, today)
    matching = _matching(coordinator, today, counter)
    return SeedResult(created_users=counter[0], programmes=[running, recruiting, matching])


def _mentor_circle(programme: Programme, coordinator: User) -> None:
    """The running programme's four mentors meet in a mentor circle, with the coordinator as supervisor."""
    if programme.groups.filter(kind=GroupKind.MENTOR_CIRCLE).exists():
        return
    mentors = list(User.objects.filter(email__in=[email for email, _ in MENTORS]).order_by("email"))
    create_circle(
        programme=programme,
        name="Mentor circle",
        mentors=mentors,
        supervisor=coordinator,
        focus="Once a month: cases from our groups, and how we look after ourselves as mentors.",
    )


def _contracts_and_goals(programme: Programme) -> None:
    """Three of the running programme's groups have agreed their contract; in the fourth, two mentees have not
    agreed yet. Each group has two common goals, and the demo mentee has two goals of her own with some progress.
    The demo emails nobody: the proposals' emails are cancelled."""
    groups = list(programme.groups.filter(kind=GroupKind.MENTOR_LED).order_by("name"))
    for index, group in enumerate(groups):
        if Contract.objects.filter(group=group).exists():
            continue
        members = list(group.memberships.current().select_related("user").order_by("role", "user__display_name"))
        mentor = next(m.user for m in members if m.role == GroupRole.MENTOR)
        contracts.save_draft(group=group, by=mentor, goals=DEMO_CONTRACT_GOALS)
        contracts.propose(group=group, by=mentor)
        waiting = 2 if index == len(groups) - 1 else 0
        agreeing = [m.user for m in members if m.role == GroupRole.MENTOR]
        agreeing += [m.user for m in members if m.role == GroupRole.MENTEE][: -waiting or None]
        for person in agreeing:
            contracts.agree(group=group, user=person, number=1)
        leader = GroupAccess(group=group, group_role=GroupRole.MENTOR, is_coordinator=False)
        for title in DEMO_COMMON_GOALS:
            goals.create_goal(access=leader, user=mentor, common=True, title=title, status=GoalStatus.IN_PROGRESS)
        mentee = next((m.user for m in members if m.user.email == DEMO_LOGINS["mentee"]), None)
        if mentee is not None:
            own = GroupAccess(group=group, group_role=GroupRole.MENTEE, is_coordinator=False)
            for title, description, shared, updates in DEMO_OWN_GOALS:
                goal = goals.create_goal(
                    access=own,
                    user=mentee,
                    common=False,
                    title=title,
                    description=description,
                    shared_with_group=shared,
                )
                for status, note in updates:
                    goals.post_update(access=own, user=mentee, goal=goal, status=status, note=note)
    OutgoingEmail.objects.filter(kind=contracts.PROPOSED_EMAIL, status=EmailStatus.PENDING).filter(
        to__endswith="@demo.example"
    ).update(status=EmailStatus.CANCELLED)


def _sessions(programme: Programme, today: datetime.date) -> None:
    """Each group of the running programme met twice (logged, one mentee absent with notice at the second
    session, an action item), and has its next session planned in nine days. The demo emails nobody."""
    zone = programme.zone
    for group in programme.groups.filter(kind=GroupKind.MENTOR_LED).order_by("name"):
        if group.meetings.exists():
            continue
        members = list(group.memberships.current().select_related("user").order_by("role", "user__display_name"))
        mentor = next(m.user for m in members if m.role == GroupRole.MENTOR)
        mentees = [m.user for m in members if m.role == GroupRole.MENTEE]
        access = GroupAccess(group=group, group_role=GroupRole.MENTOR, is_coordinator=False)
        for weeks_ago, summary in DEMO_SESSIONS:
            day = today - datetime.timedelta(weeks=weeks_ago)
            meeting = Meeting.objects.create(
                group=group,
                starts_at=datetime.datetime.combine(day, datetime.time(18), tzinfo=zone),
                minutes=90,
                place="Nachbarschaftshaus Mitte, room 3",
                created_by=mentor,
            )
            absent = mentees[-1] if weeks_ago == 2 else None
            marks = {person.pk: "present" for person in [mentor, *mentees]}
            if absent is not None:
                marks[absent.pk] = "excused"
            session_log.log_session(
                access=access,
                meeting=meeting,
                user=mentor,
                held=True,
                summary=summary,
                topics="CVs, interviews",
                briefing=DEMO_BRIEFING if absent is not None else "",
                attendance=marks,
                items=[session_log.ItemChange(pk=None, text="Send your CV to the group", owner_id=mentees[0].pk)],
            )
        next_day = today + datetime.timedelta(days=9)
        scheduling.schedule_sessions(
            group=group,
            by=mentor,
            starts=[datetime.datetime.combine(next_day, datetime.time(18), tzinfo=zone)],
            minutes=90,
            place="Nachbarschaftshaus Mitte, room 3",
            agenda="Round of news; practising interview questions in pairs; action items.",
        )
    OutgoingEmail.objects.filter(kind__startswith="groups.session", status=EmailStatus.PENDING).filter(
        to__endswith="@demo.example"
    ).update(status=EmailStatus.CANCELLED)


DEMO_TEXT_ANSWERS = (
    "I speak up more in interviews now.",
    "Hearing how the others deal with rejection helps me keep going.",
    "I would like the sessions to start a little later in the evening.",
    "Practising in pairs was the most useful part so far.",
    "I found two job offers through the group's contacts.",
)


def _feedback(programme: Programme, coordinator: User, today: datetime.date) -> None:
    """The running programme's mid-point and end surveys are planned from its dates; a check-in survey after the
    first two months is open, and most people have answered it (anonymously). The demo mentee has not answered yet,
    so they see it waiting on their home page. Nobody is emailed."""
    from feedback.models import Respondent, RoundKind
    from feedback.services.questionnaires import default_questionnaires
    from feedback.services.responding import questionnaire_of, save_answers
    from feedback.services.rounds import create_round, ensure_rounds

    ensure_rounds(programme, by=coordinator)
    if programme.survey_rounds.filter(kind=RoundKind.OTHER).exists():
        return
    questionnaires = default_questionnaires(programme)
    check_in = create_round(
        programme,
        open_now_too=True,
        name="Check-in after two months",
        mentee_questionnaire=questionnaires[("midpoint", "mentees")],
        mentor_questionnaire=questionnaires[("midpoint", "mentors")],
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=11),
        remind_after_days=7,
        anonymous=True,
    )
    respondents = list(
        Respondent.objects.filter(round=check_in).select_related("round", "user").order_by("user__email")
    )
    for index, respondent in enumerate(respondents):
        if respondent.user.email == DEMO_LOGINS["mentee"] or index % 4 == 3:
            continue  # has not answered yet
        answers = {}
        for position, question in enumerate(questionnaire_of(respondent).questions.order_by("position")):
            turn = index + position
            if question.kind == "agreement":
                answers[question.pk] = 3 + turn % 3
            elif question.kind == "rating":
                answers[question.pk] = 6 + turn % 5
            elif question.kind == "yes_no":
                answers[question.pk] = 1 if turn % 5 else 0
            elif question.kind == "single":
                answers[question.pk] = question.choices[turn % len(question.choices)]
            elif question.kind == "multiple":
                answers[question.pk] = [question.choices[turn % len(question.choices)]]
            elif question.kind == "long_text" and turn % 2 == 0:
                answers[question.pk] = DEMO_TEXT_ANSWERS[turn % len(DEMO_TEXT_ANSWERS)]
        save_answers(respondent=respondent, answers=answers, submit=True)
    OutgoingEmail.objects.filter(kind__startswith="feedback.", status=EmailStatus.PENDING).filter(
        to__endswith="@demo.example"
    ).update(status=EmailStatus.CANCELLED)


def _matching(coordinator: User, today: datetime.date, counter: list[int]) -> Programme:
    """A programme that has finished recruiting: its accepted mentees wait to be put into groups, and its mentors
    (two new ones and two from the running programme with a place left) wait to be matched."""
    programme, created = Programme.objects.get_or_create(
        name="Fresh Start 2027",
        defaults={
            "description": "Eight months of group mentoring for people who came to Germany in the last three years "
            "and want to work in the field they trained for.",
            "starts_on": today + datetime.timedelta(days=21),
            "ends_on": today + datetime.timedelta(days=21 + 243),
            "time_zone": DEMO_TIME_ZONE,
            "status": ProgrammeStatus.RECRUITING,
        },
    )
    add_member(programme=programme, user=coordinator, role=Role.COORDINATOR)
    if not created:
        return programme
    update_recruitment(programme=programme, intro="", goal_areas=FRESH_START_AREAS)
    areas = list(programme.goal_areas.order_by("position", "name"))
    for name, area_indexes, languages, field, availability in FRESH_START_MENTEES:
        mentee = _person(_email_for(name), name, counter)
        application = submit_application(
            programme=programme,
            applicant=mentee,
            role=Role.MENTEE,
            answers={"languages": languages, "field": field, "goals": f"Work in {field.lower()} again."},
            goal_areas=[areas[index] for index in area_indexes],
            availability=availability,
        )
        decide(application=application, status=ApplicationStatus.ACCEPTED, by=coordinator, notify=False)
    for email, (name, fields, availability) in FRESH_START_MENTORS.items():
        mentor = _person(email, name, counter)
        if not MentorProfile.objects.filter(user=mentor).exists():
            save_own_profile(user=mentor, availability=availability, **fields)
        add_member(programme=programme, user=mentor, role=Role.MENTOR)
    for email in ("mentor.2@demo.example", "mentor.4@demo.example"):
        add_member(programme=programme, user=User.objects.get(email=email), role=Role.MENTOR)
    programme.move_to(ProgrammeStatus.MATCHING, by=coordinator)
    return programme


def _mentor_bank(programme: Programme, coordinator: User) -> None:
    """Bank profiles for the demo mentors and feedback on two of them; a profile or feedback someone changed
    by hand is kept."""
    for email, (fields, availability) in MENTOR_PROFILES.items():
        mentor = User.objects.get(email=email)
        if not MentorProfile.objects.filter(user=mentor).exists():
            save_own_profile(user=mentor, availability=availability, **fields)
    for email, rating, comment in FEEDBACK:
        mentor = User.objects.get(email=email)
        if not MentorFeedback.objects.filter(mentor=mentor, programme=programme).exists():
            record_feedback(mentor=mentor, programme=programme, rating=rating, comment=comment, by=coordinator)


def _events(programme: Programme, coordinator: User, today: datetime.date) -> None:
    """A mentee workshop next week, a mentor training in two weeks and the final common meeting ten days before
    the end, in the programme's time zone. Nobody is emailed."""
    zone = programme.zone

    def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)

    workshop_day = today + datetime.timedelta(days=7)
    training_day = today + datetime.timedelta(days=14)
    final_day = programme.ends_on - datetime.timedelta(days=10)
    events = [
        {
            "kind": EventKind.MENTEE_TRAINING,
            "title": "Workshop: telling your story in a job interview",
            "description": "An evening for all mentees: how to speak about a career break and skills gained "
            "abroad, with practice in pairs. Online, so you can join from home.",
            "starts_at": at(workshop_day, 18),
            "ends_at": at(workshop_day, 19, 30),
            "link": "https://meet.demo.example/pathways-workshop",
            "for_mentees": True,
        },
        {
            "kind": EventKind.MENTOR_TRAINING,
            "title": "Mentor training: when a group gets stuck",
            "description": "Two and a half hours for all mentors: keeping quiet members in the conversation, "
            "handling conflict in the group, and where to send mentees who need more than mentoring. "
            "Bring one situation from your own group.",
            "starts_at": at(training_day, 17, 30),
            "ends_at": at(training_day, 20),
            "place": "Nachbarschaftshaus Mitte, room 2, Gartenstraße 12, Berlin",
            "for_mentors": True,
        },
        {
            "kind": EventKind.FINAL_MEETING,
            "title": "Final common meeting",
            "description": "All groups together to look back on nine months: each group shows what it worked on, "
            "certificates for the mentees, and food afterwards. Family and friends are welcome.",
            "starts_at": at(final_day, 16),
            "ends_at": at(final_day, 19),
            "place": "Nachbarschaftshaus Mitte, main hall, Gartenstraße 12, Berlin",
            "link": "https://meet.demo.example/pathways-final",
            "for_mentors": True,
            "for_mentees": True,
        },
    ]
    for fields in events:
        if not ProgrammeEvent.objects.filter(programme=programme, kind=fields["kind"]).exists():
            create_event(programme=programme, by=coordinator, **fields)


def _recruitment(programme: Programme, coordinator: User, counter: list[int]) -> None:
    """The application page, and applications from new demo people while the programme still recruits."""
    if not programme.application_intro and not programme.goal_areas.exists() and not programme.is_archived:
        update_recruitment(programme=programme, intro=APPLICATION_INTRO, goal_areas=GOAL_AREAS)
    areas = {area.name.lower(): area for area in programme.goal_areas.all()}
    now = timezone.now()
    for email, name, role, days_ago, answers, area_names, availability, decision in APPLICATIONS:
        applicant = _person(email, name, counter)
        if Application.objects.filter(programme=programme, applicant=applicant, role=role).exists():
            continue
        if not programme.is_recruiting:
            continue
        application = submit_application(
            programme=programme,
            applicant=applicant,
            role=role,
            answers=answers,
            goal_areas=[areas[n.lower()] for n in area_names if n.lower() in areas],
            availability=availability,
        )
        # Spread the applications over the last days, as they would arrive.
        submitted = now - datetime.timedelta(days=days_ago, hours=days_ago)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=submitted, updated_at=submitted, consent_given_at=submitted
        )
        if decision is not None:
            status, message, note = decision
            decide(application=application, status=status, by=coordinator, notify=False, message=message, note=note)
            Application.objects.filter(pk=application.pk).update(decided_at=submitted + datetime.timedelta(days=2))


def _invitation(programme: Programme, coordinator: User) -> None:
    """One invitation still pending. A demo loaded more than two weeks ago gets it sent again, so that it does
    not show as expired."""
    existing = (
        Invitation.objects.filter(programme=programme, email__iexact=PENDING_INVITATION.email)
        .order_by("-created")
        .first()
    )
    if existing is None:
        invite(programme=programme, invitees=[PENDING_INVITATION], by=coordinator)
    elif existing.status == InvitationStatus.PENDING and existing.is_expired:
        resend(invitation=existing)


def _join(group: MentoringGroup, user: User, role: str) -> None:
    if not GroupMembership.objects.current().filter(group=group, user=user).exists():
        GroupMembership.objects.create(group=group, user=user, role=role)
