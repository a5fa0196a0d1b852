"""Each staff member's admin language: French by default, English on request.

The choice is kept in the database (it follows the person to any browser) and copied
into the session on the first admin request, so the admin reads it without a query.
The reader site is not concerned: its language is in its addresses (/ and /en/).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import StaffPreference

SESSION_KEY = "newsroom_admin_language"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def chosen_language(request) -> str:
    """The admin language of the person making `request` (the site's default if none)."""
    language = request.session.get(SESSION_KEY)
    if language in LANGUAGE_CODES:
        return language
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return settings.LANGUAGE_CODE
    language = (
        StaffPreference.objects.filter(user=user).values_list("admin_language", flat=True).first()
    )
    language = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    request.session[SESSION_KEY] = language
    return language


class AdminLanguageMiddleware:
    """The admin speaks the staff member's chosen language, not the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            admin_prefix = reverse("admin:index")
        except NoReverseMatch:  # a URL configuration without the admin
            return self.get_response(request)
        if not request.path_info.startswith(admin_prefix):
            return self.get_response(request)
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


def forget_on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: the next admin page reads the person's own choice again."""
    request.session.pop(SESSION_KEY, None)


def _in_their_own_words():
    # Each language named in itself ("Français", "English"): readable whatever is active.
    return [(code, translation.get_language_info(code)["name_local"]) for code in LANGUAGE_CODES]


class LanguageForm(forms.Form):
    admin_language = forms.ChoiceField(
        label=gettext_lazy("Language of the admin"),
        choices=_in_their_own_words,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Only your own admin changes; readers' pages keep their language."),
    )


def language_view(request, admin_site):
    """The staff member chooses the language of their own admin."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    form = LanguageForm(request.POST or None, initial={"admin_language": chosen_language(request)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["admin_language"]
        StaffPreference.objects.update_or_create(
            user=request.user, defaults={"admin_language": language}
        )
        request.session[SESSION_KEY] = language
        translation.activate(language)
        messages.success(request, _("The admin now speaks the language you chose."))
        return HttpResponseRedirect(back or reverse("admin:index"))
    context = {
        **admin_site.each_context(request),
        "title": _("Language of my admin"),
        "form": form,
        "next": back,
    }
    return TemplateResponse(request, "admin/language.html", context)
