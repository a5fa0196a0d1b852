"""Staff accounts and roles in the admin: nobody grants more than they hold.

Django's own UserAdmin and GroupAdmin let anyone with `auth.change_user` make himself a
superuser, reset a superuser's password, and anyone with `auth.change_group` add any
permission to his own group. Here, for everyone but superusers:

- superusers are out of reach: not listed for change, not changeable, not deletable, and
  their passwords cannot be reset;
- the superuser flag is read-only;
- a permission can be given (to a person or a group) only by someone who holds it, and a
  person can be put in a group only by someone who holds every permission of the group.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .roles import role_label

# Django stores a permission's name in English when it creates it ("Can add article"):
# the admin names the four default ones in its own language, and the project's own
# permissions (declared with gettext_lazy) through the catalogue.
_DEFAULT_PERMISSIONS = {
    "add": gettext_lazy("Can add"),
    "change": gettext_lazy("Can change"),
    "delete": gettext_lazy("Can delete"),
    "view": gettext_lazy("Can view"),
}


def permission_label(permission: Permission) -> str:
    """ "Articles | article | Can add", in the admin's language."""
    action, _sep, model = permission.codename.partition("_")
    if action in _DEFAULT_PERMISSIONS and model == permission.content_type.model:
        name = str(_DEFAULT_PERMISSIONS[action])
    else:
        name = _(permission.name)
    return f"{permission.content_type} | {name}"


class RoleFilter(admin.RelatedFieldListFilter):
    """The users' list filtered by role, the roles named in the admin's language."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        return [(pk, role_label(name)) for pk, name in choices]


def _held(user) -> set[str]:
    return user.get_all_permissions()


def _names(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def _beyond(user, permissions) -> list[str]:
    """The permissions among `permissions` that `user` does not hold, sorted."""
    if user.is_superuser:
        return []
    return sorted(_names(permissions) - _held(user))


def _refusal(missing: list[str]) -> ValidationError:
    shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    return ValidationError(
        _("You can only give permissions you hold yourself; you do not hold: %(names)s.")
        % {"names": shown},
        code="escalation",
    )


class _GrantChecks:
    """Form checks for the permissions and groups a form would give."""

    request = None  # set by the admin's get_form

    def clean_user_permissions(self):
        permissions = self.cleaned_data.get("user_permissions") or Permission.objects.none()
        if missing := _beyond(self.request.user, permissions.select_related("content_type")):
            raise _refusal(missing)
        return permissions

    def clean_groups(self):
        groups = self.cleaned_data.get("groups") or Group.objects.none()
        granted = Permission.objects.filter(group__in=groups).select_related("content_type")
        if missing := _beyond(self.request.user, granted):
            raise _refusal(missing)
        return groups

    def clean_permissions(self):
        permissions = self.cleaned_data.get("permissions") or Permission.objects.none()
        if missing := _beyond(self.request.user, permissions.select_related("content_type")):
            raise _refusal(missing)
        return permissions


class _WithRequest:
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        checks = type(form.__name__, (_GrantChecks, form), {"request": request})
        return checks

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        elif db_field.name == "groups":
            field.label_from_instance = lambda group: role_label(group.name)
        return field


class StaffUserAdmin(_WithRequest, UserAdmin):
    list_filter = ("is_staff", "is_superuser", "is_active", ("groups", RoleFilter))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def _may_touch(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or not obj.is_superuser

    def has_change_permission(self, request, obj=None):
        # Also guards the password reset view (UserAdmin.user_change_password).
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)


class StaffGroupAdmin(_WithRequest, GroupAdmin):
    list_display = ["role"]

    @admin.display(description=gettext_lazy("role"), ordering="name")
    def role(self, group: Group) -> str:
        return role_label(group.name)
