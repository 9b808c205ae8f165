"""Workflows over several models, one module per topic (``programmes.services.invitations`` and so on).
Views parse a form, call one service and redirect."""

from programmes.services.core import add_member, create_programme, save_programme

__all__ = ["add_member", "create_programme", "save_programme"]
