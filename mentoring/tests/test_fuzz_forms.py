"""Every form of the project, fed generated input: never a server error, and nothing saved from input it refuses.

The forms are found, not listed: for every URL of the permission matrix that someone may post to (and every page
that reads a query, like a search or a filter), the test signs in as a person the matrix lets in, opens the page
and records the fields of every Django form the view builds and every control of the HTML form that posts back to
it, adds the keys the view reads from ``request.POST`` or ``request.GET`` itself and the values the matrix posts,
and then lets hypothesis send what a careless or hostile visitor could: fields left out, empty, 10,000 characters
long, in right-to-left script, emoji, with NUL bytes, HTML, numbers far out of range, dates that do not exist,
several values for one field, invalid choices (``mentoring/tests/fuzz.py``). Every form first gets its edge cases
(``edge_cases``: each field in turn at the far end of its kind, the others as the page would send them), then
``EXAMPLES`` generated inputs, the same on every run; ``HYPOTHESIS_PROFILE=explore`` tries new ones, many more.

Each generated input is sent in a savepoint that is rolled back afterwards, so every example starts from the same
world. The answer must not be a server error (the test client raises the view's exceptions: they fail the test
with the input), and whenever the answer is not a redirect (the form again with its errors, a 403, a 404) no row
of our apps may have changed. Valid input, which hypothesis sometimes finds, is answered with a redirect: fine.
"""

from __future__ import annotations

import copy
import inspect
import re
import traceback
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mentoring.tests.fuzz import LONG, changed_tables, db_state, rolled_back, shorten, weird_values
from mentoring.tests.matrix import PERSONAS, Case
from mentoring.tests.test_permission_matrix import MATRIX, _named_patterns

EXAMPLES = 12  # generated inputs per form, after its edge cases; HYPOTHESIS_PROFILE=explore tries more
MISSING = object()  # a field left out of the request altogether
REDIRECTS = {301, 302, 303, 307, 308}

# Whom to sign in as: the first of these the matrix lets in (200 for a page, 200 or 302 for a post).
PREFERENCE = ("coordinator", "mentor", "mentee", "other_coordinator", "other_group_member", "outsider", "anonymous")

# Pages that save what they are sent and then show a page rather than redirect, by design.
SHOWS_WHAT_IT_SAVED = {
    "accounts:reminder_off": "turning a reminder off from the email's link shows 'done' on the same page",
}

# The ends of each kind of value, for ``edge_cases``.
HIGH_END = {
    "text": LONG,
    "integer": "9223372036854775808",
    "number": "1e999",
    "date": "9999-12-31",
    "time": "23:59:59.999999",
    "datetime": "9999-12-31T23:59:59",
    "choice": "3150673567303416676352",
    "multiple": ["3150673567303416676352"],
    "email": f"{'a' * 60}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org",
    "url": "https://" + "a" * 300 + ".example.org",
    "boolean": LONG,
}
LOW_END = {
    "integer": "-9223372036854775809",
    "number": "-1e999",
    "date": "0001-01-01",
    "time": "00:00",
    "datetime": "0001-01-01T00:00",
    "choice": "-1",
    "multiple": ["-1", "0"],
}

# Plausible values for a field that has none on its page, so that hypothesis can also send a valid form (two dates
# and two times, so that an end can come after a start).
PLAUSIBLE = {
    "text": ["A plain, friendly answer"],
    "url": ["https://meet.example.org/room"],
    "email": ["someone.new@example.org"],
    "date": ["2026-12-15", "2027-03-01"],
    "time": ["18:00", "20:00"],
    "datetime": ["2026-12-15T18:00"],
    "integer": ["2", "5"],
    "number": ["1.5"],
    "boolean": ["on"],
}


@dataclass(frozen=True)
class Target:
    """One URL to fuzz: a matrix case, the method, and the person who may use it."""

    case: Case
    method: str
    persona: str
    others: tuple[Case, ...] = ()  # the matrix's other cases of the same URL (their data are valid values too)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.case.name}"


@dataclass
class Spec:
    """One field: what kind of value it takes and the values the page itself would send."""

    kind: str = "text"
    valid: list = field(default_factory=list)

    def add(self, value) -> None:
        if value is not MISSING and value not in self.valid:
            self.valid.append(value)


# Which URLs ----------------------------------------------------------------------------------------------------


def _views() -> dict:
    return {name: pattern.callback for name, pattern in _named_patterns(get_resolver().url_patterns)}


