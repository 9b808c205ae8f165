from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Django's validator lets addresses of up to 320 characters through; an account stores at most 254.
        longest = EmailAddress._meta.get_field("email").max_length
        if len(email) > longest:
            raise ValidationError(
                gettext("Please use an email address of at most %(max)d characters.") % {"max": longest}
            )
        return super().clean_email(email)

    def save_user(self, request, user, form, commit=True):
        # A new person starts in the language they signed up in.
        user.language = _supported_language(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        # Account emails (verification, password reset) go out in the recipient's language, whatever
        # language the page that triggered them was in.
        user = context.get("user")
        if user is None:
            from accounts.models import User

            user = User.objects.filter(email__iexact=email).only("language").first()
        language = user.language if user is not None else translation.get_language()
        with translation.override(_supported_language(language)):
            super().send_mail(template_prefix, email, context)


def _supported_language(code: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if code in codes:
        return code
    base = (code or "").split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE
