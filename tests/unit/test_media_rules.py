"""What may be uploaded for which purpose, and how stored bytes are recognised."""

from __future__ import annotations

import pytest

from chalicelib.domain.media_rules import MB, size_limit, sniff, upload_problems, verdict

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
MOV_FTYP = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "
MOV_MOOV = b"\x00\x00\x01\x00moov\x00\x00\x00\x6cmvhd"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (MP4, "video/mp4"),
        (MOV_FTYP, "video/quicktime"),
        (MOV_MOOV, "video/quicktime"),
        (PDF, "application/pdf"),
        (ZIP, "application/zip"),
        (EMPTY_ZIP, "application/zip"),
    ],
)
def test_sniff_recognises_signatures(head: bytes, expected: str) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"hello, this is plain text and nothing more",
        b"<html><body>not an image</body></html>",
        b"\xff\xd8",  # truncated JPEG
        b"\x89PNG\r\n",  # truncated PNG
        b"RIFF\x24\x00\x00\x00WAVE",  # RIFF but not WebP
        b"%PD",  # truncated PDF
        b"PK",  # truncated ZIP
        b"\x00\x00\x00\x20fty",  # truncated ftyp box
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
    ],
)
def test_sniff_refuses_unknown_or_truncated_bytes(head: bytes) -> None:
    assert sniff(head) is None


ALLOWED = [
    ("avatar", "a.jpg", "image/jpeg"),
    ("avatar", "a.jpeg", "image/jpeg"),
    ("avatar", "a.png", "image/png"),
    ("avatar", "a.webp", "image/webp"),
    ("portfolio", "p.png", "image/png"),
    ("portfolio", "p.mp4", "video/mp4"),
    ("portfolio", "p.m4v", "video/mp4"),
    ("portfolio", "p.mov", "video/quicktime"),
    ("attachment", "brief.pdf", "application/pdf"),
    ("attachment", "assets.zip", "application/zip"),
    ("attachment", "photo.jpg", "image/jpeg"),
    ("attachment", "clip.mov", "video/quicktime"),
    ("evidence", "receipt.pdf", "application/pdf"),
    ("evidence", "proof.zip", "application/zip"),
    ("evidence", "screen.png", "image/png"),
]


@pytest.mark.parametrize(("purpose", "filename", "content_type"), ALLOWED)
def test_allowed_types_pass(purpose: str, filename: str, content_type: str) -> None:
    assert upload_problems(purpose, filename, content_type, 1000) == []


@pytest.mark.parametrize(
    ("purpose", "filename", "content_type"),
    [
        ("avatar", "a.mp4", "video/mp4"),
        ("avatar", "a.mov", "video/quicktime"),
        ("avatar", "a.pdf", "application/pdf"),
        ("avatar", "a.zip", "application/zip"),
        ("portfolio", "p.pdf", "application/pdf"),
        ("portfolio", "p.zip", "application/zip"),
        ("attachment", "notes.txt", "text/plain"),
        ("attachment", "page.html", "text/html"),
        ("evidence", "run.exe", "application/x-msdownload"),
        ("evidence", "pic.gif", "image/gif"),
        ("evidence", "pic.svg", "image/svg+xml"),
    ],
)
def test_refused_types(purpose: str, filename: str, content_type: str) -> None:
    problems = upload_problems(purpose, filename, content_type, 1000)
    assert len(problems) == 1
    assert problems[0].startswith(f"{purpose} accepts ")


def test_unknown_purpose() -> None:
    problems = upload_problems("selfie", "a.png", "image/png", 10)
    assert problems == ["purpose must be one of avatar, portfolio, attachment, evidence"]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("photo.png", "image/jpeg"),
        ("photo.jpg", "image/png"),
        ("photo", "image/png"),
        ("photo.", "image/png"),
        ("photo.png.exe", "image/png"),
        ("clip.mov", "video/mp4"),
        ("doc.pdf.zip", "application/pdf"),
    ],
)
def test_extension_must_match_the_declared_type(filename: str, content_type: str) -> None:
    problems = upload_problems("attachment", filename, content_type, 10)
    assert len(problems) == 1
    assert problems[0].startswith(f"a {content_type} file must end in ")


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("PHOTO.PNG", "image/png"), ("Photo.JpEg", "image/jpeg"), ("CLIP.MOV", "video/quicktime")],
)
def test_uppercase_extensions_are_accepted(filename: str, content_type: str) -> None:
    assert upload_problems("portfolio", filename, content_type, 10) == []


@pytest.mark.parametrize(
    ("purpose", "filename", "content_type", "limit"),
    [
        ("avatar", "a.png", "image/png", 5 * MB),
        ("portfolio", "p.jpg", "image/jpeg", 20 * MB),
        ("portfolio", "p.mp4", "video/mp4", 500 * MB),
        ("portfolio", "p.mov", "video/quicktime", 500 * MB),
        ("attachment", "a.pdf", "application/pdf", 50 * MB),
        ("attachment", "a.mp4", "video/mp4", 50 * MB),
        ("evidence", "e.zip", "application/zip", 50 * MB),
        ("evidence", "e.png", "image/png", 50 * MB),
    ],
)
def test_size_limits_at_the_exact_boundary(
    purpose: str, filename: str, content_type: str, limit: int
) -> None:
    assert size_limit(purpose, content_type) == limit
    assert upload_problems(purpose, filename, content_type, limit) == []
    over = upload_problems(purpose, filename, content_type, limit + 1)
    assert len(over) == 1
    assert f"limited to {limit // MB} MB" in over[0]


@pytest.mark.parametrize("size", [0, -1])
def test_size_must_be_positive(size: int) -> None:
    assert upload_problems("avatar", "a.png", "image/png", size) == ["size must be at least 1 byte"]


def test_several_problems_are_reported_together() -> None:
    problems = upload_problems("avatar", "a.jpg", "image/png", 6 * MB)
    assert len(problems) == 2


LIMIT = 5 * MB


def test_verdict_accepts_what_it_claimed_to_be() -> None:
    assert verdict("image/png", len(PNG), LIMIT, len(PNG), PNG) is None
    assert verdict("application/pdf", 1234, 50 * MB, 1234, PDF) is None


def test_verdict_empty() -> None:
    assert verdict("image/png", 10, LIMIT, 0, b"") == "the file is empty"


def test_verdict_over_limit() -> None:
    reason = verdict("image/png", LIMIT, LIMIT, LIMIT + 1, PNG)
    assert reason == "the file is larger than the 5 MB allowed"


def test_verdict_at_limit_is_fine() -> None:
    assert verdict("image/png", LIMIT, LIMIT, LIMIT, PNG) is None


def test_verdict_size_mismatch() -> None:
    assert (
        verdict("image/png", 100, LIMIT, 101, PNG) == "the file is 101 bytes, not the 100 declared"
    )
    assert verdict("image/png", 100, LIMIT, 99, PNG) == "the file is 99 bytes, not the 100 declared"


def test_verdict_undetectable_content() -> None:
    text = b"just some text"
    reason = verdict("image/png", len(text), LIMIT, len(text), text)
    assert reason == "the file's contents are not of any accepted type"


def test_verdict_type_mismatch() -> None:
    # GIVEN JPEG bytes declared as PNG
    reason = verdict("image/png", 500, LIMIT, 500, JPEG)
    assert reason == "the file's contents are image/jpeg, not the image/png declared"
