"""Image upload checks for forum attachments and avatars: the bytes must be an image
Pillow can read, in an allowed format, within size and pixel limits (so a decompression
bomb is refused)."""

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PER_POST = 4
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}


def check_image(upload: UploadedFile) -> tuple[str, str]:
    """Return (extension, content type) of a valid image; raise ValidationFailed."""
    if upload.size > MAX_BYTES:
        raise ValidationFailed(_("Images must be at most 5 MB."), field="images")
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            if img.width * img.height > MAX_PIXELS:
                raise ValidationFailed(_("That image has too many pixels."), field="images")
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(_("That file is not an image we can read."), field="images") from None
    finally:
        upload.seek(0)
    if fmt not in FORMATS:
        raise ValidationFailed(_("Use a JPEG, PNG, GIF or WebP image."), field="images")
    return FORMATS[fmt]


def check_images(uploads) -> list[tuple[UploadedFile, str, str]]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PER_POST:
        raise ValidationFailed(_("At most 4 images per post."), field="images")
    checked = []
    for upload in uploads:
        ext, content_type = check_image(upload)
        upload.name = f"{uuid.uuid4().hex}.{ext}"
        checked.append((upload, ext, content_type))
    return checked


def private_image(image, content_type: str):
    """Serve an upload whose visibility the view has just checked: never cached by shared
    caches, never sniffed into another type."""
    from django.http import FileResponse

    response = FileResponse(image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
