"""Job templates over HTTP: public, listed in full, and fetched one by one."""

from __future__ import annotations

from chalicelib.domain.job_templates import TEMPLATES
from tests.support import JsonClient


def test_list_is_public_and_complete(api: JsonClient) -> None:
    reply = api.get("/v1/job-templates")
    assert reply.status == 200
    assert reply.body == {"items": [t.to_json() for t in TEMPLATES]}
    assert len(reply.body["items"]) == 9


def test_one_template_by_slug(api: JsonClient) -> None:
    reply = api.get("/v1/job-templates/security-audit", as_user="client@example.com")
    assert reply.status == 200
    assert reply.body["slug"] == "security-audit"
    assert reply.body["category"] == "development.security"
    assert sum(m["share_bps"] for m in reply.body["milestones"]) == 10_000


def test_unknown_slug_is_not_found(api: JsonClient) -> None:
    reply = api.get("/v1/job-templates/no-such-template")
    assert reply.status == 404
    assert reply.error_code == "NOT_FOUND"
