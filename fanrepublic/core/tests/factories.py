import factory

from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(MemberFactory)
    action = "forum.topic.hide"
    target_type = "forum.topic"
    target_id = "1"
    target_repr = "A topic"
    reason = "spam"
