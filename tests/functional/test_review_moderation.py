"""After publication: the reviewee's one reply, reports of a review, hiding by moderation
(the stars leave the sums), and the author's one appeal back into the moderation queue.
Every refusal re-reads the review to show nothing changed."""

from __future__ import annotations

from typing import Any

from chalicelib.models import reports
from chalicelib.usecases.reviews import moderation
from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT
from tests.functional.factories import count_items
from tests.functional.reviewing import completed_booking, review
from tests.support import JsonClient


def _published_pair(api: JsonClient, clock: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    booking = completed_booking(api, clock)
    by_customer = review(api, CUSTOMER, booking["id"], rating=2, sub_ratings={"value": 1})
    assert by_customer.status == 201
    by_talent = review(api, TALENT, booking["id"], rating=5)
    assert by_talent.status == 201
    return dict(by_customer.body), dict(by_talent.body)


def _as_admin(api: JsonClient, review_id: str) -> dict[str, Any]:
    return dict(api.get(f"/v1/reviews/{review_id}", as_user=ADMIN).body)


def test_the_reviewee_replies_once_after_publication(api: JsonClient, frozen_clock: Any) -> None:
    booking = completed_booking(api, frozen_clock)
    blind = review(api, CUSTOMER, booking["id"], rating=3).body
    early = api.post(f"/v1/reviews/{blind['id']}/reply", as_user=TALENT, json_body={"body": "x"})
    assert early.status == 404  # still blind to the reviewee
    assert review(api, TALENT, booking["id"], rating=5).status == 201
    url = f"/v1/reviews/{blind['id']}/reply"
    for who, body, status in [
        (CUSTOMER, {"body": "I answer myself"}, 403),
        (STRANGER, {"body": "me too"}, 403),
        (ADMIN, {"body": "admins do not"}, 403),
        (TALENT, {"body": "x" * 2001}, 400),
        (TALENT, {"body": ""}, 400),
    ]:
        assert api.post(url, as_user=who, json_body=body).status == status
        assert _as_admin(api, blind["id"])["reply"] is None
    assert api.post(url, json_body={"body": "anon"}).status == 401
    answered = api.post(url, as_user=TALENT, json_body={"body": "Thanks! mail me at a@b.io"})
    assert answered.status == 201, answered.body
    assert answered.body["reply"]["body"].startswith("Thanks!")
    assert "a@b.io" not in answered.body["reply"]["body"]
    again = api.post(url, as_user=TALENT, json_body={"body": "second"})
    assert again.status == 409
    assert _as_admin(api, blind["id"])["reply"] == answered.body["reply"]
    listed = api.get(f"/v1/talent/{booking['talent_id']}/reviews").body["items"]
    assert listed[0]["reply"] == answered.body["reply"]


def test_hiding_takes_the_stars_out_and_an_appeal_requeues_once(
    api: JsonClient, frozen_clock: Any
) -> None:
    by_customer, _ = _published_pair(api, frozen_clock)
    talent_id = by_customer["reviewee"]["id"]
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 1
    url = f"/v1/reviews/{by_customer['id']}/appeal"
    not_hidden = api.post(url, as_user=CUSTOMER, json_body={"reason": "why"})
    assert not_hidden.status == 409 and count_items("report") == 0

    moderation.hide(by_customer["id"])
    page = api.get(f"/v1/talent/{talent_id}/reviews").body
    assert page["items"] == [] and page["rating_count"] == 0
    assert page["summary"]["histogram"]["2"] == 0
    assert page["summary"]["sub_ratings"]["value"] is None
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 0
    mine = api.get(f"/v1/reviews/{by_customer['id']}", as_user=CUSTOMER)
    assert mine.status == 200 and mine.body["hidden"] is True
    for who in (TALENT, STRANGER):
        assert api.get(f"/v1/reviews/{by_customer['id']}", as_user=who).status == 404
    assert api.get(f"/v1/reviews/{by_customer['id']}").status == 404

    assert api.post(url, as_user=TALENT, json_body={"reason": "mine"}).status == 404
    assert api.post(url, as_user=ADMIN, json_body={"reason": "x"}).status == 403
    assert api.post(url, as_user=CUSTOMER, json_body={"reason": ""}).status == 400
    assert api.post(url, json_body={"reason": "anon"}).status == 401
    assert count_items("report") == 0 and _as_admin(api, by_customer["id"])["appealed_at"] is None
    appealed = api.post(url, as_user=CUSTOMER, json_body={"reason": "It was fair"})
    assert appealed.status == 201, appealed.body
    queued = reports.get(appealed.body["id"])
    assert queued is not None and queued.state == reports.OPEN
    assert (queued.target_type, queued.target_id) == ("review", by_customer["id"])
    assert queued.details == "It was fair"
    assert api.post(url, as_user=CUSTOMER, json_body={"reason": "again"}).status == 409
    assert count_items("report") == 1

    moderation.restore(by_customer["id"])
    page = api.get(f"/v1/talent/{talent_id}/reviews").body
    assert [r["id"] for r in page["items"]] == [by_customer["id"]]
    assert (page["rating_avg"], page["rating_count"]) == (2.0, 1)
    assert page["summary"]["sub_ratings"]["value"] == 1.0


def test_a_review_is_reported_by_those_who_can_see_it(api: JsonClient, frozen_clock: Any) -> None:
    booking = completed_booking(api, frozen_clock)
    blind = review(api, CUSTOMER, booking["id"], rating=1).body

    def report(who: str) -> int:
        body = {"target": {"type": "review", "id": blind["id"]}, "reason": "abusive"}
        return api.post("/v1/reports", as_user=who, json_body=body).status

    assert report(TALENT) == 404 and report(STRANGER) == 404
    assert count_items("report") == 0
    assert review(api, TALENT, booking["id"], rating=4).status == 201
    assert report(TALENT) == 201 and report(STRANGER) == 201
    assert count_items("report") == 2


def test_a_deactivated_talents_reviews_are_as_private_as_its_profile(
    api: JsonClient, frozen_clock: Any
) -> None:
    by_customer, _ = _published_pair(api, frozen_clock)
    talent_id = by_customer["reviewee"]["id"]
    url = f"/v1/talent/{talent_id}/reviews"
    assert api.get(url).body["rating_count"] == 1
    off = api.patch(f"/v1/talent/{talent_id}", as_user=TALENT, json_body={"is_active": False})
    assert off.status == 200
    assert api.get(url).status == 404 and api.get(url, as_user=STRANGER).status == 404
    for who in (TALENT, ADMIN):
        page = api.get(url, as_user=who)
        assert page.status == 200 and [r["id"] for r in page.body["items"]] == [by_customer["id"]]
    assert api.get("/v1/talent/01ARZ3NDEKTSV4RRFFQ69G5FAV/reviews").status == 404
