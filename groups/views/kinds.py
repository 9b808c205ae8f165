"""(being written)"""


def group_settings(request, **kwargs):
    raise NotImplementedError


def facilitation(request, **kwargs):
    raise NotImplementedError


def circle_create(request, **kwargs):
    raise NotImplementedError
