"""Search and featured sections on the local stack, with the seeded demo talent."""

from __future__ import annotations

import pytest

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _ids(devstack: RunningStack, query: str) -> list[str]:
    response = devstack.api("GET", f"/v1/search/talent?{query}")
    assert response.status_code == 200, response.text
    return [item["display_name"] for item in response.json()["items"]]


def test_search_finds_the_demo_talent(devstack: RunningStack) -> None:
    assert "DJ Omar" in _ids(devstack, "category=music")
    assert "Layla Fire & LED" in _ids(devstack, "q=fire")
    # Erbil is 320 km from Baghdad: a 50 km circle around Baghdad holds Layla, not Omar.
    near_baghdad = _ids(devstack, "lat=33.31&lng=44.37&radius_km=50&sort=distance")
    assert "Layla Fire & LED" in near_baghdad
    assert "DJ Omar" not in near_baghdad
    cheap = _ids(devstack, "currency=IQD&max_price=300000&sort=price_asc")
    assert cheap[0] == "Noor Studio"  # 200,000 IQD, the cheapest IQD rate


def test_featured_sections_are_ready_after_start(devstack: RunningStack) -> None:
    response = devstack.api("GET", "/v1/featured")
    assert response.status_code == 200, response.text
    sections = {section["key"]: section for section in response.json()["sections"]}
    assert sections["new"]["items"]
    assert sections["weekend"]["items"]
