"""Contact masking, table-driven: what must be hidden, and what must stay exactly as written."""

from __future__ import annotations

import pytest

from chalicelib.domain.contact_masking import MASK, mask_contacts

H = MASK

HIDDEN: list[tuple[str, str]] = [
    # phones, Latin digits
    ("call me 07701234567", f"call me {H}"),
    ("my number is 0770 123 4567 thanks", f"my number is {H} thanks"),
    ("0770-123-4567", H),
    ("0770.123.4567 anytime", f"{H} anytime"),
    ("+964 770 123 4567", H),
    ("+9647701234567", H),
    ("00964 750 123 4567 is my cell", f"{H} is my cell"),
    ("(0770) 123 4567", H),
    ("text 750 123 4567", f"text {H}"),
    ("landline 066 222 3344", f"landline {H}"),
    ("+44 20 7946 0958 london office", f"{H} london office"),
    # phones, Arabic-Indic and Extended Arabic-Indic digits
    ("رقمي ٠٧٧٠١٢٣٤٥٦٧", f"رقمي {H}"),
    ("اتصل بي على ٠٧٧٠ ١٢٣ ٤٥٦٧", f"اتصل بي على {H}"),
    ("٠٧٧٠-١٢٣-٤٥٦٧ واتساب", f"{H} واتساب"),
    ("+٩٦٤ ٧٧٠ ١٢٣ ٤٥٦٧", H),
    ("ژمارەکەم ۰۷۵۰ ۱۲۳ ۴۵۶۷ ە", f"ژمارەکەم {H} ە"),
    ("پەیوەندیم پێوە بکە ۰۷۵۰۱۲۳۴۵۶۷", f"پەیوەندیم پێوە بکە {H}"),
    ("ژمارە: 0750 123 4567", f"ژمارە: {H}"),
    ("رقمي 0770 123 4567 شكرا", f"رقمي {H} شكرا"),
    # emails
    ("write to ahmed.k@gmail.com please", f"write to {H} please"),
    ("sara+events@studio.iq", H),
    ("ahmed at gmail dot com", H),
    ("ahmed (at) gmail (dot) com", H),
    ("ahmed [at] yahoo [dot] com", H),
    ("ahmed_k at hotmail.com", H),
    ("ايميلي ahmed@gmail.com", f"ايميلي {H}"),
    ("ئیمەیڵەکەم sara@outlook.com ە", f"ئیمەیڵەکەم {H} ە"),
    ("ahmed @ gmail . com", H),
    # URLs
    ("see https://example.com/portfolio", f"see {H}"),
    ("http://my-site.iq", H),
    ("www.mybandpage.com has videos", f"{H} has videos"),
    ("mybandpage.com/videos", H),
    ("موقعي www.ahmed.iq", f"موقعي {H}"),
    # messenger links and handles
    ("wa.me/9647701234567", H),
    ("https://wa.me/9647701234567", H),
    ("t.me/ahmed_music", H),
    ("viber://chat?number=9647701234567", H),
    ("instagram.com/ahmed.music", H),
    ("snapchat.com/add/ahmed22", H),
    ("follow @ahmed_music", f"follow {H}"),
    ("insta: ahmed.music", f"insta: {H}"),
    ("telegram: ahmedk", f"telegram: {H}"),
    ("snap ahmed_22", f"snap {H}"),
    ("whatsapp me @sara", f"whatsapp me {H}"),
    ("انستغرام: ahmed.music", f"انستغرام: {H}"),
    ("تلغرام @ahmedk", f"تلغرام {H}"),
    ("سناب ahmed_22", f"سناب {H}"),
    ("ئینستاگرام: sara.art", f"ئینستاگرام: {H}"),
    ("تێلێگرام @sara_k", f"تێلێگرام {H}"),
    # several in one message
    ("0770 123 4567 or ahmed@gmail.com", f"{H} or {H}"),
]

UNTOUCHED: list[str] = [
    "The price is 250,000 IQD",
    "1.500.000 IQD for the full package",
    "السعر ٢٥٠٬٠٠٠ دينار",
    "نرخەکە 300,000 دینارە",
    "Total 1250000 IQD",
    "Budget between 100000-200000 IQD",
    "Event on 2026-12-01 at 14:30",
    "موعدنا ٢٠٢٦-١٢-٠١ الساعة ٨:٣٠",
    "see you 12/05/2026",
    "from 10:00 to 18:00",
    "booking 01JF3ZK8Q9M4X7V2B6N5T1R0YH",
    "Booking #12345 is confirmed",
    "we are 150 guests",
    "Rating 4.8 out of 5",
    "I'll email the details tomorrow",
    "Meet at the hotel at 7pm",
    "see you @5pm",
    "I found you on Instagram today",
    "Do you use WhatsApp for work?",
    "Ok 👍 thanks 🎉",
    "مرحبا، هل أنت متاح يوم الجمعة؟",
    "سڵاو، ئایا ڕۆژی هەینی بەردەستیت؟",
    "2025-2026 season",
    "The set is 3.5 hours long",
    "Room 204, floor 3",
    "Years 1998 2005 2011 were great",
]


@pytest.mark.parametrize(("written", "stored"), HIDDEN)
def test_contacts_are_hidden(written: str, stored: str) -> None:
    result = mask_contacts(written)
    assert result.text == stored
    assert result.masked is True


@pytest.mark.parametrize("written", UNTOUCHED)
def test_ordinary_text_stays_untouched(written: str) -> None:
    result = mask_contacts(written)
    assert result.text == written
    assert result.masked is False


def test_the_table_is_large_enough() -> None:
    assert len(HIDDEN) + len(UNTOUCHED) >= 60
