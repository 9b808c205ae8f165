"""(being written)"""


def programme_groups(request, **kwargs):
    raise NotImplementedError


def proposal(request, **kwargs):
    raise NotImplementedError


def confirm(request, **kwargs):
    raise NotImplementedError
