"""Checking uploaded files before anything is stored (issue 3 §1; used by every module's attachments).

A file is accepted when its extension is on the list, its size is within the
limit and its first bytes match what that extension promises: a script
renamed to ``.jpg`` or an HTML page renamed to ``.pdf`` is refused, and
types a browser would run (HTML, SVG, JavaScript) are never on the list.
The SHA-256 of the content is computed here, kept with the record and
checked again when the file is served.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

# extension → (content type, leading-byte signatures; None = plain text)
KINDS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "bmp": ("image/bmp", (b"BM",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "ppt": ("application/vnd.ms-powerpoint", (_OLE,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}


@dataclass(frozen=True)
class CheckedUpload:
    """What is known about an accepted file."""

    name: str
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return settings.KESU_ATTACHMENT_MAX_BYTES


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


NAME_MAX = 200


def _safe_name(name: str) -> str:
    # Only the last path component, without control characters: the name is shown, never used as a path.
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()) or "file"
    if len(base) > NAME_MAX:
        # Shortened before the extension, never through it: a long name is still the type it says (issue 15 §9).
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = f"{stem[:NAME_MAX - len(extension) - 1]}.{extension}"
        else:
            base = base[:NAME_MAX]
    return base


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class StoredFileDamaged(OSError):
    """A stored file is missing, or no longer has the content hash recorded at upload: it is not served.

    An OSError, so that readers which already treat an unreadable file as missing keep doing so.
    """


def open_checked(field_file, sha256: str):
    """The stored file of ``field_file`` opened for reading, after checking its content against ``sha256``.

    The one way to read an upload back, whatever the storage (the local folder, a folder shared over the
    network, or S3-compatible storage: issue 24 §2): a file changed or replaced behind Kesu's back — on a share
    or in a bucket other programs can write — raises StoredFileDamaged instead of reaching anyone. The handle
    is returned at its start; the caller closes it (a FileResponse does).
    """
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise StoredFileDamaged(getattr(field_file, "name", "")) from error
    try:
        matches = file_sha256(handle) == sha256
    except OSError as error:
        handle.close()
        raise StoredFileDamaged(getattr(field_file, "name", "")) from error
    if not matches:
        handle.close()
        raise StoredFileDamaged(getattr(field_file, "name", ""))
    return handle


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start >= len(head) - 4:
                return True
    return False


def check_upload(file, *, field: str = "file") -> CheckedUpload:
    """Accept ``file`` (an UploadedFile) or raise a ValidationError naming ``field`` and saying why."""
    name = _safe_name(getattr(file, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise _refuse(field, _("“%(name)s”: files of this type are not accepted. Accepted: %(types)s.") % {
            "name": name, "types": ", ".join(sorted(KINDS))})
    size = file.size
    if size == 0:
        raise _refuse(field, _("“%(name)s” is empty.") % {"name": name})
    if size > max_upload_bytes():
        raise _refuse(field, _("“%(name)s” is larger than %(limit)s MB.") % {
            "name": name, "limit": max_upload_bytes() // (1024 * 1024)})
    content_type, signatures = KINDS[extension]
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if signatures is None:
        matches = _is_text(head)
    else:
        matches = any(head.startswith(s) for s in signatures)
        if matches and extension == "webp":
            matches = head[8:12] == b"WEBP"
        if matches and signatures == (_ZIP,):
            matches = _is_office_zip(file)
    if not matches:
        raise _refuse(field, _("“%(name)s” is not really a .%(ext)s file.") % {"name": name, "ext": extension})
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=file_sha256(file))


def _is_office_zip(file) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        file.seek(0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; each is checked by ``check_upload``."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("attachments"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{ext}" for ext in sorted(KINDS)))

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        return [single(f, initial) for f in files]


# -- thumbnails (issue 17 §8) --------------------------------------------------------------------

THUMBNAIL_BOX = (320, 320)
# A decompression bomb (a small PNG that unpacks to gigapixels) is never decoded: images above this many
# pixels get no thumbnail, and Pillow's own guard refuses them before it allocates anything.
THUMBNAIL_MAX_PIXELS = 40_000_000
IMAGE_KINDS = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})
PDF_KIND = "application/pdf"
# A PDF's first page is previewed only where that is cheap: files up to this size, pages of a sane size.
PDF_PREVIEW_MAX_BYTES = 20 * 1024 * 1024
THUMBNAIL_KINDS = IMAGE_KINDS | {PDF_KIND}


def make_thumbnail(file, content_type: str) -> bytes | None:
    """A small JPEG of an accepted image or of a PDF's first page, or None (another kind of file,
    unreadable, or too large to decode safely).

    Made once on upload and stored beside the file, so pages never decode originals. Any failure only
    means "no thumbnail": the upload itself was already checked and is kept.
    """
    if content_type not in THUMBNAIL_KINDS:
        return None
    import io

    try:
        file.seek(0)
        image = _first_pdf_page(file) if content_type == PDF_KIND else _picture(file)
        if image is None:
            return None
        image.thumbnail(THUMBNAIL_BOX)
        if image.mode not in ("RGB", "L"):
            from PIL import Image

            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        return out.getvalue()
    except Exception:  # noqa: BLE001 -- a file that cannot be read simply has no thumbnail
        return None
    finally:
        file.seek(0)


def _picture(file):
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = THUMBNAIL_MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(file)
        # The header gives the size before any pixel is decoded.
        if image.width * image.height > THUMBNAIL_MAX_PIXELS:
            return None
        image.draft("RGB", THUMBNAIL_BOX)
        image.load()
        return image


def _first_pdf_page(file):
    """The first page of a PDF drawn at thumbnail size (PDFium, the engine of Chromium's PDF viewer)."""
    import pypdfium2

    data = file.read(PDF_PREVIEW_MAX_BYTES + 1)
    if len(data) > PDF_PREVIEW_MAX_BYTES:
        return None
    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) == 0:
            return None
        page = document[0]
        width, height = page.get_size()  # in points
        if not (0 < width < 20_000 and 0 < height < 20_000):
            return None
        scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height) * 2  # drawn at twice, then reduced
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def thumbnail_name(stored_name: str) -> str:
    """Where a file's thumbnail is stored: beside it, with a fixed suffix."""
    return f"{stored_name}.thumb.jpg"


