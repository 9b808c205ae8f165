"""(being written)"""


def session_list(request, **kwargs):
    raise NotImplementedError


def session_detail(request, **kwargs):
    raise NotImplementedError


def session_log(request, **kwargs):
    raise NotImplementedError


def reflection(request, **kwargs):
    raise NotImplementedError


def action_item_done(request, **kwargs):
    raise NotImplementedError
