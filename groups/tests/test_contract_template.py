"""The programme's contract template: sensible default texts (in the coordinator's language) until the
coordinators first save it, edited by them, and the starting point of every group's first draft. Opening the page
creates nothing. Changing it does not change contracts already started."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from groups.contract_text import default_texts
from groups.models import ContractTemplate, ContractVersion, MentorCompensation
from groups.services import contracts
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

FORM = {
    "compensation": "paid",
    "tools_and_channels": "We meet at the community centre.",
    "confidentiality": "What we say stays in the group, also after the programme.",
}


def template_url(world):
    return reverse("grouping:contract_template", kwargs={"pk": world.programme.pk})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_first_visit_shows_default_texts_and_creates_nothing(as_user, world):
    response = as_user(world.coordinator).get(template_url(world))
    assert response.status_code == 200
    assert not ContractTemplate.objects.exists(), "opening a page changes nothing"
    initial = response.context["form"].initial
    assert initial["compensation"] == MentorCompensation.VOLUNTEER
    assert "check-in" in initial["session_structure"]
    assert "next session" in initial["action_items"]
    assert "briefing" in initial["absent_members"]
    assert "does not end when the programme ends" in initial["confidentiality"]
    assert "responsible" in initial["responsibility"]
    assert "progress together" in initial["follow_up"]
    assert all(initial[name] for name in default_texts()), "every part has a default text"


def test_the_defaults_are_shown_in_the_coordinators_language(as_user, world):
    world.coordinator.language = "de"
    world.coordinator.save()
    languages = []

    def translate(text):
        languages.append(translation.get_language())
        return f"[{translation.get_language()}] {text}"

    with mock.patch("groups.contract_text.gettext", side_effect=translate):
        response = as_user(world.coordinator).get(template_url(world))
    assert set(languages) == {"de"}
    assert response.context["form"].initial["roles"].startswith("[de] ")


def test_the_template_is_saved_once_and_then_shown_as_saved(as_user, world):
    client = as_user(world.coordinator)
    client.get(template_url(world))
    client.post(template_url(world), FORM)
    response = client.get(template_url(world))
    template = ContractTemplate.objects.get()
    assert template.updated_by == world.coordinator
    assert response.context["form"].initial["tools_and_channels"] == "We meet at the community centre."


def test_the_coordinator_edits_the_template(as_user, world):
    response = as_user(world.coordinator).post(template_url(world), FORM, follow=True)
    assert texts(response) == [
        "The template is saved. New contracts start from it. Contracts already written keep their text."
    ]
    template = ContractTemplate.objects.get()
    assert template.compensation == MentorCompensation.PAID
    assert template.tools_and_channels == "We meet at the community centre."
    assert template.roles == "", "a part left empty stays empty"


def test_a_bad_choice_is_refused_next_to_the_field(as_user, world):
    response = as_user(world.coordinator).post(template_url(world), FORM | {"compensation": "in kind"})
    assert response.status_code == 200
    assert "compensation" in response.context["form"].errors
    assert not ContractTemplate.objects.exists(), "nothing is saved from a form with mistakes"


def test_a_new_draft_starts_from_the_changed_template(as_user, world):
    as_user(world.coordinator).post(template_url(world), FORM)
    draft = contracts.save_draft(group=world.group, by=world.mentor)
    assert draft.tools_and_channels == "We meet at the community centre."
    assert draft.compensation == MentorCompensation.PAID


def test_changing_the_template_does_not_change_contracts_already_started(as_user, world):
    client = as_user(world.coordinator)
    client.get(template_url(world))
    draft = contracts.save_draft(group=world.group, by=world.mentor)
    before = draft.text_fields()
    client.post(template_url(world), FORM)
    assert ContractVersion.objects.get().text_fields() == before


def test_the_template_is_for_the_programmes_coordinators(as_user, world):
    assert as_user(world.mentor).get(template_url(world)).status_code == 403
    assert as_user(world.other_coordinator).get(template_url(world)).status_code == 404
    assert as_user(world.coordinator).put(template_url(world)).status_code == 405
    assert not ContractTemplate.objects.exists()


def test_a_closed_programmes_template_is_read_only(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    response = client.get(template_url(world))
    assert response.status_code == 200
    assert response.context["form"] is None
    page = response.content.decode()
    assert "This programme is closed. Its contract template can no longer be changed." in page
    assert default_texts()["roles"].split("\n")[0] in page
    response = client.post(template_url(world), FORM, follow=True)
    assert texts(response) == ["This programme is closed. Its contract template can no longer be changed."]
    assert not ContractTemplate.objects.exists()
