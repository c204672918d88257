from allauth.account.adapter import DefaultAccountAdapter

from fanrepublic.activity.services import record_event


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups land in the event log like every other interaction."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            lang = getattr(request, "LANGUAGE_CODE", "") or ""
            if lang in ("en", "zh-hans") and not user.language:
                user.language = lang
                user.save(update_fields=["language"])
            record_event(verb="member.signed_up", actor=user, obj=user, owner=user)
        return user
