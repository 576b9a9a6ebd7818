"""One realistic example per operation's request body and response, in the seed data's
shapes (devstack/seed.py): published in /v1/openapi.json and checked against their own
schemas (and the request models) by tests/unit/test_openapi.py. A data table, keyed by
operationId; every request body has one, the main flows' answers too."""

from __future__ import annotations

from typing import Any

# Ids as the API makes them (ULIDs), one per thing the examples talk about.
CUSTOMER = "01JDQ8Z6Y3K4M5N6P7Q8R9S0CU"
TALENT_USER = "01JDQ8Z6Y3K4M5N6P7Q8R9S0TU"
TALENT = "01JDQ8Z6Y3K4M5N6P7Q8R9S0TA"
SERVICE = "01JDQ8Z6Y3K4M5N6P7Q8R9S0SE"
BOOKING = "01JDQ8Z6Y3K4M5N6P7Q8R9S0BK"
PAYMENT = "01JDQ8Z6Y3K4M5N6P7Q8R9S0PA"
THREAD = "01JDQ8Z6Y3K4M5N6P7Q8R9S0TH"
MESSAGE = "01JDQ8Z6Y3K4M5N6P7Q8R9S0ME"
MEDIA = "01JDQ8Z6Y3K4M5N6P7Q8R9S0MD"
REVIEW = "01JDQ8Z6Y3K4M5N6P7Q8R9S0RV"
JOB = "01JDQ8Z6Y3K4M5N6P7Q8R9S0JB"
NOTIFICATION = "01JDQ8Z6Y3K4M5N6P7Q8R9S0NT"
ADMIN = "01JDQ8Z6Y3K4M5N6P7Q8R9S0AD"
REPORT = "01JDQ8Z6Y3K4M5N6P7Q8R9S0RP"
EXPORT = "01JDQ8Z6Y3K4M5N6P7Q8R9S0EX"
AT = "2026-12-01T10:00:00Z"

_IQD = {"amount": 300000, "currency": "IQD"}
_BAGHDAD = {"city": "Baghdad", "country": "IQ", "lat": 33.3152, "lng": 44.3661}
_TALENT = {
    "display_name": "Layla Fire & LED",
    "headline": "Fire and LED shows for weddings and festivals",
    "categories": ["fire-led.fire-performer", "fire-led.led-performer"],
    "skills": ["fire poi", "LED", "fire fans"],
    "languages": ["ar", "en"],
    "location": _BAGHDAD,
    "travel_radius_km": 300,
    "currency": "IQD",
    "rate": {"amount": 250000, "currency": "IQD"},
}
_SERVICE = {
    "title": "Fire show, 20 minutes",
    "description": "Two performers, fire poi and fans, with a safety officer.",
    "category": "fire-led.fire-performer",
    "pricing": {"type": "fixed", "price": _IQD},
    "duration_minutes": 20,
    "packages": [
        {"tier": "basic", "title": "Solo", "price": _IQD, "delivery_days": 0, "revisions": 0},
        {
            "tier": "premium",
            "title": "Trio with LED finale",
            "price": {"amount": 750000, "currency": "IQD"},
            "delivery_days": 0,
            "revisions": 0,
        },
    ],
    "deposit_percent": 30,
    "cancellation_policy": "moderate",
}
_BOOKING = {
    "id": BOOKING,
    "type": "booking",
    "state": "requested",
    "version": 1,
    "process": {"name": "booking", "version": 1},
    "customer_id": CUSTOMER,
    "talent_id": TALENT,
    "talent_user_id": TALENT_USER,
    "service_id": SERVICE,
    "created_at": AT,
    "updated_at": AT,
    "state_entered_at": AT,
    "price": _IQD,
    "deposit": {"amount": 90000, "currency": "IQD"},
    "start": "2026-12-10T18:00:00Z",
    "end": "2026-12-10T18:20:00Z",
    "allowed_transitions": ["cancel"],
}
_MESSAGE = {
    "id": MESSAGE,
    "thread_id": THREAD,
    "sender_id": CUSTOMER,
    "body": "Salam! Are you free on 10 December for a wedding in Baghdad?",
    "attachments": [],
    "masked": False,
    "created_at": AT,
}
_MILESTONE = {
    "title": "Design and landing page",
    "description": "Figma design and the landing page in Next.js",
    "amount": {"amount": 60000, "currency": "USD"},
    "due_date": "2026-12-20",
    "dod": ["Figma file shared", "Deployed to the staging URL"],
}

