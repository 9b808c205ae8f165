"""(being written)"""


def group_wishes(request, **kwargs):
    raise NotImplementedError


def agree_to_wishes(request, **kwargs):
    raise NotImplementedError
