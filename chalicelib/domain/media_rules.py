"""What may be uploaded, for which purpose, how large, and how to recognise it by its bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MB = 1024 * 1024
SNIFF_BYTES = 64  # enough for every signature below


@dataclass(frozen=True)
class MediaType:
    content_type: str
    extensions: tuple[str, ...]
    family: str  # image | video | document | archive


TYPES: dict[str, MediaType] = {
    t.content_type: t
    for t in (
        MediaType("image/jpeg", (".jpg", ".jpeg"), "image"),
        MediaType("image/png", (".png",), "image"),
        MediaType("image/webp", (".webp",), "image"),
        MediaType("video/mp4", (".mp4", ".m4v"), "video"),
        MediaType("video/quicktime", (".mov",), "video"),
        MediaType("application/pdf", (".pdf",), "document"),
        MediaType("application/zip", (".zip",), "archive"),
    )
}

_IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
_VIDEOS = frozenset({"video/mp4", "video/quicktime"})
_FILES = _IMAGES | _VIDEOS | {"application/pdf", "application/zip"}

ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "avatar": _IMAGES,
    "portfolio": _IMAGES | _VIDEOS,
    "attachment": _FILES,
    "evidence": _FILES,
}
PURPOSES = tuple(ALLOWED_TYPES)
# Verified media of these purposes is shown to anyone; the rest only to its owner.
PUBLIC_PURPOSES = frozenset({"avatar", "portfolio"})


def size_limit(purpose: str, content_type: str) -> int:
    if purpose == "avatar":
        return 5 * MB
    if purpose == "portfolio":
        return 500 * MB if content_type in _VIDEOS else 20 * MB
    return 50 * MB


def is_image(content_type: str) -> bool:
    return content_type in _IMAGES


_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")

# (test on the first bytes, the type it proves), in order: ISO media (ftyp) before
# the bare QuickTime atoms, since both put a 4-byte tag at offset 4.
_SIGNATURES: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda h: h.startswith(b"\xff\xd8\xff"), "image/jpeg"),
    (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), "image/png"),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", "image/webp"),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] == b"qt  ", "video/quicktime"),
    (lambda h: h[4:8] == b"ftyp", "video/mp4"),
    (lambda h: h[4:8] in _QUICKTIME_ATOMS, "video/quicktime"),
    (lambda h: h.startswith(b"%PDF-"), "application/pdf"),
    (lambda h: h[:4] in (b"PK\x03\x04", b"PK\x05\x06"), "application/zip"),
)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None when they match nothing we accept."""
    return next((kind for matches, kind in _SIGNATURES if matches(head)), None)


def upload_problems(purpose: str, filename: str, content_type: str, size: int) -> list[str]:
    """Why an upload request must be refused (empty when it may go ahead)."""
    problems: list[str] = []
    allowed = ALLOWED_TYPES.get(purpose)
    if allowed is None:
        return [f"purpose must be one of {', '.join(PURPOSES)}"]
    if content_type not in allowed:
        problems.append(f"{purpose} accepts {', '.join(sorted(allowed))}")
    else:
        extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in TYPES[content_type].extensions:
            problems.append(
                f"a {content_type} file must end in {' or '.join(TYPES[content_type].extensions)}"
            )
        limit = size_limit(purpose, content_type)
        if size > limit:
            problems.append(
                f"{purpose} {TYPES[content_type].family} files are limited to {limit // MB} MB"
            )
    if size < 1:
        problems.append("size must be at least 1 byte")
    return problems


def verdict(
    declared_type: str, declared_size: int, limit: int, real_size: int, head: bytes
) -> str | None:
    """Why a stored object must be rejected, or None when it is what it claimed to be."""
    if real_size == 0:
        return "the file is empty"
    if real_size > limit:
        return f"the file is larger than the {limit // MB} MB allowed"
    if real_size != declared_size:
        return f"the file is {real_size} bytes, not the {declared_size} declared"
    detected = sniff(head)
    if detected is None:
        return "the file's contents are not of any accepted type"
    if detected != declared_type:
        return f"the file's contents are {detected}, not the {declared_type} declared"
    return None
