from django.utils.translation import gettext as _

from fanrepublic.activity.registry import on
from fanrepublic.core.i18n import is_chinese
from fanrepublic.notifications.services import notify

from .models import Application, TestReport

NOTICE = "beta"


def notice_text(params: dict) -> str:
    p = {
        "topic": params.get("topic_zh")
        if is_chinese() and params.get("topic_zh")
        else params.get("topic", "")
    }
    texts = {
        "selected": _("You were selected for “%(topic)s”: accept the NDA to start testing"),
        "waitlisted": _("You are on the waitlist of “%(topic)s”"),
        "declined": _("Your application to “%(topic)s” was not accepted this time"),
        "approved": _("Your test report in “%(topic)s” was approved"),
        "changes_requested": _("Your test report in “%(topic)s” needs changes"),
        "rejected": _("Your test report in “%(topic)s” was rejected"),
        "completed": _("You completed “%(topic)s”; your perk is on your profile"),
    }
    return texts.get(params.get("beta", ""), _("Something happened in “%(topic)s”")) % p


def _tell(event, *, programme, what: str):
    notify(
        recipient_ids={event.owner_id},
        kind=NOTICE,
        actor=event.actor,
        url=programme.get_absolute_url(),
        params={"topic": programme.name, "topic_zh": programme.name_zh, "beta": what},
        dedupe_key=f"event:{event.pk}",
    )


@on("betas.application.selected", "betas.application.waitlisted", "betas.application.declined")
def tell_the_applicant(event):
    application = Application.objects.select_related("programme").filter(pk=event.object_id).first()
    if application is not None:
        _tell(event, programme=application.programme, what=event.verb.rsplit(".", 1)[1])


@on("betas.report.reviewed")
def tell_the_tester(event):
    report = TestReport.objects.select_related("programme").filter(pk=event.object_id).first()
    if report is not None:
        _tell(event, programme=report.programme, what=event.properties.get("to", ""))


@on("betas.completed")
def tell_the_finisher(event):
    application = Application.objects.select_related("programme").filter(pk=event.object_id).first()
    if application is not None:
        _tell(event, programme=application.programme, what="completed")
