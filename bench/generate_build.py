"""The writers of the benchmark data (bench/generate.py): one unit's people, then each programme with everything in it,
with bulk_create in batches. Django is imported inside the functions, once bench/generate.py has set it up. Not part
of the test run."""

from __future__ import annotations

import datetime
import random

from bench.fake import PHRASES, answer_values, attendance_mark
from bench.generate_plan import (
    AREAS,
    BATCH,
    CITIES,
    EXPERTISE,
    LANGUAGES,
    PROGRAMME_DAYS,
    PULSE_RATE,
    SESSIONS_PER_GROUP,
    ProgrammePlan,
    UnitPlan,
    programme_rng,
)


class Builder:
    """Writes one unit: its people, then each programme with everything in it."""

    def __init__(self, plan: UnitPlan, seed: int, now: datetime.datetime):
        self.plan, self.seed, self.now, self.today = plan, seed, now, now.date()

    def build(self) -> None:
        from accounts.models import User
        from programmes.models import AgeBand, Engagement, Gender, MentorProfile

        rng = random.Random(f"{self.seed}:people:{self.plan.unit}")
        joined = self.now - datetime.timedelta(days=800)
        self.users = User.objects.bulk_create(
            (
                User(email=email, display_name=name, password="!", date_joined=joined)
                for email, name, _kind in self.plan.users
            ),
            batch_size=BATCH,
        )
        profiles = []
        for n, (_email, _name, kind) in enumerate(self.plan.users):
            if kind != "mentor":
                continue
            profile = MentorProfile(
                user=self.users[n],
                expertise=", ".join(rng.sample(EXPERTISE, rng.randint(1, 3))),
                background=f"{rng.randint(5, 30)} years in {rng.choice(EXPERTISE).split(',')[0]}; {rng.choice(CITIES)}",
                languages=rng.choice(LANGUAGES),
                max_groups=rng.choice((1, 1, 2, 3)),
                engagement=rng.choice((Engagement.VOLUNTEER, Engagement.VOLUNTEER, Engagement.PAID, Engagement.EITHER)),
                motivation="I want to give back what my own mentors gave me.",
                gender=rng.choice((Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.UNDISCLOSED)),
                age_band=rng.choice((AgeBand.FROM_30, AgeBand.FROM_45, AgeBand.FROM_60, AgeBand.UNDISCLOSED)),
                open_to_invitations=rng.random() < 0.85,
                created=joined,
            )
            profile.availability = rng.sample(("mornings", "afternoons", "evenings", "weekends"), rng.randint(1, 3))
            profiles.append(profile)
        MentorProfile.objects.bulk_create(profiles, batch_size=BATCH)
        for programme_plan in self.plan.programmes:
            ProgrammeBuilder(self, programme_plan).build()


