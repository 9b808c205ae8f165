"""(being written)"""


def contract(request, **kwargs):
    raise NotImplementedError


def contract_edit(request, **kwargs):
    raise NotImplementedError


def contract_propose(request, **kwargs):
    raise NotImplementedError


def contract_withdraw(request, **kwargs):
    raise NotImplementedError


def contract_agree(request, **kwargs):
    raise NotImplementedError


def contract_version(request, **kwargs):
    raise NotImplementedError


def contract_print(request, **kwargs):
    raise NotImplementedError


def programme_contracts(request, **kwargs):
    raise NotImplementedError


def contract_template(request, **kwargs):
    raise NotImplementedError


def contract_remind(request, **kwargs):
    raise NotImplementedError
