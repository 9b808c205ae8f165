"""Every model is in the admin, and its list, search and forms work for staff."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from mentoring.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "programmes", "groups", "feedback", "outbox"}
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