class ProgrammeBuilder:
    """Writes one programme and everything in it, with the programme's own random generator."""

    def __init__(self, unit: Builder, plan: ProgrammePlan):
        self.unit, self.plan = unit, plan
        self.rng = programme_rng(unit.seed, plan.index)
        self.now, self.today = unit.now, unit.today
        self.user = unit.users.__getitem__

    def build(self) -> None:
        from programmes.models import Programme, ProgrammeStatus

        plan = self.plan
        self.starts_on = self.today - datetime.timedelta(days=plan.started_days)
        self.started = datetime.datetime.combine(self.starts_on, datetime.time(8), tzinfo=datetime.UTC)
        self.programme = Programme.objects.create(
            name=f"Programme {plan.index:04d} ({CITIES[plan.index % len(CITIES)]})",
            description="Group mentoring for people starting out in a new country and a new job.",
            starts_on=self.starts_on,
            ends_on=self.starts_on + datetime.timedelta(days=PROGRAMME_DAYS),
            time_zone="Europe/Berlin",
            status=ProgrammeStatus(plan.status),
            sessions_per_month=2,
            created=self.started - datetime.timedelta(days=90),
        )
        self.coordinator = self.user(plan.coordinator)
        self.memberships()
        if plan.groups:
            self.groups()
            self.sessions()
            self.contracts()
            self.goals()
            self.concerns()
            self.mentor_feedback()
        self.surveys()

    # People ------------------------------------------------------------------------------------------------------

    def memberships(self) -> None:
        from groups.models import GroupKind
        from programmes.models import Application, ApplicationStatus, GoalArea, ProgrammeMembership, Role

        rng, plan = self.rng, self.plan
        areas = GoalArea.objects.bulk_create(
            GoalArea(programme=self.programme, name=name, position=n) for n, name in enumerate(AREAS)
        )
        joined = self.started - datetime.timedelta(days=14)
        rows = [ProgrammeMembership(programme=self.programme, user=self.coordinator, role=Role.COORDINATOR)]
        applications = []
        self.mentors, self.mentees = [], []
        for group in plan.groups:
            if group.kind == GroupKind.MENTOR_LED:
                self.mentors.extend(group.leaders)
            if group.kind != GroupKind.MENTOR_CIRCLE:
                self.mentees.extend(group.mentees)
        applied = self.started - datetime.timedelta(days=45)
        for index in self.mentees:
            rows.append(
                ProgrammeMembership(programme=self.programme, user=self.user(index), role=Role.MENTEE, joined_at=joined)
            )
            applications.append(self.application(index, Role.MENTEE, ApplicationStatus.ACCEPTED, applied))
        for n, index in enumerate(self.mentors):
            rows.append(
                ProgrammeMembership(programme=self.programme, user=self.user(index), role=Role.MENTOR, joined_at=joined)
            )
            if n % 2 == 0:  # the others came from the mentor data bank
                applications.append(self.application(index, Role.MENTOR, ApplicationStatus.ACCEPTED, applied))
        for index, role in plan.applicants:
            status = rng.choices(
                [
                    ApplicationStatus.SUBMITTED,
                    ApplicationStatus.ACCEPTED,
                    ApplicationStatus.WAITLISTED,
                    ApplicationStatus.DECLINED,
                ],
                [50, 20, 15, 15],
            )[0]
            when = self.now - datetime.timedelta(days=rng.randint(1, 40))
            applications.append(self.application(index, role, status, when))
            if status == ApplicationStatus.ACCEPTED:
                rows.append(
                    ProgrammeMembership(programme=self.programme, user=self.user(index), role=role, joined_at=when)
                )
        ProgrammeMembership.objects.bulk_create(rows, batch_size=BATCH)
        applications = Application.objects.bulk_create(applications, batch_size=BATCH)
        through = Application.goal_areas.through
        through.objects.bulk_create(
            (
                through(application_id=application.pk, goalarea_id=area.pk)
                for application in applications
                for area in rng.sample(areas, rng.randint(1, 3))
            ),
            batch_size=BATCH,
        )

    def application(self, index: int, role: str, status: str, when: datetime.datetime):
        from programmes.models import Application, ApplicationStatus, Role

        rng = self.rng
        decided = status != ApplicationStatus.SUBMITTED
        application = Application(
            programme=self.programme,
            applicant=self.user(index),
            role=role,
            status=status,
            submitted_at=when,
            updated_at=when,
            languages=rng.choice(LANGUAGES),
            needs_language_support=rng.random() < 0.2,
            consent_given_at=when,
            decided_at=when + datetime.timedelta(days=7) if decided else None,
            decided_by=self.coordinator if decided else None,
        )
        if role == Role.MENTEE:
            application.goals = rng.choice(PHRASES)
            application.field = rng.choice(EXPERTISE).split(",")[0]
            application.support_expected = "Advice from people who have done it, and a group to share with."
        else:
            application.expertise = rng.choice(EXPERTISE)
            application.max_groups = rng.choice((1, 2))
            application.motivation = "I want to give back what my own mentors gave me."
        application.availability = rng.sample(("mornings", "afternoons", "evenings", "weekends"), rng.randint(1, 3))
        return application

    def groups(self) -> None:
        from groups.models import GroupKind, GroupMembership, GroupRole, MentoringGroup

        created = self.started - datetime.timedelta(days=7)
        rows = []
        for plan in self.plan.groups:
            first = plan.mentees[0] if plan.kind == GroupKind.PEER else None
            rows.append(
                MentoringGroup(
                    programme=self.programme,
                    name=plan.name,
                    kind=plan.kind,
                    focus=self.rng.choice(AREAS),
                    created=created,
                    next_facilitator=self.user(first) if first is not None else None,
                )
            )
        self.group_rows = MentoringGroup.objects.bulk_create(rows)
        memberships = []
        self.members = {}  # group id -> [(user, group role)], leaders first
        for group, plan in zip(self.group_rows, self.plan.groups, strict=True):
            leader_role = GroupRole.SUPERVISOR if plan.kind == GroupKind.MENTOR_CIRCLE else GroupRole.MENTOR
            member_role = GroupRole.MENTOR if plan.kind == GroupKind.MENTOR_CIRCLE else GroupRole.MENTEE
            people = [(self.user(i), leader_role) for i in plan.leaders]
            people += [(self.user(i), member_role) for i in plan.mentees]
            self.members[group.pk] = people
            memberships += [
                GroupMembership(group=group, user=user, role=role, joined_at=created) for user, role in people
            ]
        GroupMembership.objects.bulk_create(memberships, batch_size=BATCH)

    def leader(self, group):
        """Who schedules and logs the group's sessions: its mentor or supervisor, in a peer group the first member."""
        return self.members[group.pk][0][0]

    # Sessions ----------------------------------------------------------------------------------------------------

    def sessions(self) -> None:
        from groups.models import ActionItem, Attendance, AttendanceMark, Meeting, MeetingStatus

        rng, now = self.rng, self.now
        meetings, marks_of, items_of = [], [], []
        running = self.plan.status in ("running", "closing")
        for group in self.group_rows:
            leader = self.leader(group)
            people = [user for user, _role in self.members[group.pk]]
            hour = rng.choice((8, 15, 16, 17))
            times = [
                datetime.datetime.combine(
                    self.starts_on + datetime.timedelta(days=10 + 14 * s), datetime.time(hour), tzinfo=datetime.UTC
                )
                for s in range(SESSIONS_PER_GROUP)
            ]
            past = [t for t in times if t + datetime.timedelta(hours=2) < now]
            for s, starts in enumerate(times):
                marks, items = None, ()
                meeting = Meeting(
                    group=group, starts_at=starts, created_by=leader, created_at=self.started, updated_at=self.started
                )
                if starts not in past:
                    pass  # scheduled
                elif rng.random() < 0.04:
                    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, starts - datetime.timedelta(days=2)
                elif running and s == len(past) - 1 and rng.random() < 0.3:
                    pass  # not logged yet
                else:
                    meeting.logged_at, meeting.logged_by = starts + datetime.timedelta(hours=3), leader
                    if rng.random() < 0.02:
                        meeting.held = False
                    else:
                        meeting.held = True
                        meeting.summary = "We talked about " + rng.choice(AREAS).lower() + "."
                        meeting.topics = ", ".join(rng.sample(AREAS, 2))
                        marks = [(person, attendance_mark(rng)) for person in people]
                        meeting.marks_count = len(marks)  # as the session log keeps them
                        meeting.present_count = sum(status == AttendanceMark.PRESENT for _p, status in marks)
                        items = [
                            (rng.choice([*people, None]), f"Action {k + 1}: {rng.choice(PHRASES).lower()}")
                            for k in range(rng.randint(0, 3))
                        ]
                meetings.append(meeting)
                marks_of.append(marks)
                items_of.append(items)
        meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        attendance, action_items = [], []
        for meeting, marks, items in zip(meetings, marks_of, items_of, strict=True):
            for person, status in marks or ():
                attendance.append(Attendance(meeting=meeting, user=person, status=status))
            due = (meeting.starts_at + datetime.timedelta(days=14)).date()
            for owner, text in items:
                done = due < self.today and rng.random() < 0.7
                action_items.append(
                    ActionItem(
                        meeting=meeting,
                        owner=owner,
                        text=text,
                        due_on=due,
                        created_at=meeting.logged_at,
                        done_at=meeting.starts_at + datetime.timedelta(days=10) if done else None,
                    )
                )
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)
        ActionItem.objects.bulk_create(action_items, batch_size=BATCH)
        self.held = [(meeting, marks) for meeting, marks in zip(meetings, marks_of, strict=True) if marks is not None]

    # Contracts, goals, concerns ----------------------------------------------------------------------------------

    def contracts(self) -> None:
        from groups.models import Contract, ContractAgreement, ContractVersion, VersionStatus

        rng = self.rng
        contracts = Contract.objects.bulk_create(
            Contract(group=group, created=self.started) for group in self.group_rows
        )
        versions, agreeing = [], []
        first_session = self.starts_on + datetime.timedelta(days=10)
        for contract, group in zip(contracts, self.group_rows, strict=True):
            people = [user for user, _role in self.members[group.pk]]
            roll = rng.random()
            if self.plan.status == "running" and roll < 0.07:
                plan = [(VersionStatus.PROPOSED, people[: rng.randint(1, len(people) - 1)])]
            elif roll < 0.12:
                plan = [(VersionStatus.SUPERSEDED, people), (VersionStatus.IN_FORCE, people)]
            else:
                plan = [(VersionStatus.IN_FORCE, people)]
            for number, (status, agreed) in enumerate(plan, start=1):
                proposed = self.started + datetime.timedelta(days=10 + 40 * (number - 1))
                in_force = proposed + datetime.timedelta(days=4) if status != VersionStatus.PROPOSED else None
                versions.append(
                    ContractVersion(
                        contract=contract,
                        number=number,
                        status=status,
                        starts_on=first_session,
                        ends_on=self.programme.ends_on,
                        sessions_per_month=2,
                        session_minutes=90,
                        tools_and_channels="We meet in the community centre and keep in touch in a chat group.",
                        confidentiality="What is said in the group stays in the group.",
                        change_note="We meet at a different time." if number > 1 else "",
                        created_by=people[0],
                        created_at=proposed - datetime.timedelta(days=2),
                        updated_at=proposed,
                        proposed_at=proposed,
                        in_force_at=in_force,
                        ended_at=proposed + datetime.timedelta(days=40) if status == VersionStatus.SUPERSEDED else None,
                    )
                )
                agreeing.append((agreed, proposed + datetime.timedelta(days=2)))
        versions = ContractVersion.objects.bulk_create(versions, batch_size=BATCH)
        ContractAgreement.objects.bulk_create(
            (
                ContractAgreement(version=version, user=user, agreed_at=when)
                for version, (people, when) in zip(versions, agreeing, strict=True)
                for user in people
            ),
            batch_size=BATCH,
        )

    def goals(self) -> None:
        from groups.models import Goal, GoalStatus, GoalUpdate, GroupKind, GroupRole

        rng = self.rng
        statuses = list(GoalStatus.values)
        goals, authors = [], []
        for group in self.group_rows:
            leader = self.leader(group)
            mentees = [user for user, role in self.members[group.pk] if role == GroupRole.MENTEE]
            count = rng.randint(1, 2) if group.kind == GroupKind.MENTOR_CIRCLE else rng.randint(3, 5)
            for k in range(count):
                common = k < 1 + (group.pk % 2) or not mentees
                owner = None if common else mentees[k % len(mentees)]
                goals.append(
                    Goal(
                        group=group,
                        owner=owner,
                        title=rng.choice(PHRASES),
                        target_date=self.programme.ends_on,
                        status=rng.choices(statuses, [15, 45, 25, 10, 5])[0],
                        shared_with_group=common or rng.random() < 0.3,
                        created_by=leader if common else owner,
                        created_at=self.started + datetime.timedelta(days=12),
                        updated_at=self.started + datetime.timedelta(days=12),
                    )
                )
                authors.append(leader if common else owner)
        goals = Goal.objects.bulk_create(goals, batch_size=BATCH)
        updates = []
        for goal, author in zip(goals, authors, strict=True):
            for u in range(rng.randint(0, 2)):
                updates.append(
                    GoalUpdate(
                        goal=goal,
                        author=author,
                        status=goal.status,
                        note="A step further." if u else "",
                        created_at=goal.created_at + datetime.timedelta(days=20 * (u + 1)),
                    )
                )
        GoalUpdate.objects.bulk_create(updates, batch_size=BATCH)

    def concerns(self) -> None:
        from groups.models import Concern, ConcernStatus, GroupKind

        rows = []
        for group in self.group_rows:
            if group.kind == GroupKind.MENTOR_CIRCLE:
                continue
            raised_by = self.members[group.pk][-1][0]
            roll = self.rng.random()
            if roll < 0.03 and self.plan.status != "closed":
                rows.append(Concern(group=group, raised_by=raised_by, text="We have not met for a while."))
            elif roll < 0.07:
                rows.append(
                    Concern(
                        group=group,
                        raised_by=raised_by,
                        text="Two members often miss the sessions.",
                        status=ConcernStatus.RESOLVED,
                        created_at=self.started + datetime.timedelta(days=60),
                        resolved_at=self.started + datetime.timedelta(days=65),
                        resolved_by=self.coordinator,
                        resolution="We talked with the group and moved the sessions to the evening.",
                    )
                )
        Concern.objects.bulk_create(rows)

    def mentor_feedback(self) -> None:
        from programmes.models import MentorFeedback

        if self.plan.status not in ("closing", "closed"):
            return
        ends = datetime.datetime.combine(self.programme.ends_on, datetime.time(12), tzinfo=datetime.UTC)
        MentorFeedback.objects.bulk_create(
            MentorFeedback(
                mentor=self.user(index),
                programme=self.programme,
                rating=self.rng.choices([2, 3, 4, 5], [5, 15, 45, 35])[0],
                comment="Reliable, and the group liked the sessions.",
                written_by=self.coordinator,
                created=min(ends, self.now),
            )
            for index in self.mentors
            if self.rng.random() < 0.7
        )

    # Surveys -----------------------------------------------------------------------------------------------------

    def surveys(self) -> None:
        from feedback.models import RespondentRole, RoundKind, RoundStatus, SurveyRound
        from feedback.services.rounds import ensure_rounds
        from groups.models import GroupKind

        midpoint, end = ensure_rounds(self.programme, by=self.coordinator)
        # A round the coordinators added by hand, six weeks in, with the mid-point questionnaires.
        opens_on = self.starts_on + datetime.timedelta(days=42)
        early = SurveyRound.objects.create(
            programme=self.programme,
            kind=RoundKind.OTHER,
            name="After the first six weeks",
            mentee_questionnaire=midpoint.mentee_questionnaire,
            mentor_questionnaire=midpoint.mentor_questionnaire,
            opens_on=opens_on,
            closes_on=opens_on + datetime.timedelta(days=14),
            follows_programme=False,
            created=self.started,
        )
        group_of = {}
        for group, plan in zip(getattr(self, "group_rows", ()), self.plan.groups, strict=True):
            if plan.kind != GroupKind.MENTOR_CIRCLE:
                for index in plan.leaders + plan.mentees:
                    group_of[index] = group.pk
        people = [(self.user(i), RespondentRole.MENTEE, group_of.get(i)) for i in self.mentees]
        people += [(self.user(i), RespondentRole.MENTOR, group_of.get(i)) for i in self.mentors]
        for survey_round in (early, midpoint, end):
            if self.plan.status == "closed" or self.today > survey_round.closes_on:
                status = RoundStatus.CLOSED
            elif self.today >= survey_round.opens_on:
                status = RoundStatus.OPEN
            else:
                continue  # scheduled: nobody asked yet
            if not people:
                continue
            self.fill_round(survey_round, status, people)
        self.pulses()

    def fill_round(self, survey_round, status: str, people) -> None:
        from feedback.models import Answer, Respondent, RespondentRole, Response, RoundStatus

        rng = self.rng
        opened = datetime.datetime.combine(survey_round.opens_on, datetime.time(6), tzinfo=datetime.UTC)
        survey_round.status, survey_round.opened_at = status, opened
        if status == RoundStatus.CLOSED:
            survey_round.closed_at = datetime.datetime.combine(
                survey_round.closes_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=datetime.UTC
            )
        survey_round.save(update_fields=["status", "opened_at", "closed_at"])
        questionnaires = {
            RespondentRole.MENTEE: survey_round.mentee_questionnaire,
            RespondentRole.MENTOR: survey_round.mentor_questionnaire,
        }
        questions = {role: list(questionnaire.questions.all()) for role, questionnaire in questionnaires.items()}
        for questionnaire in questionnaires.values():
            questionnaire.freeze(opened)
        days_open = max(1, (min(self.today, survey_round.closes_on) - survey_round.opens_on).days)
        rate = 0.78 if status == RoundStatus.CLOSED else 0.5
        respondents, responses = [], []
        for n, (user, role, group_id) in enumerate(people):
            # The first mentee of an open round has not answered yet: the answer page's benchmark is theirs.
            answered = rng.random() < rate and not (n == 0 and status == RoundStatus.OPEN)
            when = opened + datetime.timedelta(days=rng.randint(0, days_open - 1), hours=rng.randint(1, 12))
            respondents.append(
                Respondent(
                    round=survey_round,
                    user=user,
                    role=role,
                    group_id=group_id,
                    invited_at=opened,
                    reminded_at=opened + datetime.timedelta(days=7) if days_open > 7 and not answered else None,
                    submitted_at=when if answered else None,
                )
            )
            if answered:
                responses.append(
                    Response(
                        round=survey_round,
                        questionnaire=questionnaires[role],
                        role=role,
                        group_id=None if survey_round.anonymous else group_id,  # an anonymous response keeps no group
                        started=datetime.datetime.combine(when.date(), datetime.time(0), tzinfo=datetime.UTC),
                        submitted_on=when.date(),
                    )
                )
        Respondent.objects.bulk_create(respondents, batch_size=BATCH)
        responses = Response.objects.bulk_create(responses, batch_size=BATCH)
        answers = []
        for response in responses:
            for question in questions[response.role]:
                values = answer_values(rng, question)
                if values is not None:
                    answers.append(Answer(response=response, question=question, **values))
        Answer.objects.bulk_create(answers, batch_size=BATCH)

    def pulses(self) -> None:
        """The pulse after a held session, answered by some of the mentees who were there."""
        from feedback.models import Answer, Audience, Purpose, RespondentRole, Response
        from groups.models import AttendanceMark, GroupKind

        held = getattr(self, "held", ())
        if not held:
            return
        questionnaire = self.programme.questionnaires.get(purpose=Purpose.PULSE, audience=Audience.BOTH)
        questions = list(questionnaire.questions.order_by("position", "pk"))
        circles = {group.pk for group in self.group_rows if group.kind == GroupKind.MENTOR_CIRCLE}
        rng, rows = self.rng, []
        for meeting, marks in held:
            if meeting.group_id in circles:
                continue
            leader = self.leader(meeting.group)
            for person, status in marks:
                if person == leader or status != AttendanceMark.PRESENT or rng.random() >= PULSE_RATE:
                    continue
                when = meeting.starts_at + datetime.timedelta(hours=rng.randint(2, 30))
                rows.append(
                    Response(
                        meeting=meeting,
                        user=person,
                        questionnaire=questionnaire,
                        role=RespondentRole.MENTEE,
                        group_id=meeting.group_id,
                        started=when,
                        submitted_on=when.date(),
                        submitted_at=when,
                    )
                )
        if not rows:
            return
        questionnaire.freeze(rows[0].started)
        rows = Response.objects.bulk_create(rows, batch_size=BATCH)
        answers = []
        for response in rows:
            for question in questions:
                values = answer_values(rng, question)
                if values is not None:
                    answers.append(Answer(response=response, question=question, **values))
        Answer.objects.bulk_create(answers, batch_size=BATCH)