_REPORT_SUMMARY = (
    "We performed a twenty minute fire show in the garden of the Al-Mansour venue after the "
    "zaffa, for about two hundred guests. Two performers used fire poi and fire fans, and a "
    "safety officer kept the guests behind a marked line the whole time. The wind was calm, "
    "so we used the full routine. The LED finale ran with the couple's chosen song and the "
    "photographer had good light for the first dance pictures. Nothing was damaged, the "
    "fuel was stored away from the guests, and we cleaned the area before we left the venue."
)

EXAMPLES: dict[str, dict[str, Any]] = {
    "getHealth": {"response": {"status": "ok"}},
    "createBooking": {
        "request": {
            "service_id": SERVICE,
            "package_tier": "basic",
            "start": "2026-12-10T18:00:00Z",
            "location": {"address": "Al-Mansour, street 14", "city": "Baghdad"},
            "event_type": "wedding",
            "details": "Outdoor garden, about 200 guests; the show starts after the zaffa.",
            "guest_count": 200,
        },
        "response": _BOOKING,
    },
    "getBooking": {"response": _BOOKING},
    "transitionBooking": {
        "request": {"reason": "The date moved; we will book again."},
        "response": {**_BOOKING, "state": "cancelled", "version": 2, "allowed_transitions": []},
    },
    "transitionProposal": {"request": {"reason": "We chose another proposal."}},
    "transitionContract": {"request": {}},
    "transitionMilestone": {"request": {"note": "Landing page deployed", "attachments": [MEDIA]}},
    "createTalent": {"request": _TALENT},
    "updateTalent": {
        "request": {"headline": "Fire, LED and pyro-free shows", "travel_radius_km": 400}
    },
    "addPortfolioItem": {
        "request": {"title": "Wedding in Erbil", "description": "LED finale", "media_id": MEDIA}
    },
    "updatePortfolioItem": {"request": {"title": "Wedding in Erbil, 2026", "position": 1}},
    "setAvailability": {
        "request": {
            "days": [{"date": "2026-12-10", "available": True}],
            "weekly": ["thu", "fri", "sat"],
        }
    },
    "createService": {"request": _SERVICE},
    "updateService": {"request": {"deposit_percent": 20, "cancellation_policy": "flexible"}},
    "createJob": {
        "request": {
            "title": "Website for our wedding venue",
            "description": "A bilingual (Arabic/English) site with a gallery and a booking form.",
            "category": "development.web",
            "skills": ["Next.js", "Arabic typography"],
            "budget": {
                "type": "fixed",
                "min": {"amount": 100000, "currency": "USD"},
                "max": {"amount": 250000, "currency": "USD"},
            },
            "visibility": "public",
        }
    },
    "inviteTalent": {
        "request": {"talent_id": TALENT},
        "response": {"job_id": JOB, "talent_id": TALENT},
    },
    "createProposal": {
        "request": {
            "cover": "I built three venue sites in Erbil last year; here is my plan.",
            "milestones": [_MILESTONE],
            "delivery_days": 21,
            "revisions": 2,
        }
    },
    "updateMe": {
        "request": {
            "display_name": "Ahmed K.",
            "phone": "+9647701234567",
            "timezone": "Asia/Baghdad",
            "locale": "ar",
        }
    },
    "createUpload": {
        "request": {
            "purpose": "portfolio",
            "filename": "wedding-erbil.jpg",
            "content_type": "image/jpeg",
            "size": 482133,
        }
    },
    "markNotificationsRead": {
        "request": {"ids": [NOTIFICATION]},
        "response": {"marked": 1, "unread_count": 3},
    },
    "listPaymentProviders": {
        "response": {
            "items": [
                {"name": "fib", "currencies": ["IQD"], "refunds": True, "partial_refunds": True},
                {
                    "name": "stripe",
                    "currencies": ["EUR", "GBP", "USD"],
                    "refunds": True,
                    "partial_refunds": True,
                },
            ]
        }
    },
    "createPayment": {
        "request": {
            "subject": {"type": "booking", "id": BOOKING},
            "provider": "fib",
        },
        "response": {
            "id": PAYMENT,
            "state": "pending",
            "subject": {"type": "booking", "id": BOOKING},
            "amount": {"amount": 90000, "currency": "IQD"},
            "provider": "fib",
            "provider_ref": "fib-7c1e2d",
            "action": {
                "type": "qr",
                "qr_code": "data:image/png;base64,iVBORw0KGgo=",
                "deeplinks": {"personal": "https://personal.first-iraqi-bank.example/pay/7c1e2d"},
                "expires_at": "2026-12-01T10:15:00Z",
            },
            "failure": None,
            "created_at": AT,
            "updated_at": AT,
        },
    },
    "getMyBalance": {
        "response": {
            "items": [
                {
                    "currency": "IQD",
                    "available": 270000,
                    "pending": 210000,
                    "held_for_qc": 210000,
                    "in_transit": 0,
                    "paid_out": 540000,
                }
            ]
        }
    },
    "setPayoutMethod": {
        "request": {"provider": "fib", "details": {"iban": "IQ98NBIQ850123456789012"}}
    },
    "markPayoutPaid": {"request": {"reference": "Bank transfer 2026-12-01 #4471"}},
    "markPayoutFailed": {"request": {"reason": "The bank returned the transfer: account closed"}},
    "createReview": {
        "request": {
            "subject": {"type": "booking", "id": BOOKING},
            "rating": 5,
            "sub_ratings": {"communication": 5, "quality": 5, "value": 4, "punctuality": 5},
            "comment": "Wonderful show, on time, the guests loved the LED finale.",
        }
    },
    "replyToReview": {"request": {"body": "Thank you, it was a pleasure to perform for you!"}},
    "appealReview": {"request": {"reason": "The review names a different performer."}},
    "createThread": {
        "request": {
            "about": {"type": "talent", "id": TALENT},
            "body": "Salam! Are you free on 10 December for a wedding in Baghdad?",
        },
        "response": {
            "id": THREAD,
            "about": {"type": "talent", "id": TALENT},
            "participants": [CUSTOMER, TALENT_USER],
            "last_message": _MESSAGE,
            "unread_count": 0,
            "read_up_to": {CUSTOMER: MESSAGE, TALENT_USER: None},
            "created_at": AT,
            "updated_at": AT,
        },
    },
    "sendMessage": {
        "request": {"body": "Yes, 10 December works. Solo or the trio?", "attachments": []},
        "response": _MESSAGE,
    },
    "markThreadRead": {"request": {"up_to": MESSAGE}},
    "createReport": {
        "request": {
            "target": {"type": "message", "id": MESSAGE},
            "reason": "spam",
            "details": "Sends the same offer to everyone.",
        }
    },
    "addDisputeEvidence": {
        "request": {
            "note": "The show started 40 minutes late and lasted 12 minutes, not 20.",
            "media_ids": [MEDIA],
            "message_ids": [MESSAGE],
        }
    },
    "makeDisputeOffer": {"request": {"refund_amount": {"amount": 100000, "currency": "IQD"}}},
    "decideDispute": {
        "request": {
            "refund_amount": {"amount": 120000, "currency": "IQD"},
            "note": "The video shows a 12-minute show; refund the missing share of the time.",
        }
    },
    "submitBookingReport": {
        "request": {
            "summary": _REPORT_SUMMARY,
            "action_items": [
                "Mark a three metre safety line before the guests arrive",
                "Keep the LED finale music cue ready on the DJ's laptop",
                "Book the trio at least two weeks ahead for December dates",
            ],
            "rating": 5,
        }
    },
    "decideBookingQc": {
        "request": {
            "status": "waived",
            "note": "The customer confirmed the show by phone; the report is not needed.",
        }
    },
    "decideReport": {
        "request": {
            "action": "hide",
            "note": "The message shares a phone number to take the booking off the platform.",
        }
    },
    "suspendUser": {
        "request": {"reason": "Three upheld reports for off-platform payment requests this month."}
    },
    "unsuspendUser": {
        "request": {
            "reason": "The appeal was upheld: the reported messages were a misunderstanding."
        }
    },
    "changeUserRoles": {
        "request": {"add": ["admin"], "remove": [], "reason": "Joins the support team."}
    },
    "startExport": {"request": {"kind": "disputes", "from": "2026-11-01", "to": "2026-11-30"}},
}