def _source(callback) -> str:
    """The source of the module that holds the view (or of the class-based view): where it reads its input."""
    view_class = getattr(callback, "view_class", None)
    try:
        return (
            inspect.getsource(view_class)
            if view_class
            else inspect.getsource(inspect.getmodule(inspect.unwrap(callback)))
        )
    except (OSError, TypeError):
        return ""


def _accepts_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return "POST" in inspect.getsource(inspect.unwrap(callback))


def _persona(case: Case, outcomes: tuple[str, ...]) -> str | None:
    allowed = {persona for persona, outcome in zip(PERSONAS, case.expected, strict=True) if outcome in outcomes}
    return next((persona for persona in PREFERENCE if persona in allowed), None)


def targets() -> list[Target]:
    """Every URL someone may post to, every page that reads a query, and every page whose form posts back to it
    although the matrix only opens it."""
    views = _views()
    posted = {case.name for case in MATRIX if case.method == "post"}
    found: dict[tuple, Target] = {}
    for case in MATRIX:
        same = tuple(other for other in MATRIX if other.name == case.name and other is not case)
        wanted = []
        if case.method == "post":
            wanted.append(("post", _persona(case, ("200", "302"))))
        elif case.method == "get" and (persona := _persona(case, ("200",))):
            if "request.GET" in _source(views[case.name]) or case.data:
                wanted.append(("get", persona))
            if case.name not in posted and _accepts_post(views[case.name]):
                wanted.append(("post", persona))
        for method, persona in wanted:
            key = (case.name, method, case.kwargs)
            if persona and key not in found:
                found[key] = Target(case=case, method=method, persona=persona, others=same)
    return list(found.values())


TARGETS = targets()


# What the page asks for ----------------------------------------------------------------------------------------


_HTML_KINDS = {
    "checkbox": "boolean",
    "file": "file",
    "date": "date",
    "time": "time",
    "email": "email",
    "url": "url",
    "number": "integer",
}


class _HtmlForms(HTMLParser):
    """The forms of a page: method, action, and each control's name with the values the page offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _control(self, name: str, kind: str) -> Spec:
        return self._form["controls"].setdefault(name, Spec(kind=kind))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "controls": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag in ("input", "button") and name:
            kind = (attrs.get("type") or "text").lower()
            spec = self._control(name, _HTML_KINDS.get(kind, "text"))
            if attrs.get("value") is not None:
                spec.add(attrs["value"])
            elif kind in ("checkbox", "radio"):
                spec.add("on")
        elif tag == "select" and name:
            self._select = name
            self._control(name, "multiple" if "multiple" in attrs else "choice")
        elif tag == "option" and self._select and attrs.get("value"):
            self._control(self._select, "choice").add(attrs["value"])
        elif tag == "textarea" and name:
            self._textarea = name
            self._control(name, "text")

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._control(self._textarea, "text").add(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _kind(form_field: forms.Field) -> str:
    if isinstance(form_field, forms.FileField):
        return "file"
    if isinstance(form_field, forms.BooleanField | forms.NullBooleanField):
        return "boolean"
    if isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return "multiple"
    if isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        return "choice"
    if isinstance(form_field, forms.IntegerField):
        return "integer"
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(form_field, forms.DateTimeField):
        return "datetime"
    if isinstance(form_field, forms.DateField):
        return "date"
    if isinstance(form_field, forms.TimeField):
        return "time"
    if isinstance(form_field, forms.EmailField):
        return "email"
    if isinstance(form_field, forms.URLField):
        return "url"
    return "text"


def _as_sent(value):
    """A form's initial or bound value as the browser would send it back."""
    if value is None or value is False or value == "":
        return MISSING
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        sent = [_as_sent(item) for item in value]
        return [item for item in sent if isinstance(item, str)] or MISSING
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return value if isinstance(value, str) else str(value)


def _choices(form_field: forms.Field, limit: int = 8) -> list[str]:
    values = []
    for value, label in form_field.choices:
        for inner in label if isinstance(label, list | tuple) else [(value, label)]:
            text = str(inner[0] if isinstance(label, list | tuple) else value)
            if text and text not in values:
                values.append(text)
        if len(values) >= limit:
            break
    return values


