"""Writes for stores, their customers and visits: one function per use case.

Purchases have their own module (purchases.py): importing them is a use case of its
own, with batches, files and reconciliation."""

import hashlib
import secrets
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.members.enums import OwnershipSource, StaffRole
from fanrepublic.members.services import ownership_verify, ownership_withdraw
from fanrepublic.products.models import ProductLine

from . import checkin_codes, permissions
from .enums import ContactOrigin, OrderKind, VisitSource
from .models import Contact, LinkCode, Order, OrderLine, SerialRegistration, Store, StoreCustomer, Visit

STORE_TEXT_FIELDS = {
    "name": (100, True),
    "name_zh": (100, False),
    "city": (60, True),
    "city_zh": (60, False),
    "address": (200, True),
    "address_zh": (200, False),
    "opening_hours": (200, False),
    "opening_hours_zh": (200, False),
    "phone": (30, False),
}
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till
LINK_CODE_LENGTH = 8
LINK_CODE_LIFETIME = timedelta(minutes=15)


def _clean_line(value, *, field: str, max_length: int, required: bool) -> str:
    value = " ".join(str(value or "").split())
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValidationFailed(problem, field=field)
    if required and not value:
        raise ValidationFailed(_("This is required."), field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            _("At most %(n)d characters.") % {"n": max_length},
            field=field,
        )
    return value


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """A phone number in E.164 (+8613800138000), so "138 0013 8000" and "+86 138-0013-8000"
    are one customer. Numbers without a country code are read as mainland China's."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    problem = text_problem(raw, single_line=True)
    if problem:
        raise ValidationFailed(problem, field=field)
    try:
        parsed = phonenumbers.parse(raw[:40], settings.STORES_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(_("Not a valid phone number."), field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- stores -------------------------------------------------------------------------


def store_save(*, actor, data: dict, store: Store | None = None) -> Store:
    """Open a store or change one (operators and founders)."""
    if not permissions.can_run_network(actor):
        raise Forbidden()
    cleaned = {}
    errors: dict[str, list[str]] = {}
    for field, (max_length, required) in STORE_TEXT_FIELDS.items():
        if field not in data and store is not None:
            continue
        try:
            cleaned[field] = _clean_line(
                data.get(field), field=field, max_length=max_length, required=required
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if store is None:
        slug = str(data.get("slug") or "").strip().lower()
        try:
            validate_slug(slug)
        except ValidationError:
            errors["slug"] = [_("Use letters, digits, hyphens and underscores.")]
        else:
            if len(slug) > 50:
                errors["slug"] = [_("At most %(n)d characters.") % {"n": 50}]
            elif Store.objects.filter(slug=slug).exists():
                errors["slug"] = [_("Another store has this short name.")]
        cleaned["slug"] = slug
    if "manager" in data:
        manager = data["manager"]
        if manager is not None and not manager.has_role(StaffRole.STORE_MANAGER):
            errors["manager"] = [_("Only a member with the store-manager role can run a store.")]
        cleaned["manager"] = manager
    if "is_active" in data:
        cleaned["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if store is None:
            store = Store.objects.create(checkin_key=secrets.token_urlsafe(24), **cleaned)
            action = "stores.store.opened"
        else:
            store = Store.objects.select_for_update().get(pk=store.pk)
            changed = {k: v for k, v in cleaned.items() if getattr(store, k) != v}
            for key, value in changed.items():
                setattr(store, key, value)
            if changed:
                store.save(update_fields=list(changed))
            cleaned = changed
            action = "stores.store.changed"
        audit_record(
            actor=actor,
            action=action,
            target=store,
            data={k: (v.username if hasattr(v, "username") else v) for k, v in cleaned.items()},
        )
    return store


def store_staff_set(*, actor, store: Store, staff: list) -> None:
    """Name the staff who work in a store (its manager or the network's operators)."""
    if not permissions.manages(actor, store):
        raise Forbidden()
    with transaction.atomic():
        before = set(store.staff.values_list("pk", flat=True))
        store.staff.set(staff)
        after = {m.pk for m in staff}
        audit_record(
            actor=actor,
            action="stores.store.staff_set",
            target=store,
            data={"added": sorted(after - before), "removed": sorted(before - after)},
        )


def store_checkin_key_rotate(*, actor, store: Store) -> Store:
    """A new secret for the store's check-in codes: the screen's code and today's printed
    sign stop working at once."""
    if not permissions.manages(actor, store):
        raise Forbidden()
    with transaction.atomic():
        store.checkin_key = secrets.token_urlsafe(24)
        store.save(update_fields=["checkin_key"])
        audit_record(actor=actor, action="stores.store.qr_rotated", target=store)
    return store


# --- contacts -------------------------------------------------------------------------


def _know(store: Store | None, contact: Contact, added_by=None) -> None:
    if store is not None:
        StoreCustomer.objects.get_or_create(store=store, contact=contact, defaults={"added_by": added_by})


def contact_for_member(
    *, member, store: Store | None = None, added_by=None, origin=ContactOrigin.VISIT
) -> Contact:
    """The member's own customer record (made on first contact with a store), known to
    `store` from now on. Called inside the caller's transaction."""
    contact = Contact.objects.filter(member=member).order_by("pk").first()
    if contact is None:
        contact = Contact.objects.create(
            member=member, linked_at=timezone.now(), origin=origin, created_by=added_by or member
        )
    _know(store, contact, added_by)
    return contact


def contact_find_or_create(
    *,
    name: str = "",
    phone: str = "",
    wecom_external_userid: str = "",
    origin: str,
    store: Store | None = None,
    added_by=None,
) -> tuple[Contact, bool]:
    """The one contact with this phone or WeCom identity, made if there is none: two
    staff adding the same customer, at once or a week apart, make one contact.
    `phone` must be normalised already. Called inside the caller's transaction."""
    if not phone and not wecom_external_userid:
        raise ValidationFailed(_("Give a phone number or a WeCom contact."), field="phone")
    matches = {}
    if phone:
        matches["phone"] = Contact.objects.filter(phone=phone).first()
    if wecom_external_userid:
        matches["wecom"] = Contact.objects.filter(wecom_external_userid=wecom_external_userid).first()
    found = {c.pk: c for c in matches.values() if c is not None}
    if len(found) > 1:
        raise Conflict(
            _("This phone number and this WeCom contact belong to two different customers."),
            code="contact_conflict",
        )
    created = False
    if found:
        contact = next(iter(found.values()))
        missing = {}
        if phone and not contact.phone:
            missing["phone"] = phone
        if wecom_external_userid and not contact.wecom_external_userid:
            missing["wecom_external_userid"] = wecom_external_userid
        if name and not contact.name:
            missing["name"] = name
        if missing:
            Contact.objects.filter(pk=contact.pk).update(**missing)
            for key, value in missing.items():
                setattr(contact, key, value)
    else:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    name=name,
                    phone=phone,
                    wecom_external_userid=wecom_external_userid,
                    origin=origin,
                    created_by=added_by,
                )
                created = True
        except IntegrityError:
            # Someone added the same customer a moment ago: theirs is the one contact.
            contact = (
                Contact.objects.filter(phone=phone).first()
                if phone
                else Contact.objects.filter(wecom_external_userid=wecom_external_userid).first()
            )
            if contact is None:
                raise
    _know(store, contact, added_by)
    return contact, created


