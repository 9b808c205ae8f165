"""(being written)"""


def goal_list(request, **kwargs):
    raise NotImplementedError


def goal_create(request, **kwargs):
    raise NotImplementedError


def goal_detail(request, **kwargs):
    raise NotImplementedError


def goal_edit(request, **kwargs):
    raise NotImplementedError


def goal_update(request, **kwargs):
    raise NotImplementedError


def programme_goals(request, **kwargs):
    raise NotImplementedError
