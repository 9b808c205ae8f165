"""(being written: the helper answering pages replace this module)"""

from django.http import HttpResponse


def my_surveys(request, **kwargs):
    return HttpResponse(status=501)


answer = answer_by_link = my_surveys
