from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.text import INVISIBLE

from .antispam import Stamp, read_stamp

PARENT_INVALID = _("You can only reply to a published comment on this article.")
WEBSITE_INVALID = _("Enter a web address starting with http:// or https://.")
STAMP_INVALID = _("This form could not be checked. Please send it again.")


def plain_text(value: str) -> str:
    return INVISIBLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class CommentForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": WEBSITE_INVALID},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6}))
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": PARENT_INVALID, "min_value": PARENT_INVALID},
    )
    stamp = forms.CharField(widget=forms.HiddenInput, error_messages={"required": STAMP_INVALID})
    # The honeypot: hidden from people by the stylesheet, filled in by robots.
    homepage = forms.CharField(required=False)

    def __init__(self, *args, article: Article, **kwargs):
        kwargs.setdefault("auto_id", "comment-%s")
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["text"].widget.attrs["maxlength"] = settings.NEWSROOM_COMMENTS["MAX_LENGTH"]

    @property
    def reader_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "website", "text")]

    @property
    def is_trap(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))

    @property
    def token(self) -> uuid.UUID:
        return self.cleaned_data["stamp"].token

    def clean_name(self) -> str:
        name = " ".join(plain_text(self.cleaned_data["name"]).split())
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        # The field alone would also take ftp:// addresses.
        if website and urlsplit(website).scheme.lower() not in {"http", "https"}:
            raise ValidationError(WEBSITE_INVALID, code="invalid")
        return website

    def clean_text(self) -> str:
        text = plain_text(self.cleaned_data["text"])
        limit = settings.NEWSROOM_COMMENTS["MAX_LENGTH"]
        if not text:
            raise ValidationError(self.fields["text"].error_messages["required"], code="required")
        if len(text) > limit:
            raise ValidationError(
                _("Your comment is %(length)s characters long; the limit is %(limit)s."),
                code="too_long",
                params={"length": len(text), "limit": limit},
            )
        return text

    def clean_stamp(self) -> Stamp:
        conf = settings.NEWSROOM_COMMENTS
        try:
            stamp = read_stamp(self.cleaned_data["stamp"])
        except signing.BadSignature:
            raise ValidationError(STAMP_INVALID, code="stamp") from None
        if stamp.article_id != self.article.pk:
            raise ValidationError(STAMP_INVALID, code="stamp")
        age = (timezone.now() - stamp.issued_at).total_seconds()
        if age < conf["MIN_FORM_SECONDS"]:
            raise ValidationError(
                _("That was very quick. Please read your comment again, then send it."),
                code="too_fast",
            )
        if age > conf["MAX_FORM_SECONDS"]:
            raise ValidationError(
                _("This form is too old. Please send it again: your text is kept."),
                code="expired",
            )
        return stamp