def contacts_for_wecom_ids(*, userids: set[str], store: Store | None = None) -> dict[str, Contact]:
    """{WeCom external id: contact} for many customers at once (a batch of chat messages),
    made where missing. One contact per id holds under concurrency: the unique index
    decides and everyone reads the rows back. Called inside the caller's transaction."""
    if not userids:
        return {}
    found = {c.wecom_external_userid: c for c in Contact.objects.filter(wecom_external_userid__in=userids)}
    missing = userids - found.keys()
    if missing:
        Contact.objects.bulk_create(
            [Contact(wecom_external_userid=u, origin=ContactOrigin.WECOM) for u in sorted(missing)],
            ignore_conflicts=True,
        )
        found.update(
            {c.wecom_external_userid: c for c in Contact.objects.filter(wecom_external_userid__in=missing)}
        )
    if store is not None:
        StoreCustomer.objects.bulk_create(
            [StoreCustomer(store=store, contact=c) for c in found.values()], ignore_conflicts=True
        )
    return found


def contact_add(
    *, actor, store: Store, name: str = "", phone: str = "", wecom_external_userid: str = ""
) -> tuple[Contact, bool]:
    """Store staff add a customer they met (or find the one already known)."""
    if not permissions.works_in(actor, store):
        raise NotFound()
    name = _clean_line(name, field="name", max_length=100, required=False)
    phone = normalise_phone(phone)
    wecom_external_userid = _clean_line(
        wecom_external_userid, field="wecom_external_userid", max_length=64, required=False
    )
    with transaction.atomic():
        contact, created = contact_find_or_create(
            name=name,
            phone=phone,
            wecom_external_userid=wecom_external_userid,
            origin=ContactOrigin.STAFF,
            store=store,
            added_by=actor,
        )
        record_event(
            verb="stores.contact.added",
            actor=actor,
            obj=contact,
            owner=contact.member,
            channel=Channel.STORE,
            properties={"store": store.slug, "new": created},
        )
    return contact, created


