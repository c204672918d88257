from fanrepublic.activity.registry import on
from fanrepublic.notifications.enums import NotificationKind
from fanrepublic.notifications.services import notify

from .models import Application, TestReport


def _tell(event, *, programme, what: str):
    notify(
        recipient_ids={event.owner_id},
        kind=NotificationKind.BETA,
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
