"""Every model is in the admin, and its list, search and forms work for staff."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from mentoring.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "programmes", "groups", "feedback", "outbox", "audit"}
OUR_MODELS = [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_registered():
    assert [model for model in OUR_MODELS if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model._meta.label)
def test_staff_can_list_search_and_open_every_model(client, world, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Pathways"}).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert client.get(change).status_code == 200


def test_an_administrator_erases_a_person_with_the_admin_action(client, world):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [world.mentor.pk, admin_user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Erased the personal data of 1 person." in response.content.decode()
    world.mentor.refresh_from_db()
    admin_user.refresh_from_db()
    assert world.mentor.anonymised_at is not None and world.mentor.display_name == "Former participant"
    assert admin_user.anonymised_at is None
