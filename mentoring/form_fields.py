"""Form fields, validators and the base of list filters that the apps share."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# Any date a person enters lies in these years. Far outside them (a typo such as 0202 or 9999), the dates computed
# from it (a series of sessions, a programme's feedback rounds, a moment in UTC) would leave the calendar.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def validate_sensible_date(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Please enter a date in the years %(first)d to %(last)d."),
            code="out_of_range",
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
        )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that an id too large for the database is an invalid choice, as it is for a
    ``ModelChoiceField``. Django's own field lets SQLite raise ``OverflowError`` (a server error) for it."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            too_large = next((item for item in value if not _fits_in_64_bits(item)), value[0])
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": too_large}
            ) from None


def _fits_in_64_bits(value) -> bool:
    try:
        return abs(int(value)) < 2**63
    except (TypeError, ValueError):
        return True


class FilterForm(forms.Form):
    """The filters of a list, read from the page's address. ``from_query`` always gives a valid form: the good values
    are kept and the others dropped (a value that is not one of the choices is simply ignored)."""

    @classmethod
    def from_query(cls, data: QueryDict):
        form = cls(data)
        form.is_valid()
        form = cls(form.chosen)
        form.is_valid()
        return form

    @property
    def chosen(self) -> dict:
        """The filters that have a value."""
        return {name: value for name, value in self.cleaned_data.items() if value}
