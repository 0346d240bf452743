"""Private attachments: checked by content, stored under an unguessable name, served only by
access-checked views.

Shared by the apps that attach files (project reports, cases).  Only PDF, JPEG and PNG are
accepted, recognised by their first bytes (a renamed program is refused whatever its name says),
at most 10 MB.  The files live in ``PrivateStorage`` (a ``FileSystemStorage`` with no URL) and
models name them through ``FileField(storage=private_storage)``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024

# (magic bytes, content type, stored extension, extensions a user's file may carry)
SIGNATURES: list[tuple[bytes, str, str, set[str]]] = [
    (b"%PDF-", "application/pdf", ".pdf", {".pdf"}),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", {".jpg", ".jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", {".png"}),
]


class PrivateStorage(FileSystemStorage):
    """Files no URL serves (attachments, uploads, PDFs): under the folder a setting names (read
    when used, so tests may point it elsewhere), reached only through access-checked views."""

    def __init__(self, setting: str = "PRIVATE_STORAGE_ROOT") -> None:
        self.setting = setting
        super().__init__()

    @property  # FileSystemStorage's is a cached_property
    def base_location(self) -> str:
        return str(getattr(settings, self.setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL: serve them through an access-checked view")

    def deconstruct(self) -> tuple[str, tuple[str], dict[str, str]]:
        return ("core.files.PrivateStorage", (self.setting,), {})


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so migrations do not freeze its folder)."""
    return _private_storage


class StoredAttachment(Protocol):
    """An attachment row (ReportAttachment, CaseAttachment)."""

    file: FieldFile
    original_name: str
    content_type: str


def check_attachment(upload: UploadedFile[bytes] | None) -> tuple[str, str]:
    """Returns (content_type, stored_extension) of an acceptable upload or raises
    ValidationError naming the field 附件."""
    if upload is None:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    size = upload.size or 0
    if size > MAX_ATTACHMENT_SIZE:
        raise ValidationError({"file": _("附件不能超过10MB。")})
    if size == 0:
        raise ValidationError({"file": _("附件是空文件。")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = os.path.splitext(upload.name or "")[1].lower()
    for magic, content_type, stored_extension, extensions in SIGNATURES:
        if head.startswith(magic):
            if extension not in extensions:
                raise ValidationError({"file": _("附件的扩展名与文件内容不符。")})
            return content_type, stored_extension
    raise ValidationError({"file": _("附件只能是PDF、JPEG或PNG文件。")})


def store_attachment(upload: UploadedFile[bytes], folder: str) -> tuple[str, str]:
    """Checks and writes an upload under PRIVATE_STORAGE_ROOT/folder with a random name.
    Returns (relative_path, content_type)."""
    content_type, extension = check_attachment(upload)
    relative = _private_storage.save(f"{folder}/{secrets.token_urlsafe(24)}{extension}", upload)
    return relative, content_type


def delete_attachment_file(relative: str) -> None:
    """Removes a stored file (after a failed save); missing files are ignored."""
    try:
        _resolve(relative).unlink()
    except (FileNotFoundError, Http404):
        pass


def _resolve(relative: str) -> Path:
    try:
        return Path(_private_storage.path(relative))
    except SuspiciousFileOperation:
        raise Http404 from None


def attachment_response(attachment: StoredAttachment) -> FileResponse:
    """A download of an attachment row (``file``, ``original_name``, ``content_type``) that the
    caller has already fetched through ``visible_to``."""
    path = _resolve(attachment.file.name or "")
    if not path.is_file():
        raise Http404
    response = FileResponse(
        open(path, "rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
