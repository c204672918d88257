"""The demo's accounts: staff in their role groups, the admin, the demo member and the
fans, each with a verified address; the staff's authenticator apps; and, once the
community's history is in place, join and last-seen dates that agree with it.

Idempotent: an account that exists is kept as it is (its password too).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Max, Min, Q

from fanrepublic.activity.models import Event
from fanrepublic.products.models import ProductLine

from . import demo_content as C
from .enums import StaffRole
from .models import User
from .second_factor import totp_activate
from .trust import VISIT_VERB

LANGUAGE_CODES = {"zh": "zh-hans", "en": "en"}
# Where demo members live: most Chinese-speaking members on the mainland, some in Hong
# Kong and Taiwan; English speakers spread over a few countries.
DEMO_COUNTRIES_ZH = ["CN"] * 7 + ["HK", "TW", "SG"]
DEMO_COUNTRIES_EN = ["US", "GB", "SG", "DE", "MY", "US", "GB", "AU", "CA", "FR"]


def demo_accounts():
    """Every account the demo created (they share the demo's email domain)."""
    return User.objects.filter(email__iendswith=f"@{C.EMAIL_DOMAIN}")


def fan_username(number: int) -> str:
    return f"fan{number:03d}"


def _chinese_name(rng) -> str:
    r = rng.random()
    if r < 0.68:
        return rng.choice(C.SURNAMES) + rng.choice(C.GIVEN_NAMES)
    if r < 0.88:
        return rng.choice(C.NICKNAME_PREFIXES) + rng.choice(C.NICKNAME_STEMS) + rng.choice(C.SURNAMES)
    suffix = rng.choice(["", "", str(rng.randint(1, 99)), "_" + str(rng.randint(2015, 2025))])
    return rng.choice(C.NICKNAMES) + suffix


def _english_name(rng) -> str:
    first, last = rng.choice(C.EN_FIRST_NAMES), rng.choice(C.EN_LAST_NAMES)
    return f"{first} {last}" if rng.random() < 0.6 else f"{first} {last[0]}."


def _specs(run) -> list[dict]:
    rng = run.rng("members.accounts")
    specs = [
        {
            "username": spec["username"],
            "display_name": spec["display_name"],
            "language": spec["language"],
            "bio": spec["bio"],
            "daily_reply_target": spec["target"],
            "role": spec["role"],
        }
        for spec in C.STAFF
    ]
    specs.append(
        {
            "username": "admin",
            "display_name": "Admin",
            "language": "en",
            "is_staff": True,
            "is_superuser": True,
        }
    )
    m = C.DEMO_MEMBER
    specs.append(
        {
            "username": m["username"],
            "display_name": m["display_name"],
            "language": m["language"],
            "bio": m["bio"],
            "country": "CN",
        }
    )
    for i in range(1, run.members + 1):
        lang = "zh" if rng.random() < 0.7 else "en"
        if lang == "zh":
            name = _chinese_name(rng)
        else:
            name = _english_name(rng) if rng.random() < 0.8 else _chinese_name(rng)
        bio = rng.choice(C.BIOS_ZH if lang == "zh" else C.BIOS_EN) if rng.random() < 0.35 else ""
        specs.append(
            {
                "username": fan_username(i),
                "display_name": name,
                "language": LANGUAGE_CODES[lang],
                "bio": bio,
                "country": (DEMO_COUNTRIES_ZH if lang == "zh" else DEMO_COUNTRIES_EN)[i % 10],
            }
        )
    return specs


def seed_accounts(run) -> None:
    specs = _specs(run)
    existing = set(
        User.objects.filter(username__in=[s["username"] for s in specs]).values_list("username", flat=True)
    )
    password = make_password(C.PASSWORD)  # hashed once, shared by every demo account
    new_users, roles = [], {}
    for spec in specs:
        role = spec.pop("role", "")
        if role:
            roles[spec["username"]] = role
        if spec["username"] in existing:
            continue
        new_users.append(
            User(email=f"{spec['username']}@{C.EMAIL_DOMAIN}", password=password, date_joined=run.now, **spec)
        )
    User.objects.bulk_create(new_users, batch_size=500)
    run.notes["new_accounts"] = set(
        User.objects.filter(username__in=[u.username for u in new_users]).values_list("pk", flat=True)
    )
    # Role groups exist from a migration; the staff join theirs.
    Membership = User.groups.through
    staff = User.objects.filter(username__in=roles)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in set(roles.values())}
    Membership.objects.bulk_create(
        [Membership(user_id=u.pk, group_id=groups[roles[u.username]].pk) for u in staff],
        ignore_conflicts=True,
    )
    # A verified primary address per account, so allauth lets them sign in.
    without_address = demo_accounts().exclude(pk__in=EmailAddress.objects.values("user_id"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in without_address],
        batch_size=1000,
        ignore_conflicts=True,
    )
    run.report("staff accounts", User.objects.filter(username__in=[*roles, "admin"]).count())
    run.report(
        "members (incl. mifan)", demo_accounts().filter(groups__isnull=True, is_superuser=False).count()
    )


def seed_second_factors(run) -> None:
    """Demo staff use an authenticator app with the published demo secret."""
    staff = (
        demo_accounts()
        .filter(Q(groups__name__in=StaffRole.values) | Q(is_staff=True) | Q(is_superuser=True))
        .exclude(authenticator__type=Authenticator.Type.TOTP)
        .distinct()
    )
    added = [totp_activate(member=user, secret=C.DEMO_TOTP_SECRET).user.username for user in staff]
    if added:
        run.progress(f"two-factor authenticator app for {len(added)} staff accounts (manage.py demo_totp)")


def seed_history(run) -> None:
    """Join and last-seen dates that agree with the event log: a member joined a little
    before their first recorded action and was last seen on their last visit. Staff have
    been around for a year or two. Fans own a product line or two. Only the accounts
    this run created are touched."""
    rng = run.rng("members.history")
    accounts = demo_accounts().filter(pk__in=run.notes.get("new_accounts", ())).order_by("pk")
    acted = dict(
        Event.objects.filter(actor__in=accounts)
        .values("actor")
        .annotate(first=Min("occurred_at"))
        .values_list("actor", "first")
    )
    visited = dict(
        Event.objects.filter(actor__in=accounts, verb=VISIT_VERB)
        .values("actor")
        .annotate(last=Max("occurred_at"))
        .values_list("actor", "last")
    )
    changed = []
    for user in accounts:
        if user.staff_role or user.is_superuser:
            user.date_joined = run.now - timedelta(days=rng.randint(400, 900))
        elif user.pk in acted:
            user.date_joined = acted[user.pk] - timedelta(hours=rng.uniform(1, 240))
        else:
            user.date_joined = run.now - timedelta(days=rng.uniform(1, 40))
        user.last_login = visited.get(user.pk)
        changed.append(user)
    User.objects.bulk_update(changed, ["date_joined", "last_login"], batch_size=500)
    lines = list(ProductLine.objects.order_by("position", "pk"))
    owned = set()
    for user in changed:
        if user.username == C.DEMO_MEMBER["username"]:
            owned |= {(user.pk, line.pk) for line in lines if line.slug in C.DEMO_MEMBER["products"]}
        elif not (user.staff_role or user.is_superuser) and lines and rng.random() < 0.7:
            owned |= {(user.pk, line.pk) for line in rng.sample(lines, rng.randint(1, min(2, len(lines))))}
    Through = User.products_owned.through
    Through.objects.bulk_create(
        [Through(user_id=u, productline_id=p) for u, p in sorted(owned)],
        batch_size=1000,
        ignore_conflicts=True,
    )
