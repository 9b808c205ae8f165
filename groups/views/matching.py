"""(being written)"""


def matching(request, **kwargs):
    raise NotImplementedError


def suggestions(request, **kwargs):
    raise NotImplementedError


def assign(request, **kwargs):
    raise NotImplementedError


def withdraw(request, **kwargs):
    raise NotImplementedError


def propose_all(request, **kwargs):
    raise NotImplementedError


def confirm_all(request, **kwargs):
    raise NotImplementedError


def mentor_request(request, **kwargs):
    raise NotImplementedError
