"""The lead picture's field in the article form: the chosen picture's thumbnail and words,
and a button that opens the library's chooser (admin/pictures/picture/choose.html)."""

from django import forms
from django.urls import reverse

from .models import Picture


class PictureChooserWidget(forms.Widget):
    template_name = "pictures/widgets/chooser.html"

    class Media:
        js = ["admin_newsroom/picture-field.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picture = None
        if value not in (None, ""):
            picture = (
                Picture.objects.filter(pk=value).first()
                if str(value).isascii() and str(value).isdigit()
                else None
            )
        context["widget"]["picture"] = picture
        context["widget"]["chooser_url"] = reverse("admin:pictures_picture_choose")
        return context
