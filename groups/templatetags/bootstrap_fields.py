"""Form fields in the Bootstrap 5 markup of crispy-forms' ``bootstrap5/field.html``, rendered in Python.

``{{ field|bs_field }}`` stands for ``{{ field|as_crispy_field }}`` and ``{{ form|bs_form }}`` for ``{{ form|crispy }}``
(a form without a crispy helper) on the pages timed by bench/bench_pages.py: crispy renders each field through a
template of a hundred nodes and four includes, which was most of the time of a form with many fields (the session
log with its action items). The markup is the same: the wrapper's ``div_id_*`` id, the label (or the legend of a
fieldset for radio buttons and checkboxes), the widget with crispy's classes (``textinput form-control``,
``select form-select``, ``is-invalid``), the errors in ``<id>_error`` after the widget and the help text in
``<id>_helptext``, which Django's widgets name in their ``aria-describedby``. Only the default layout is covered (no
horizontal forms, label or field classes): a form with a crispy helper still goes through crispy.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in ("text", "email", "number", "url", "password", "hidden", "checkbox")}
INPUTS |= {f"{WIDGETS}{name}.html" for name in ("date", "datetime", "time", "search", "tel")}
SELECT, OPTION, TEXTAREA = f"{WIDGETS}select.html", f"{WIDGETS}select_option.html", f"{WIDGETS}textarea.html"


def _widget(field: BoundField, attrs: dict) -> SafeString:
    """``field.as_widget(attrs=attrs)``, written in Python for Django's own input, select and textarea templates
    (which it writes exactly as they do: tests/test_bootstrap_fields.py compares them); any other widget, another
    form renderer or a localized field goes through the templates."""
    widget = field.field.widget
    template = widget.template_name
    if (
        template not in INPUTS | {SELECT, TEXTAREA}
        or type(field.form.renderer) is not DjangoTemplates
        or field.field.localize
    ):
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = escape(context["name"])
    if template == TEXTAREA:
        value = conditional_escape(context["value"]) if context["value"] else ""
        return mark_safe(f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{value}</textarea>')
    if template == SELECT:
        parts = [f'<select name="{name}"{_attrs(context["attrs"])}>']
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                if option["template_name"] != OPTION:
                    return field.as_widget(attrs=attrs)
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
    value = "" if context["value"] is None else f' value="{escape(context["value"])}"'
    return mark_safe(f'<input type="{escape(context["type"])}" name="{name}"{value}{_attrs(context["attrs"])}>')


def _attrs(attrs: dict) -> str:
    """Django's ``django/forms/widgets/attrs.html`` (and crispy's ``bootstrap5/layout/attrs.html``, which says the
    same): `` name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _classes(field: BoundField, bootstrap: str) -> str:
    """The widget's class attribute as crispy's ``crispy_field`` tag makes it: its own classes, the widget's class
    name in lower case, then Bootstrap's class and ``is-invalid`` after an error."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    name = widget.__class__.__name__.lower()
    if name not in " ".join(classes):
        classes.append(name)
    for extra in [*bootstrap.split(), *(["is-invalid"] if field.errors else [])]:
        if extra not in classes:
            classes.append(extra)
    return " ".join(classes)


def _label(field: BoundField) -> SafeString:
    required = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html("{}{}", field.label, required)


def _help(field: BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    if field.auto_id:
        return format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text)
        )
    return format_html('<div class="form-text">{}</div>', mark_safe(field.help_text))


def _errors(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    items = format_html_join(
        "",
        '<p id="error_{0}_{1}"><strong>{2}</strong></p>',
        ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
    )
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.errors.field_id, items)


def _choices(field: BoundField) -> SafeString:
    """Radio buttons or checkboxes, one ``form-check`` each, as ``bootstrap5/layout/radio_checkbox_select.html``."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    invalid = " is-invalid" if field.errors else ""
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    parts = []
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(format_html("<strong>{}</strong>", group))
        for number, option in enumerate(options, start=1):
            last = number == len(options) and group_number == len(groups)
            parts.append(
                format_html(
                    '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" value="{}"{}>'
                    '<label for="{}" class="form-check-label">{}</label>{}</div>',
                    option["type"],
                    invalid,
                    field.html_name,
                    str(option["value"]),
                    mark_safe(_attrs(option["attrs"])),
                    option["attrs"].get("id", ""),
                    str(option["label"]),
                    _errors(field) if last else "",
                )
            )
    return format_html("<div>{}</div>", mark_safe("".join(parts)))


@register.filter
def bs_field(field: BoundField) -> SafeString:
    """One field, as ``{{ field|as_crispy_field }}`` renders it."""
    if field.is_hidden:
        return _widget(field, {})
    widget = field.field.widget
    css = field.css_classes()
    if isinstance(widget, forms.CheckboxInput):
        required = " requiredField" if field.field.required else ""
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
            '<label for="{}" class="form-check-label{}">{}</label>{}{}</div></div>',
            field.auto_id,
            f" {css}" if css else "",
            _widget(field, {"class": _classes(field, "form-check-input")}),
            field.id_for_label,
            required,
            _label(field),
            _errors(field),
            _help(field),
        )
    wrapper = format_html('<div id="div_{}" class="mb-3{}">', field.auto_id, f" {css}" if css else "")
    required = " requiredField" if field.field.required else ""
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        described = format_html(' aria-describedby="{}"', field.aria_describedby) if field.aria_describedby else ""
        if not field.label:
            return format_html("{}{}{}</div>", wrapper, _choices(field), _help(field))
        return format_html(
            '{}<fieldset{}><legend class="form-label{} fs-6">{}</legend>{}{}</fieldset></div>',
            wrapper,
            described,
            required,
            _label(field),
            _choices(field),
            _help(field),
        )
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            required,
            _label(field),
        )
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return format_html(
        "{}{}{}{}{}</div>",
        wrapper,
        label,
        _widget(field, {"class": _classes(field, bootstrap)}),
        _errors(field),
        _help(field),
    )


@register.filter
def bs_form(form: forms.BaseForm) -> SafeString:
    """A whole form without a crispy helper, as ``{{ form|crispy }}`` renders it: its errors, then every field."""
    errors = ""
    if form.non_field_errors():
        errors = format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((error,) for error in form.non_field_errors())),
        )
    return format_html("{}{}", errors, mark_safe("".join(conditional_escape(bs_field(field)) for field in form)))