# --- visits ---------------------------------------------------------------------------


def _visit(*, store: Store, contact: Contact, source: str, recorded_by=None) -> tuple[Visit, bool]:
    now = timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                store=store,
                contact=contact,
                member=contact.member,
                source=source,
                recorded_by=recorded_by,
                visited_at=now,
                visit_day=day,
            )
    except IntegrityError:
        return Visit.objects.get(store=store, contact=contact, visit_day=day), False
    record_event(
        verb="stores.visit.recorded",
        actor=contact.member,
        obj=contact,
        owner=contact.member,
        channel=Channel.STORE,
        properties={"store": store.slug, "source": source, "visit": visit.pk},
        idempotency_key=f"stores.visit:{visit.pk}",
    )
    return visit, True


def checkin_code_verify(*, store: Store, code) -> None:
    """Refuse a check-in code that does not let anyone check in at `store` now (see
    checkin_codes): an expired one says so, anything else is simply not valid."""
    verdict = checkin_codes.check(store, code)
    if verdict is checkin_codes.Verdict.EXPIRED:
        raise NotFound(
            _("This code has expired: scan the code shown in the store now."), code="checkin_code_expired"
        )
    if verdict is not checkin_codes.Verdict.VALID:
        raise NotFound(_("This QR code is not valid any more. Ask the staff for the current one."))


def visit_check_in(*, member, store_slug: str, code: str) -> tuple[Visit, bool]:
    """A member scanned the store's QR code: a screen code of this minute or a printed
    sign's code of today. Once a day per store: scanning again that day finds the same
    visit."""
    if not permissions.can_check_in(member):
        raise Forbidden()
    store = Store.objects.filter(slug=str(store_slug or "")[:50], is_active=True).first()
    if store is None:
        raise NotFound(_("This QR code is not valid any more. Ask the staff for the current one."))
    checkin_code_verify(store=store, code=code)
    with transaction.atomic():
        contact = contact_for_member(member=member, store=store, origin=ContactOrigin.VISIT)
        return _visit(store=store, contact=contact, source=VisitSource.QR)


def visit_record(*, actor, store: Store, contact: Contact) -> tuple[Visit, bool]:
    """Staff note that a customer came in."""
    if not permissions.works_in(actor, store):
        raise NotFound()
    with transaction.atomic():
        _know(store, contact, actor)
        return _visit(store=store, contact=contact, source=VisitSource.STAFF, recorded_by=actor)


# --- linking a contact to a member -----------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").replace(" ", "").encode()).hexdigest()


def link_code_create(*, member) -> tuple[str, LinkCode]:
    """A one-time code for the member to show store staff: their consent to be linked."""
    if not permissions.can_check_in(member):
        raise Forbidden()
    ratelimit.hit("stores-link-code", str(member.pk), settings.STORES_LINK_CODE_RATE)
    code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
    with transaction.atomic():
        # One live code per member: a new one replaces the old.
        LinkCode.objects.filter(member=member, used_at__isnull=True).delete()
        link = LinkCode.objects.create(
            member=member, code_hash=_code_hash(code), expires_at=timezone.now() + LINK_CODE_LIFETIME
        )
    return f"{code[:4]}-{code[4:]}", link


def _attach(contact: Contact, member) -> None:
    """Everything the stores know about this contact now belongs to `member` too, and
    their purchases make them a verified owner."""
    Order.objects.filter(contact=contact).update(member=member)
    Visit.objects.filter(contact=contact).update(member=member)
    for order in Order.objects.filter(contact=contact, kind=OrderKind.SALE).select_related("integration"):
        verify_purchase_ownership(order)


