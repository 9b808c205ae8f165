"""The coordinators' forms of the questionnaire builder: a questionnaire's details, and one question."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.defaults import shown
from feedback.models import CHOICE_KINDS, RECOMMEND_KEY, Audience, Purpose, Question, QuestionKind, Questionnaire

TEXT_MAX_LENGTH = 500  # a question's text and its help text (the model's limit)
INTRO_MAX_LENGTH = 5000
CHOICE_MAX_LENGTH = 200
CHOICES_MAX = 30


def _plain(text: str) -> str:
    # Browsers send line breaks as CRLF; the stored text has LF.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


class QuestionnaireForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Only coordinators see this name, for example in the list of questionnaires."),
        error_messages={"required": _("Please give the questionnaire a name.")},
    )
    intro = forms.CharField(
        label=_("Introduction (optional)"),
        required=False,
        max_length=INTRO_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("People read this above the questions. Say why you ask and how you use the answers."),
    )
    purpose = forms.ChoiceField(label=_("Used for"), choices=Purpose.choices)
    audience = forms.ChoiceField(label=_("Who answers"), choices=Audience.choices, widget=forms.RadioSelect)

    @classmethod
    def of(cls, questionnaire: Questionnaire, *args, **kwargs) -> QuestionnaireForm:
        initial = {name: getattr(questionnaire, name) for name in ("purpose", "audience")}
        initial |= {"name": shown(questionnaire.name), "intro": shown(questionnaire.intro)}  # in the reader's words
        return cls(*args, initial=initial, **kwargs)

    def clean_name(self) -> str:
        name = _one_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please give the questionnaire a name."))
        return name

    def clean_intro(self) -> str:
        return _plain(self.cleaned_data["intro"])


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of question"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please write the question.")},
    )
    help_text = forms.CharField(
        label=_("Help text (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the question in smaller letters. Use it to explain the question, if needed."),
    )
    required = forms.BooleanField(
        label=_("An answer is required"),
        required=False,
        help_text=_("If you untick this, people may skip the question."),
    )
    choices = forms.CharField(
        label=_("Options (only for single and multiple choice)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write one option on each line, in the order people see them. At least two options."),
    )
    key = forms.SlugField(
        label=_("Key (optional)"),
        required=False,
        max_length=60,
        help_text=_(
            "A short name such as “confidence”: small letters, digits, - and _. "
            "Questions with the same key in the mid-point and end surveys are compared side by side in the results."
        ),
        error_messages={"invalid": _("Use only small letters, digits, - and _, without spaces.")},
    )

    def __init__(self, *args, questionnaire: Questionnaire, question: Question | None = None, **kwargs):
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": question.kind,
                    # A default text appears in the coordinator's language; saved, it is theirs as they wrote it.
                    "text": shown(question.text),
                    "help_text": shown(question.help_text),
                    "required": question.required,
                    "choices": "\n".join(shown(choice) for choice in question.choices),
                    "key": question.key,
                },
            )
        else:
            kwargs.setdefault("initial", {"required": True})
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.question = question

    def clean_text(self) -> str:
        text = _one_line(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Please write the question."))
        return text

    def clean_help_text(self) -> str:
        return _one_line(self.cleaned_data["help_text"])

    def clean_choices(self) -> list[str]:
        options = [_one_line(line) for line in _plain(self.cleaned_data["choices"]).split("\n")]
        return [option for option in options if option]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].lower()
        if not key:
            return ""
        others = self.questionnaire.questions.filter(key=key)
        if self.question is not None:
            others = others.exclude(pk=self.question.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Another question in this questionnaire has this key. Each key can be used once per questionnaire.")
            )
        return key

    def clean(self) -> dict:
        data = super().clean()
        kind, options = data.get("kind"), data.get("choices")
        if kind is None or options is None:
            return data
        if kind in CHOICE_KINDS:
            self._check_options(options)
        elif options:
            self.add_error(
                "choices",
                _("Only single choice and multiple choice questions have options. Empty this box, or change the type."),
            )
        if data.get("key") == RECOMMEND_KEY and kind != QuestionKind.RATING:
            self.add_error(
                "key",
                _(
                    "The key “%(key)s” is for the question how likely people are to recommend the programme, "
                    "answered from 0 to 10. "
                    "Choose the type “%(rating)s”, or another key."
                )
                % {"key": RECOMMEND_KEY, "rating": QuestionKind.RATING.label},
            )
        return data

    def _check_options(self, options: list[str]) -> None:
        if len(options) < 2:
            self.add_error("choices", _("Please write at least two options, one on each line."))
            return
        if len(options) > CHOICES_MAX:
            self.add_error("choices", _("Please write at most %(max)d options.") % {"max": CHOICES_MAX})
        seen = set()
        for option in options:
            if len(option) > CHOICE_MAX_LENGTH:
                self.add_error(
                    "choices",
                    _("Each option can have at most %(max)d characters. This one is longer: “%(option)s”.")
                    % {"max": CHOICE_MAX_LENGTH, "option": option[:40] + "…"},
                )
                return
            if option.casefold() in seen:
                self.add_error(
                    "choices", _("Each option must be different. “%(option)s” is there twice.") % {"option": option}
                )
                return
            seen.add(option.casefold())

    def question_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "text", "help_text", "required", "choices", "key")}
