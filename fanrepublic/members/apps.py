from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "fanrepublic.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from . import api_auth, handlers  # noqa: F401  (ingestion's token resolver; activity events)
        from .second_factor import on_authenticator_added

        authenticator_added.connect(on_authenticator_added, dispatch_uid="members.second_factor.added")