def contact_link(*, actor, contact: Contact, code: str) -> Contact:
    """Staff enter the code a member showed them: the contact becomes that member's, with
    its visits and purchases. A wrong code counts against a limit."""
    if not _can_see_contact(actor, contact):
        raise NotFound()
    ratelimit.hit("stores-link-try", str(actor.pk), settings.STORES_LINK_TRY_RATE)
    code = _clean_line(code, field="code", max_length=20, required=True)
    with transaction.atomic():
        link = LinkCode.objects.select_for_update().filter(code_hash=_code_hash(code)).first()
        if link is None or link.used_at is not None or link.expires_at <= timezone.now():
            raise ValidationFailed(
                _("This code is not valid. Ask the member to show a new one from their page."), field="code"
            )
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.member_id and contact.member_id != link.member_id:
            raise Conflict(_("This customer is linked to another member. Unlink them first."))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        member = link.member
        contact.member = member
        contact.linked_at = timezone.now()
        contact.save(update_fields=["member", "linked_at"])
        _attach(contact, member)
        record_event(
            verb="stores.contact.linked",
            actor=actor,
            obj=contact,
            owner=member,
            channel=Channel.STORE,
            properties={"how": "code"},
        )
        audit_record(actor=actor, action="stores.contact.linked", target=contact, data={"member": member.pk})
    return contact


def contact_link_member_identity(*, contact: Contact, member, how: str) -> Contact:
    """Link by an identity the member proved elsewhere (their WeCom identity, signed in
    through WeChat): the proof is the consent. Used by the chat integration."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.member_id == member.pk:
            return contact
        if contact.member_id:
            raise Conflict(_("This customer is linked to another member. Unlink them first."))
        contact.member = member
        contact.linked_at = timezone.now()
        contact.save(update_fields=["member", "linked_at"])
        _attach(contact, member)
        record_event(
            verb="stores.contact.linked",
            actor=member,
            obj=contact,
            owner=member,
            channel=Channel.CHAT,
            properties={"how": how},
        )
    return contact


def contact_unlink(*, actor, contact: Contact, reason: str) -> Contact:
    """Undo a link: by the member themselves or by the network's operators. The contact
    keeps its history; the member no longer carries it, and purchases linked only
    through it stop counting as proof of ownership. Always audited."""
    contact = Contact.objects.get(pk=contact.pk)
    is_member = actor.is_authenticated and contact.member_id == actor.pk
    if not (is_member or permissions.can_run_network(actor)):
        raise NotFound()
    reason = _clean_line(reason, field="reason", max_length=200, required=not is_member)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        member = contact.member
        if member is None:
            raise Conflict(_("This customer is not linked to a member."))
        for order in Order.objects.filter(contact=contact, kind=OrderKind.SALE).select_related("integration"):
            withdraw_purchase_ownership(order, member)
        Order.objects.filter(contact=contact).update(member=None)
        Visit.objects.filter(contact=contact).update(member=None)
        contact.member = None
        contact.linked_at = None
        contact.save(update_fields=["member", "linked_at"])
        record_event(
            verb="stores.contact.unlinked",
            actor=actor,
            obj=contact,
            owner=member,
            channel=Channel.WEB,
            properties={"by_member": is_member},
        )
        audit_record(
            actor=actor,
            action="stores.contact.unlinked",
            target=contact,
            reason=reason,
            data={"member": member.pk},
        )
    return contact


def _can_see_contact(user, contact: Contact) -> bool:
    return permissions.works_in_any(user, contact.stores.all())


# --- ownership from purchases ----------------------------------------------------------


def purchase_reference(order: Order) -> str:
    return f"order:{order.integration.slug}:{order.external_id}"


def _kept_product_lines(order: Order) -> set[int]:
    """Product lines of a sale that were not given back in full by its refunds."""
    kept = set()
    for line in OrderLine.objects.filter(order=order, product_line__isnull=False).prefetch_related(
        "refunded_by"
    ):
        returned = sum(r.quantity for r in line.refunded_by.all())
        if returned < line.quantity:
            kept.add(line.product_line_id)
    return kept


def verify_purchase_ownership(order: Order) -> None:
    """A sale to a member makes them a verified owner of what they kept."""
    if order.member_id is None or order.kind != OrderKind.SALE:
        return
    reference = purchase_reference(order)
    all_lines = set(
        OrderLine.objects.filter(order=order, product_line__isnull=False).values_list(
            "product_line_id", flat=True
        )
    )
    kept = _kept_product_lines(order)
    for product_line in ProductLine.objects.filter(pk__in=all_lines):
        if product_line.pk in kept:
            ownership_verify(
                member=order.member,
                product_line=product_line,
                source=OwnershipSource.PURCHASE,
                reference=reference,
                at=order.occurred_at,
            )
        else:
            ownership_withdraw(
                member=order.member,
                product_line=product_line,
                source=OwnershipSource.PURCHASE,
                reference=reference,
            )


def withdraw_purchase_ownership(order: Order, member) -> None:
    reference = purchase_reference(order)
    ids = OrderLine.objects.filter(order=order, product_line__isnull=False).values_list(
        "product_line_id", flat=True
    )
    for product_line in ProductLine.objects.filter(pk__in=set(ids)):
        ownership_withdraw(
            member=member, product_line=product_line, source=OwnershipSource.PURCHASE, reference=reference
        )


def withdraw_refunded_serials(order: Order) -> None:
    """A sale's lines given back in full stop proving ownership through a registered
    serial number too: the evidence is withdrawn and the registration goes, so whoever
    buys the unit next can register it. Called inside the refund's transaction."""
    lines = OrderLine.objects.filter(order=order, product_line__isnull=False).exclude(serial_number="")
    for line in lines.select_related("product_line").prefetch_related("refunded_by"):
        if sum(r.quantity for r in line.refunded_by.all()) < line.quantity:
            continue
        for registration in SerialRegistration.objects.filter(order_line=line).select_related("member"):
            ownership_withdraw(
                member=registration.member,
                product_line=line.product_line,
                source=OwnershipSource.SERIAL,
                reference=f"serial:{registration.serial_number}",
            )
            registration.delete()


