"""Nobody can change or delete an audit event: not through the model, not through a queryset, and on PostgreSQL not
even with SQL typed at a prompt (on SQLite the database refuses changes; deleting is refused by the model only,
see the migration ``0002_refuse_changes``)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent, AuditEventImmutable
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world) -> AuditEvent:
    return record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, programme=world.programme)


def test_the_model_refuses_to_save_an_event_again(event):
    event.subject = "changed"
    with pytest.raises(AuditEventImmutable):
        event.save()


def test_the_model_and_its_querysets_refuse_to_change_or_delete(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(subject="changed")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.update(subject="changed")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["subject"])
    assert AuditEvent.objects.get(pk=event.pk).subject == ""


def test_the_people_an_event_names_cannot_be_deleted(event, world):
    with pytest.raises(ProtectedError):
        world.coordinator.delete()


def test_the_database_refuses_an_update_in_sql(event):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with (
        pytest.raises(IntegrityError, match="audit events cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET subject = 'changed' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).subject == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's DELETE is left to the model (see migration)")
def test_the_database_refuses_a_delete_in_sql(event):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with (
        pytest.raises(IntegrityError, match="audit events cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_is_read_only(event, world):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser(email="admin@example.org", password="a-long-admin-password")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.has_view_permission(request, event)


def test_the_admin_lists_and_shows_events(event, client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="a-long-admin-password"))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"subject": "x"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, subject="").exists()


@pytest.mark.django_db(transaction=True)
def test_the_test_runner_can_still_empty_the_table_between_tests(world):
    """Browser tests run in real transactions, after which Django empties every table (TRUNCATE on PostgreSQL,
    DELETE on SQLite): the guard must let that through, or every later test would fail."""
    record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, programme=world.programme)
    assert AuditEvent.objects.count() == 1
