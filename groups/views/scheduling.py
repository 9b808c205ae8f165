"""(being written)"""


def session_create(request, **kwargs):
    raise NotImplementedError


def session_edit(request, **kwargs):
    raise NotImplementedError


def session_cancel(request, **kwargs):
    raise NotImplementedError


def session_ics(request, **kwargs):
    raise NotImplementedError