def _serial_line(serial_number: str) -> OrderLine | None:
    """The sale line that sold this serial number and was not given back, newest sale
    first (a unit returned and sold again has two). Locks its sale, as a refund does, so
    a registration and a refund of the same line cannot pass each other."""
    candidates = (
        OrderLine.objects.filter(
            serial_number=serial_number, order__kind=OrderKind.SALE, product_line__isnull=False
        )
        .select_related("order", "product_line")
        .order_by("-order__occurred_at", "-pk")
    )
    for line in candidates[:20]:
        Order.objects.select_for_update().filter(pk=line.order_id).first()
        returned = sum(OrderLine.objects.filter(refunds_line=line).values_list("quantity", flat=True))
        if returned < line.quantity:
            return line
    return None


def serial_register(*, member, serial_number: str) -> SerialRegistration:
    """A member registers the serial number of a product sold by a store or the online
    shop, and becomes its verified owner. Only serial numbers on imported sales that were
    not refunded count, once each; the answer for a wrong number and someone else's is
    the same."""
    if not permissions.can_check_in(member):
        raise Forbidden()
    ratelimit.hit("stores-serial", str(member.pk), settings.STORES_SERIAL_RATE)
    serial_number = _clean_line(serial_number, field="serial_number", max_length=64, required=True)
    not_found = ValidationFailed(
        _("No product sold by our stores has this serial number. Check it on the box or the receipt."),
        field="serial_number",
    )
    with transaction.atomic():
        existing = SerialRegistration.objects.filter(serial_number=serial_number).first()
        if existing is not None:
            if existing.member_id == member.pk:
                return existing
            raise not_found
        line = _serial_line(serial_number)
        if line is None or (line.order.member_id and line.order.member_id != member.pk):
            raise not_found
        try:
            with transaction.atomic():
                registration = SerialRegistration.objects.create(
                    member=member, serial_number=serial_number, order_line=line
                )
        except IntegrityError:
            raise not_found from None
        ownership_verify(
            member=member,
            product_line=line.product_line,
            source=OwnershipSource.SERIAL,
            reference=f"serial:{serial_number}",
        )
        record_event(
            verb="stores.serial.registered",
            actor=member,
            obj=registration,
            owner=member,
            properties={"product": line.product_line.slug},
        )
    return registration
