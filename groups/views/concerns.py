"""(being written)"""


def concern_create(request, **kwargs):
    raise NotImplementedError


def programme_sessions(request, **kwargs):
    raise NotImplementedError


def programme_concerns(request, **kwargs):
    raise NotImplementedError


def concern_resolve(request, **kwargs):
    raise NotImplementedError
