"""Great-circle distance and the geohash cells that cover a search circle."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.geo import (
    BASE32,
    EARTH_RADIUS_KM,
    PRECISIONS,
    cells_for_query,
    choose_precision,
    covering_cells,
    decode_bounds,
    encode,
    haversine_km,
    min_distance_km,
)

FAST = settings(max_examples=200, deadline=None)

LAT = st.one_of(
    st.floats(-90, 90),
    st.floats(85, 90),
    st.floats(-90, -85),
    st.sampled_from([90.0, -90.0, 0.0, 89.99, -89.999]),
)
LNG = st.one_of(
    st.floats(-180, 180),
    st.floats(179, 180),
    st.floats(-180, -179),
    st.sampled_from([180.0, -180.0, 0.0]),
)
RADIUS = st.one_of(st.floats(0.1, 2000), st.sampled_from([0.1, 1.0, 5.0, 50.0, 2000.0]))
GEOHASH = st.text(st.sampled_from(BASE32), min_size=1, max_size=6)

BAGHDAD = (33.3152, 44.3661)
ERBIL = (36.1911, 44.0092)


def destination(
    lat: float, lng: float, bearing_deg: float, distance_km: float
) -> tuple[float, float]:
    """The point `distance_km` from (lat, lng) along the initial bearing (spherical Earth)."""
    phi1, lambda1 = math.radians(lat), math.radians(lng)
    theta, delta = math.radians(bearing_deg), distance_km / EARTH_RADIUS_KM
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * sin_phi2,
    )
    lng2 = (math.degrees(lambda2) + 180.0) % 360.0 - 180.0
    return math.degrees(phi2), lng2


# --- haversine -----------------------------------------------------------------------


def test_baghdad_to_erbil() -> None:
    assert haversine_km(*BAGHDAD, *ERBIL) == pytest.approx(322, abs=2)


def test_across_the_antimeridian() -> None:
    # GIVEN two points on the equator either side of 180°
    # WHEN measured
    # THEN the short way round, 0.2° of longitude
    assert haversine_km(0, 179.9, 0, -179.9) == pytest.approx(22.2, abs=0.1)
    assert haversine_km(0, 180, 0, -180) == pytest.approx(0, abs=1e-9)


def test_at_the_poles() -> None:
    assert haversine_km(90, 0, 90, 123) == pytest.approx(0, abs=1e-9)
    assert haversine_km(90, 0, -90, 45) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert haversine_km(89, 0, 89, 180) == pytest.approx(2 * 111.195, rel=1e-3)


def test_one_degree_of_latitude() -> None:
    assert haversine_km(10, 20, 11, 20) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)


@FAST
@given(LAT, LNG, LAT, LNG)
def test_haversine_is_a_symmetric_bounded_distance(
    lat1: float, lng1: float, lat2: float, lng2: float
) -> None:
    there = haversine_km(lat1, lng1, lat2, lng2)
    assert there == pytest.approx(haversine_km(lat2, lng2, lat1, lng1), abs=1e-9)
    assert 0 <= there <= math.pi * EARTH_RADIUS_KM + 1e-9
    assert haversine_km(lat1, lng1, lat1, lng1) == 0


@FAST
@given(LAT, LNG, st.floats(0, 360), st.floats(0, 5000))
def test_the_test_helper_walks_the_distance_it_is_asked_to(
    lat: float, lng: float, bearing: float, distance: float
) -> None:
    point = destination(lat, lng, bearing, distance)
    # Near the poles asin() of values close to 1 resolves only ~1e-8 rad (~0.1 m): metres,
    # not millimetres, are what floating point can promise there.
    assert haversine_km(lat, lng, *point) == pytest.approx(distance, abs=1e-3)


# --- geohash -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lng", "precision", "expected"),
    [
        (57.64911, 10.40744, 11, "u4pruydqqvj"),
        (42.6, -5.6, 5, "ezs42"),
        (0.0, 0.0, 1, "s"),
        (-90.0, -180.0, 3, "000"),
        (90.0, 180.0, 3, "zzz"),
        (-0.000001, -0.000001, 4, "7zzz"),
    ],
)
def test_known_geohashes(lat: float, lng: float, precision: int, expected: str) -> None:
    assert encode(lat, lng, precision) == expected


def test_decode_bounds_of_a_known_cell() -> None:
    min_lat, min_lng, max_lat, max_lng = decode_bounds("ezs42")
    assert (min_lat, min_lng) == pytest.approx((42.5830078125, -5.625))
    assert (max_lat, max_lng) == pytest.approx((42.626953125, -5.5810546875))
    assert decode_bounds("s") == (0.0, 0.0, 45.0, 45.0)
    assert decode_bounds("EZS42") == decode_bounds("ezs42")


@pytest.mark.parametrize(
    ("precision", "height", "width"),
    [
        (1, 45.0, 45.0),
        (2, 5.625, 11.25),
        (3, 1.40625, 1.40625),
        (4, 0.17578125, 0.3515625),
        (5, 0.0439453125, 0.0439453125),
    ],
)
def test_cell_sizes_per_precision(precision: int, height: float, width: float) -> None:
    min_lat, min_lng, max_lat, max_lng = decode_bounds(encode(1.0, 1.0, precision))
    assert (max_lat - min_lat, max_lng - min_lng) == (height, width)


@pytest.mark.parametrize("bad", ["", "a", "ezs4i", "u4pruydqqvjxx"])
def test_decode_refuses_what_is_not_a_geohash(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_bounds(bad)


@pytest.mark.parametrize(("lat", "lng", "precision"), [(91, 0, 5), (0, 181, 5), (0, 0, 0)])
def test_encode_refuses_impossible_input(lat: float, lng: float, precision: int) -> None:
    with pytest.raises(ValueError):
        encode(lat, lng, precision)


@FAST
@given(LAT, LNG, st.integers(1, 12))
def test_a_point_lies_in_the_cell_it_encodes_to(lat: float, lng: float, precision: int) -> None:
    cell = encode(lat, lng, precision)
    min_lat, min_lng, max_lat, max_lng = decode_bounds(cell)
    assert len(cell) == precision
    assert min_lat <= lat <= max_lat
    assert min_lng <= lng <= max_lng
    assert encode(lat, lng, precision - 1 or 1).startswith(cell[: precision - 1])


@FAST
@given(GEOHASH)
def test_decoding_and_encoding_the_centre_round_trips(cell: str) -> None:
    min_lat, min_lng, max_lat, max_lng = decode_bounds(cell)
    assert encode((min_lat + max_lat) / 2, (min_lng + max_lng) / 2, len(cell)) == cell


# --- minimum distance to a cell ------------------------------------------------------


def test_min_distance_inside_on_the_meridian_and_beside() -> None:
    bounds = (10.0, 20.0, 11.0, 21.0)
    assert min_distance_km(10.5, 20.5, bounds) == 0
    assert min_distance_km(12.0, 20.5, bounds) == pytest.approx(haversine_km(12, 20.5, 11, 20.5))
    assert min_distance_km(10.5, 19.0, bounds) == pytest.approx(
        min(haversine_km(10.5, 19.0, lat / 1000, 20.0) for lat in range(10_000, 11_001)), abs=1e-3
    )
    # across the antimeridian: 179.5° is half a degree west of -180°
    assert min_distance_km(0.0, 179.5, (-1.0, -180.0, 1.0, -179.0)) == pytest.approx(
        haversine_km(0, 179.5, 0, 180)
    )


@FAST
@given(LAT, LNG, GEOHASH, st.floats(0, 1), st.floats(0, 1))
def test_min_distance_never_exceeds_the_distance_to_any_point_of_the_cell(
    lat: float, lng: float, cell: str, u: float, v: float
) -> None:
    # GIVEN a point and any point inside a cell
    bounds = min_lat, min_lng, max_lat, max_lng = decode_bounds(cell)
    inside = (min_lat + u * (max_lat - min_lat), min_lng + v * (max_lng - min_lng))
    # WHEN the minimum distance to the cell is computed
    # THEN it is a lower bound (so pruning on it never drops a cell that matters)
    assert min_distance_km(lat, lng, bounds) <= haversine_km(lat, lng, *inside) + 1e-6


@FAST
@given(LAT, LNG, st.text(st.sampled_from(BASE32), min_size=2, max_size=3))
def test_min_distance_is_attained_on_the_cell(lat: float, lng: float, cell: str) -> None:
    # GIVEN a cell, its boundary sampled densely
    min_lat, min_lng, max_lat, max_lng = bounds = decode_bounds(cell)
    steps = 200
    boundary = [
        point
        for i in range(steps + 1)
        for point in (
            (min_lat + (max_lat - min_lat) * i / steps, min_lng),
            (min_lat + (max_lat - min_lat) * i / steps, max_lng),
            (min_lat, min_lng + (max_lng - min_lng) * i / steps),
            (max_lat, min_lng + (max_lng - min_lng) * i / steps),
        )
    ]
    sampled = min(haversine_km(lat, lng, *point) for point in boundary)
    step_km = math.radians(max(max_lat - min_lat, max_lng - min_lng) / steps) * EARTH_RADIUS_KM
    # THEN the computed minimum is no farther than the nearest sample (or 0 inside)
    computed = min_distance_km(lat, lng, bounds)
    assert computed <= sampled + 1e-6
    assert computed == 0 or computed >= sampled - step_km


# --- covering a circle ---------------------------------------------------------------


@FAST
@given(
    LAT,
    LNG,
    RADIUS,
    st.lists(st.tuples(st.floats(0, 360), st.floats(0, 1)), min_size=1, max_size=20),
    st.one_of(st.just(16), st.integers(1, 64)),
)
def test_every_point_within_the_radius_is_in_a_covering_cell(
    lat: float, lng: float, radius_km: float, walks: list[tuple[float, float]], max_cells: int
) -> None:
    # GIVEN a circle anywhere (poles and the antimeridian included) and points within it
    # WHEN the cells for the query are chosen
    precision, cells = cells_for_query(lat, lng, radius_km, max_cells=max_cells)
    # THEN each point's cell at that precision is one of them
    for bearing, fraction in [*walks, (0.0, 1.0), (90.0, 1.0), (180.0, 1.0), (270.0, 1.0)]:
        point = destination(lat, lng, bearing, radius_km * fraction)
        assert encode(*point, precision) in cells, (point, precision)


@FAST
@given(LAT, LNG, RADIUS, st.integers(1, 64))
def test_the_query_uses_at_most_max_cells_unless_at_the_coarsest_precision(
    lat: float, lng: float, radius_km: float, max_cells: int
) -> None:
    precision, cells = cells_for_query(lat, lng, radius_km, max_cells=max_cells)
    assert cells
    assert len(cells) <= max_cells or precision == min(PRECISIONS)
    assert all(len(cell) == precision for cell in cells)
    # and no finer precision would also have fitted
    if precision < max(PRECISIONS):
        assert len(covering_cells(lat, lng, radius_km, precision + 1)) > max_cells


@FAST
@given(LAT, LNG, RADIUS, st.integers(1, 64))
def test_choose_precision_is_a_safe_estimate(
    lat: float, lng: float, radius_km: float, max_cells: int
) -> None:
    # GIVEN the precision estimated from the radius and latitude alone
    estimate = choose_precision(radius_km, max_cells, lat=lat)
    # WHEN the real covering is counted
    # THEN it fits (unless the estimate fell back to the coarsest) and the query is as fine
    if estimate > min(PRECISIONS):
        assert len(covering_cells(lat, lng, radius_km, estimate)) <= max_cells
    assert cells_for_query(lat, lng, radius_km, max_cells)[0] >= estimate


@FAST
@given(LAT, LNG, RADIUS)
def test_every_covering_cell_comes_near_the_circle(
    lat: float, lng: float, radius_km: float
) -> None:
    # GIVEN the cells a query would use
    _, cells = cells_for_query(lat, lng, radius_km, max_cells=64)
    # THEN no cell is wholly farther than the radius (the box corners were pruned): its
    # nearest point is on a meridian edge or on the centre's meridian
    for cell in cells:
        min_lat, min_lng, max_lat, max_lng = decode_bounds(cell)
        nearest = min(
            haversine_km(lat, lng, min_lat + (max_lat - min_lat) * i / 20, edge_lng)
            for i in range(21)
            for edge_lng in (min_lng, max_lng, min(max(lng, min_lng), max_lng))
        )
        diagonal = haversine_km(min_lat, min_lng, max_lat, max_lng)
        assert nearest <= radius_km + diagonal / 10


def test_a_small_circle_inside_one_cell_needs_one_cell() -> None:
    assert cells_for_query(*ERBIL, 0.1) == (5, {encode(*ERBIL, 5)})


def test_a_circle_across_the_antimeridian_takes_cells_from_both_sides() -> None:
    # GIVEN a 1 km circle on the equator 0.005° (556 m) west of the antimeridian
    # WHEN its cells are chosen
    precision, cells = cells_for_query(0.0, 179.995, 1.0)
    # THEN they are the four cells meeting at (0, ±180): east and west, north and south
    assert precision == 5
    assert cells == {"rzzzz", "xbpbp", "2pbpb", "80000"}
    assert encode(0.001, -179.999, 5) in cells
    assert encode(-0.001, 179.999, 5) in cells


def test_a_circle_containing_a_pole_covers_every_longitude() -> None:
    # GIVEN a 50 km circle around a point 11 km from the North Pole
    cells = covering_cells(89.9, 10.0, 50.0, 2)
    # THEN every cell of the top row is in, whatever its longitude
    assert {encode(89.99, -180 + 11.25 * i + 1, 2) for i in range(32)} <= cells
    assert covering_cells(-90.0, 0.0, 100.0, 1) == {"0", "1", "4", "5", "h", "j", "n", "p"}


def test_a_circle_beside_a_pole_does_not_cover_every_longitude() -> None:
    # 0.5° from the pole, 30 km radius: the pole is 55 km away
    cells = covering_cells(89.5, 0.0, 30.0, 3)
    assert encode(89.6, 0.5, 3) in cells
    assert encode(89.6, 180.0, 3) not in cells


@pytest.mark.parametrize(
    ("radius_km", "expected"),
    [(0.1, 5), (1, 5), (5, 5), (10, 4), (25, 4), (50, 3), (100, 3), (300, 2), (1000, 2)],
)
def test_choose_precision_at_the_equator(radius_km: float, expected: int) -> None:
    assert choose_precision(radius_km) == expected


def test_choose_precision_falls_back_to_the_coarsest() -> None:
    assert choose_precision(5000, max_cells=4) == 1
    assert choose_precision(5, precisions=(3, 4)) == 4


def test_the_search_radius_must_make_sense() -> None:
    with pytest.raises(ValueError):
        covering_cells(0, 0, -1, 3)
    with pytest.raises(ValueError):
        cells_for_query(0, 0, math.nan)
    with pytest.raises(ValueError):
        cells_for_query(0, 0, 10, precisions=())
    with pytest.raises(ValueError):
        cells_for_query(0, 0, 10, precisions=(0, 3))
