"""Hall avatars: a small SVG face per member, generated from the member's username (so
two members rarely look alike and nobody has to pick anything), then theirs to change.

Only attributes, no inline style, so the markup passes the strict Content-Security-Policy
wherever it is inserted (server templates and the hall's script alike)."""

import hashlib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .enums import AvatarAccessory, AvatarEyes, AvatarShape
from .models import Avatar


def generated(member) -> Avatar:
    """The avatar a member gets before customising: fixed by their username."""
    digest = hashlib.sha256(f"avatar:{member.username}".encode()).digest()
    shapes, eyes, accessories = AvatarShape.values, AvatarEyes.values, AvatarAccessory.values
    return Avatar(
        member=member,
        hue=int.from_bytes(digest[:2], "big") % 360,
        shape=shapes[digest[2] % len(shapes)],
        eyes=eyes[digest[3] % len(eyes)],
        accessory=accessories[digest[4] % len(accessories)],
    )


def avatar_for(member) -> Avatar:
    """The member's saved avatar, else the generated one (not saved: reading a page
    must not write)."""
    try:
        return member.hall_avatar
    except Avatar.DoesNotExist:
        return generated(member)


def initials(member) -> str:
    name = (member.public_name or member.username).strip()
    return name[:1].upper() if name else "?"


_BODY = {
    AvatarShape.ROUND: '<circle cx="32" cy="34" r="24" fill="{fill}"/>',
    AvatarShape.SQUARE: '<rect x="9" y="11" width="46" height="46" rx="9" fill="{fill}"/>',
    AvatarShape.HEXAGON: '<polygon points="32,8 54,21 54,47 32,60 10,47 10,21" fill="{fill}"/>',
    AvatarShape.DROP: (
        '<path d="M32 8 C50 28 56 36 56 42 a24 18 0 0 1 -48 0 C8 36 14 28 32 8z" fill="{fill}"/>'
    ),
}
_EYES = {
    AvatarEyes.DOTS: (
        '<circle cx="24" cy="32" r="3" fill="#1b1b1f"/><circle cx="40" cy="32" r="3" fill="#1b1b1f"/>'
    ),
    AvatarEyes.SMILE: (
        '<path d="M20 33 q4 -5 8 0 M36 33 q4 -5 8 0" stroke="#1b1b1f" stroke-width="2.5" '
        'fill="none" stroke-linecap="round"/>'
    ),
    AvatarEyes.WINK: (
        '<circle cx="24" cy="32" r="3" fill="#1b1b1f"/><path d="M36 32 h8" stroke="#1b1b1f" '
        'stroke-width="2.5" stroke-linecap="round"/>'
    ),
    AvatarEyes.WIDE: (
        '<circle cx="24" cy="32" r="5" fill="#fff"/><circle cx="24" cy="32" r="2.5" fill="#1b1b1f"/>'
        '<circle cx="40" cy="32" r="5" fill="#fff"/><circle cx="40" cy="32" r="2.5" fill="#1b1b1f"/>'
    ),
}
_ACCESSORY = {
    AvatarAccessory.NONE: "",
    AvatarAccessory.CAP: '<path d="M12 20 q20 -18 40 0 v3 h-40z M46 21 h12 v3 h-12z" fill="#1b1b1f"/>',
    AvatarAccessory.GLASSES: (
        '<g stroke="#1b1b1f" stroke-width="2" fill="none"><circle cx="24" cy="32" r="7"/>'
        '<circle cx="40" cy="32" r="7"/><path d="M31 32 h2"/></g>'
    ),
    AvatarAccessory.HEADPHONES: (
        '<path d="M10 34 a22 24 0 0 1 44 0" stroke="#1b1b1f" stroke-width="3" fill="none"/>'
        '<rect x="6" y="30" width="8" height="13" rx="3" fill="#1b1b1f"/>'
        '<rect x="50" y="30" width="8" height="13" rx="3" fill="#1b1b1f"/>'
    ),
    AvatarAccessory.CROWN: '<polygon points="18,14 24,4 32,12 40,4 46,14 46,18 18,18" fill="#e8b923"/>',
}


# Characters XML does not allow (a display name may hold them): the SVG must parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def svg(avatar: Avatar, *, label: str, initial: str = "", size: int = 48) -> str:
    label, initial = _NOT_XML.sub("", label), _NOT_XML.sub("", initial)
    fill = f"hsl({avatar.hue % 360},62%,62%)"
    mouth = f'<text x="32" y="52" font-size="11" text-anchor="middle" fill="#1b1b1f">{escape(initial)}</text>'
    return mark_safe(  # noqa: S308 - every interpolated value is escaped or from fixed choices
        f'<svg class="hall-avatar" width="{int(size)}" height="{int(size)}" viewBox="0 0 64 64" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        + _BODY.get(avatar.shape, _BODY[AvatarShape.ROUND]).format(fill=fill)
        + _EYES.get(avatar.eyes, _EYES[AvatarEyes.DOTS])
        + (mouth if initial else "")
        + _ACCESSORY.get(avatar.accessory, "")
        + "</svg>"
    )


def member_svg(member, *, size: int = 48) -> str:
    return svg(avatar_for(member), label=member.public_name, initial=initials(member), size=size)