def _add_form(specs: dict[str, Spec], form: forms.BaseForm) -> None:
    for name, form_field in form.fields.items():
        html_name = form.add_prefix(name)
        kind = _kind(form_field)
        names = [html_name]
        if isinstance(form_field.widget, forms.MultiWidget):
            names = [f"{html_name}{suffix}" for suffix in form_field.widget.widgets_names]
            kind = "text"
        for each in names:
            spec = specs.setdefault(each, Spec(kind=kind))
            spec.kind = kind
            if form.is_bound and hasattr(form.data, "getlist"):
                for value in form.data.getlist(each):
                    spec.add(value)
            if len(names) == 1 and kind != "file":
                spec.add(_as_sent(form[name].value()))
            if kind in ("choice", "multiple"):
                for value in _choices(form_field):
                    spec.add(value)


class _Recorder:
    """Every Django form built while it is active (a formset's management form and its forms too)."""

    def __enter__(self) -> list[forms.BaseForm]:
        self.made: list[forms.BaseForm] = []
        original = forms.BaseForm.__init__
        made = self.made

        def init(form, *args, **kwargs):
            original(form, *args, **kwargs)
            made.append(form)

        self.patch = mock.patch.object(forms.BaseForm, "__init__", init)
        self.patch.start()
        return self.made

    def __exit__(self, *exc) -> None:
        self.patch.stop()


_REQUEST_KEYS = re.compile(
    r"request\.(POST|GET)(?:\.get|\.getlist)?\(\s*[\"'](\w+)[\"']"
    r"|request\.(POST|GET)\[\s*[\"'](\w+)[\"']"
    r"|[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.(POST|GET)"
)


def _keys_the_view_reads(callback, method: str) -> set[str]:
    keys = set()
    for match in _REQUEST_KEYS.finditer(_source(callback)):
        verb = match[1] or match[3] or match[6]
        key = match[2] or match[4] or match[5]
        if verb == method.upper():
            keys.add(key)
    return keys


def discover(client, url: str, target: Target) -> dict[str, Spec]:
    """The fields of the form behind ``url``, with the values its page and the matrix would send."""
    specs: dict[str, Spec] = {}
    path = urlsplit(url).path

    # The first visit of a page may set it up (the pulse's questions of a programme made before feedback existed):
    # it is kept, so that what the examples save is only what their input saves.
    cookies = copy.deepcopy(client.cookies)
    with _Recorder() as made:
        page = client.get(url, target.case.data if target.method == "get" else {})
    client.cookies = cookies

    def look():
        html_names = set()
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            content = page.content.decode()
            parser = _HtmlForms()
            parser.feed(content)
            for html_form in parser.forms:
                action = urlsplit(urljoin(url, unescape(html_form["action"]))).path if html_form["action"] else path
                if html_form["method"] == target.method and action == path:
                    for name, spec in html_form["controls"].items():
                        if name == "csrfmiddlewaretoken":  # the test client does not check it
                            continue
                        html_names.add(name)
                        specs.setdefault(name, Spec(kind=spec.kind))
                        for value in spec.valid:
                            specs[name].add(value)
            if target.method == "get":
                for href in re.findall(r'href="([^"]*\?[^"]*)"', content):
                    link = urlsplit(urljoin(url, unescape(href)))
                    if link.path == path:
                        for key, value in parse_qsl(link.query, keep_blank_values=True):
                            specs.setdefault(key, Spec()).add(value)
        for form in made:
            bound_by_query = target.method == "get" and form.is_bound
            on_the_page = target.method == "post" and {form.add_prefix(name) for name in form.fields} & html_names
            if bound_by_query or on_the_page:
                _add_form(specs, form)
        if target.method == "post":
            with _Recorder() as made_by_post:
                client.post(url, target.case.data)
            for form in made_by_post:
                if form.is_bound:
                    _add_form(specs, form)

    rolled_back(client, look)
    for case in (target.case, *target.others):
        if case.method == target.method:
            for key, value in case.data.items():
                spec = specs.setdefault(key, Spec(kind="file" if hasattr(value, "read") else "text"))
                spec.add(value)
    for key in _keys_the_view_reads(_views()[target.case.name], target.method):
        specs.setdefault(key, Spec())
    for name, spec in specs.items():
        kind = "url" if spec.kind == "text" and ("link" in name or "url" in name) else spec.kind
        if not any(spec.valid) and kind in PLAUSIBLE:
            for value in PLAUSIBLE[kind]:
                spec.add(value)
    return specs


# What hypothesis sends -----------------------------------------------------------------------------------------


