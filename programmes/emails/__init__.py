"""The emails a programme sends, one renderer each, registered with the outbox (see ``outbox.services``).

Each renderer runs at send time in the recipient's language and time zone, and returns None when the email is
no longer wanted (an invitation revoked before the worker got to it, say): the outbox then cancels it.
"""

from programmes.emails import applications, bank, events, invitations, people

__all__ = ["applications", "bank", "events", "invitations", "people"]
