"""Checks for uploaded evidence: an image Pillow can read (core.images) or a PDF that
pypdf can open, is not encrypted, has at least one page and carries no active content
(scripts, launch actions, attached files) — within a size limit. The type is decided
from the bytes, never from the name or the browser's word. Images are stored re-encoded
without their metadata: a phone photo's EXIF holds where it was taken and the device,
which the other party and the jury have no business reading."""

import hashlib
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import ValidationFailed
from .images import check_image

MAX_BYTES = 10 * 1024 * 1024
PDF = ("pdf", "application/pdf")
# What a PDF may not carry: scripts, actions run on opening or on a page, programs to
# launch, attached files, embedded media.
ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/OpenAction", b"/AA")
RE_ENCODED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def _has_active_content(upload: UploadedFile, reader) -> bool:
    """Names of active content anywhere in the raw file (uncompressed objects), or in the
    document's catalogue and pages as pypdf reads them (objects in compressed streams)."""
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    if any(name in raw for name in ACTIVE):
        return True
    root = reader.trailer["/Root"]
    if "/OpenAction" in root or "/AA" in root:
        return True
    names = root.get("/Names")
    if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") in ("/JavaScript", "/Launch"):
                return True
    return False


def _without_metadata(upload: UploadedFile, content_type: str) -> UploadedFile:
    """The image re-encoded with nothing but its pixels (turned upright first, as its
    EXIF orientation said). A GIF carries no EXIF and keeps its frames."""
    fmt = RE_ENCODED.get(content_type)
    if fmt is None:
        return upload
    upload.seek(0)
    with Image.open(upload) as opened:
        image = ImageOps.exif_transpose(opened)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **({"quality": 92} if fmt != "PNG" else {}))
    return SimpleUploadedFile(upload.name, buffer.getvalue(), content_type=content_type)


def _check_pdf(upload: UploadedFile, field: str) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        upload.seek(0)
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationFailed(
                _("That PDF is protected by a password; upload it without one."), field=field
            )
        if len(reader.pages) < 1:
            raise ValidationFailed(_("That PDF has no pages."), field=field)
        if _has_active_content(upload, reader):
            raise ValidationFailed(
                _("PDFs with scripts, actions or attached files are not accepted: print it to a new PDF."),
                field=field,
            )
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        raise ValidationFailed(_("That PDF cannot be read."), field=field) from None
    finally:
        upload.seek(0)
    return PDF


def check_document(upload: UploadedFile, *, field: str = "file") -> tuple[UploadedFile, str, str]:
    """Return (the file to store, content type, SHA-256 of what is stored) for an
    acceptable image or PDF, or raise ValidationFailed. The file to store has a random
    name (the original name is kept apart and shown only as text); an image is the
    re-encoded one."""
    if upload is None or not upload.size:
        raise ValidationFailed(_("Choose a file."), field=field)
    if upload.size > MAX_BYTES:
        raise ValidationFailed(_("Files must be at most 10 MB."), field=field)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        ext, content_type = _check_pdf(upload, field)
    else:
        try:
            ext, content_type = check_image(upload)
        except ValidationFailed:
            raise ValidationFailed(
                _("Upload an image (JPEG, PNG, GIF, WebP) or a PDF document."), field=field
            ) from None
        upload = _without_metadata(upload, content_type)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{uuid.uuid4().hex}.{ext}"
    return upload, content_type, digest.hexdigest()
