"""Django's generic admin phrases, said in the newsroom's words.

Django's French catalogue says "Sélectionnez l'objet article à changer" or "Ajouter un
objet Signature supplémentaire". Marked here, these phrases enter the project's own
catalogue (locale/), which takes precedence over Django's: the French wording is in
locale/fr/LC_MESSAGES/django.po, next to the project's other words. The module is only
read by makemessages; nothing imports it.
"""

from django.utils.translation import gettext_noop

ADMIN_PHRASES = [
    gettext_noop("Add %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Delete multiple objects"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
]