def store_thumbnail(row, source=None) -> bool:
    """Make and save ``row.thumbnail`` from ``source`` (or the stored file); True when one was made.

    ``row`` is an attachment-like model with ``file``, ``content_type`` and a ``thumbnail`` field.
    The caller saves the row (the field is set with ``save=False``).
    """
    from django.core.files.base import ContentFile

    if row.content_type not in THUMBNAIL_KINDS:
        return False
    if source is None:
        try:
            with row.file.open("rb") as handle:
                data = make_thumbnail(handle, row.content_type)
        except (FileNotFoundError, OSError):
            return False
    else:
        data = make_thumbnail(source, row.content_type)
    if data is None:
        return False
    row.thumbnail.save(thumbnail_name(PurePath(row.file.name).name), ContentFile(data), save=False)
    return True


def thumbnail_response(row):
    """Serve ``row.thumbnail`` (after the caller checked access) as an image the browser may cache privately."""
    from django.http import FileResponse, Http404

    if not row.thumbnail.name:
        raise Http404
    try:
        handle = row.thumbnail.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def make_missing_thumbnails(models, *, limit: int | None = None) -> int:
    """Thumbnails for stored images that have none yet (files uploaded before issue 17 §8); returns how many.

    ``models`` are attachment-like models (``file``, ``content_type``, ``thumbnail``). Safe to run twice:
    a row that has its thumbnail, or whose picture cannot be thumbnailed, is left as it is.
    """
    from django.db import transaction

    from .context import acting_as

    made = 0
    for model in models:
        rows = model.objects.filter(thumbnail="", content_type__in=sorted(THUMBNAIL_KINDS)).order_by("pk")
        for row in rows.iterator(chunk_size=200):
            if limit is not None and made >= limit:
                return made
            with acting_as(None, "command"), transaction.atomic():
                if store_thumbnail(row):
                    row.save(update_fields=["thumbnail", "updated_at"] if hasattr(row, "updated_at")
                             else ["thumbnail"])
                    made += 1
    return made