def _upload(content: bytes, name: str = "upload.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _bad(spec: Spec) -> st.SearchStrategy:
    if spec.kind == "file":
        return st.one_of(
            st.binary(max_size=300).map(_upload),
            st.sampled_from([b"", b"\x00" * 100, b"\xff\xfe" + "é".encode("utf-16-le"), b"x" * 10_000]).map(_upload),
            weird_values(),
        )
    return weird_values(spec.kind)


def _good(spec: Spec) -> st.SearchStrategy:
    return st.sampled_from(spec.valid) if spec.valid else st.just(MISSING)


def inputs(specs: dict[str, Spec]) -> st.SearchStrategy[dict]:
    """Either one field wrong and every other as its page would send it (which reaches the checks across fields
    and the services behind the form), or every field at random: as sent, left out, or wrong."""
    names = sorted(specs)
    if not names:
        return st.just({})

    def one_wrong(wrong: str) -> st.SearchStrategy:
        return st.fixed_dictionaries(
            {
                name: st.one_of(st.just(MISSING), _bad(specs[name])) if name == wrong else _good(specs[name])
                for name in names
            }
        )

    at_random = st.fixed_dictionaries(
        {name: st.one_of(_good(specs[name]), st.just(MISSING), _bad(specs[name])) for name in names}
    )
    return st.one_of(st.sampled_from(names).flatmap(one_wrong), at_random).map(
        lambda data: {name: value for name, value in data.items() if value is not MISSING}
    )


def edge_cases(specs: dict[str, Spec]) -> list[dict]:
    """The inputs every form gets, before the generated ones: as its page would send it; every field left out;
    every field with a NUL byte (which PostgreSQL cannot store); every field at the low end of its kind; and each
    field in turn at the high end of its kind (10,000 characters, 9999-12-31, a number beyond 64 bits, an id no
    row has, an address longer than an email field stores) with every other field as the page would send it."""
    baseline = {name: spec.valid[0] for name, spec in specs.items() if spec.valid and spec.kind != "file"}
    cases = [
        baseline,
        {},
        dict.fromkeys(specs, "a\x00b"),
        {name: LOW_END.get(spec.kind, "") for name, spec in specs.items()},
    ]
    cases += [{**baseline, name: HIGH_END.get(spec.kind, LONG)} for name, spec in sorted(specs.items())]
    return cases


def _examples() -> int:
    return EXAMPLES if settings.default.derandomize else settings.default.max_examples


# The property ---------------------------------------------------------------------------------------------------


def send(client, method: str, url: str, data: dict, *, may_save_without_redirect: bool = False) -> str | None:
    """Sends ``data`` in a savepoint that is rolled back; returns what went wrong, or None."""

    def attempt():
        before = db_state()
        try:
            response = getattr(client, method)(url, data)
        except Exception as error:  # the test client re-raises what the view raised: a server error
            return "raised " + "".join(traceback.format_exception(error)[-4:])
        if response.status_code >= 500:
            return f"answered {response.status_code}"
        if response.status_code not in REDIRECTS and not may_save_without_redirect:
            changed = changed_tables(before, db_state())
            if changed:
                return f"answered {response.status_code} but saved: {', '.join(changed)}"
        return None

    return rolled_back(client, attempt)


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_no_form_answers_generated_input_with_a_server_error(client, world, target):
    if target.persona != "anonymous":
        client.force_login(getattr(world, target.persona))
    url = reverse(target.case.name, kwargs=target.case.kwargs(world))
    specs = discover(client, url, target)

    def answers_without_a_server_error(data):
        problem = send(
            client, target.method, url, data, may_save_without_redirect=target.case.name in SHOWS_WHAT_IT_SAVED
        )
        assert problem is None, f"{target} as {target.persona}, {url} with {shorten(data, 600)}: {problem}"

    test = given(data=inputs(specs))(answers_without_a_server_error)
    for data in reversed(edge_cases(specs)):
        test = example(data=data)(test)
    settings(max_examples=_examples())(test)()


def test_every_form_is_fuzzed():
    """Every URL someone may post to is among the targets (a new form cannot slip past the fuzzing)."""
    posted = {case.name for case in MATRIX if case.method == "post" and _persona(case, ("200", "302"))}
    fuzzed = {target.case.name for target in TARGETS if target.method == "post"}
    assert posted <= fuzzed
    assert {"programmes:create", "programmes:edit", "bank:search", "programmes:people"} <= {
        target.case.name for target in TARGETS
    }
