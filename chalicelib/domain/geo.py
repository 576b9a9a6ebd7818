"""Great-circle distance and geohash buckets for "talent within r km of a point".

A profile is stored under the geohash of its location at each precision a query may use; a
query looks up the cells that cover its circle (`cells_for_query`) and then filters the
candidates by exact `haversine_km`. The covering may hold extra cells (they only cost a
look-up) but never misses a cell that contains a point within the radius.

Cell sizes (a geohash of n characters has 5n bits, longitude first; east-west widths are at
the equator and shrink with cos(latitude)):

    precision  degrees (lat x lng)     km (north-south x east-west, at the equator)
    1          45      x 45            5,000 km x 5,000 km
    2          5.625   x 11.25         625 km x 1,250 km
    3          1.40625 x 1.40625       156 km x 156 km
    4          0.1758  x 0.3516        19.5 km x 39.1 km
    5          0.0439  x 0.0439        4.9 km x 4.9 km

A circle containing a pole touches every longitude column of the rows it covers, so there
the query falls back to coarse cells (8 cells at precision 1 for a small circle at a pole).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
MAX_PRECISION = 12
PRECISIONS = (1, 2, 3, 4, 5)
MAX_CELLS = 16

_DECODE = {ch: index for index, ch in enumerate(BASE32)}
# Rounding in the trigonometry must never drop a boundary cell: the circle is widened by
# about 6 mm for the bounding box and a cell is pruned only when it is more than 1 mm
# farther away than the radius.
_PAD_RADIANS = 1e-9
_PRUNE_TOLERANCE_KM = 1e-6


def _check_point(lat: float, lng: float) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        raise ValueError(f"not a point on Earth: ({lat}, {lng})")


def _check_precision(precision: int) -> None:
    if not 1 <= precision <= MAX_PRECISION:
        raise ValueError(f"geohash precision must be 1 to {MAX_PRECISION}")


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance. The longitude difference enters only through sin², so the
    antimeridian needs no special case; at a pole every longitude gives the same answer."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lng2 - lng1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


# --- geohash -------------------------------------------------------------------------


def _bits(precision: int) -> tuple[int, int]:
    """(latitude bits, longitude bits) of a geohash: longitude takes the first, odd bit."""
    total = 5 * precision
    return total // 2, total - total // 2


def _index(value: float, low: float, high: float, bits: int) -> int:
    """The cell index of `value` along one axis, bisecting exactly as the encoder does
    (a value on a boundary belongs to the upper cell; `high` itself to the last cell)."""
    index = 0
    for _ in range(bits):
        mid = (low + high) / 2
        index <<= 1
        if value >= mid:
            index |= 1
            low = mid
        else:
            high = mid
    return index


def _hash(lat_index: int, lng_index: int, precision: int) -> str:
    """The geohash of the cell at these axis indices: the bits interleaved, longitude first."""
    lat_bits, lng_bits = _bits(precision)
    code = 0
    for position in range(5 * precision):
        if position % 2 == 0:
            lng_bits -= 1
            bit = (lng_index >> lng_bits) & 1
        else:
            lat_bits -= 1
            bit = (lat_index >> lat_bits) & 1
        code = (code << 1) | bit
    return "".join(BASE32[(code >> shift) & 31] for shift in range(5 * (precision - 1), -1, -5))


def encode(lat: float, lng: float, precision: int) -> str:
    """The standard base32 geohash of a point."""
    _check_point(lat, lng)
    _check_precision(precision)
    lat_bits, lng_bits = _bits(precision)
    return _hash(
        _index(lat, -90.0, 90.0, lat_bits), _index(lng, -180.0, 180.0, lng_bits), precision
    )


def _indices(geohash: str) -> tuple[int, int]:
    lat_index = lng_index = 0
    position = 0
    for ch in geohash:
        value = _DECODE[ch]
        for shift in range(4, -1, -1):
            bit = (value >> shift) & 1
            if position % 2 == 0:
                lng_index = (lng_index << 1) | bit
            else:
                lat_index = (lat_index << 1) | bit
            position += 1
    return lat_index, lng_index


def decode_bounds(geohash: str) -> tuple[float, float, float, float]:
    """(min_lat, min_lng, max_lat, max_lng) of a geohash cell."""
    geohash = geohash.lower()
    _check_precision(len(geohash))
    if any(ch not in _DECODE for ch in geohash):
        raise ValueError(f"not a geohash: {geohash!r}")
    lat_index, lng_index = _indices(geohash)
    lat_bits, lng_bits = _bits(len(geohash))
    height, width = 180.0 / (1 << lat_bits), 360.0 / (1 << lng_bits)
    min_lat, min_lng = -90.0 + lat_index * height, -180.0 + lng_index * width
    return min_lat, min_lng, min_lat + height, min_lng + width


# --- covering a circle ---------------------------------------------------------------


def _bounding_box(
    lat: float, lng: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """(min_lat, max_lat, longitude ranges) enclosing the (slightly widened) circle. The
    latitude extremes lie on the centre's meridian; the longitude half-width is
    asin(sin(r/R) / cos(lat)) unless the circle contains a pole, when every longitude is
    in. A range crossing ±180 is split in two."""
    delta = radius_km / EARTH_RADIUS_KM + _PAD_RADIANS
    delta_deg = math.degrees(delta)
    min_lat, max_lat = lat - delta_deg, lat + delta_deg
    if max_lat >= 90.0 or min_lat <= -90.0 or delta >= math.pi / 2:
        return max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)]
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return min_lat, max_lat, [(-180.0, 180.0)]
    half_width = math.degrees(math.asin(ratio))
    west, east = lng - half_width, lng + half_width
    if west < -180.0:
        return min_lat, max_lat, [(west + 360.0, 180.0), (-180.0, east)]
    if east > 180.0:
        return min_lat, max_lat, [(west, 180.0), (-180.0, east - 360.0)]
    return min_lat, max_lat, [(west, east)]


def _longitude_gap(lng: float, west: float, east: float) -> float:
    """How far (degrees, 0-180) `lng` is from the longitude range [west, east] going round
    the nearer way; 0 when it lies within."""
    if west <= lng <= east:
        return 0.0
    return min((west - lng) % 360.0, (lng - east) % 360.0)


def min_distance_km(lat: float, lng: float, bounds: tuple[float, float, float, float]) -> float:
    """The great-circle distance from a point to the nearest point of a lat/lng rectangle.

    - The point's longitude is within the rectangle's: the nearest point is on the same
      meridian, so the distance is the latitude gap (0 inside).
    - Otherwise the nearest point lies on the rectangle's meridian edge nearer in longitude
      (at any fixed latitude, distance grows with the longitude gap, so the parallel edges
      and the far edge are never nearer). Along a meridian at longitude gap Δλ the distance
      d to the point satisfies cos d = sin φ sin φ' + cos φ cos φ' cos Δλ =
      k · cos(φ' - θ) with θ = atan2(sin φ, cos φ cos Δλ), so it is least at φ' = θ (the foot
      of the perpendicular) when θ lies on the edge, else at one of the edge's ends.
    """
    min_lat, min_lng, max_lat, max_lng = bounds
    if _longitude_gap(lng, min_lng, max_lng) == 0.0:
        if min_lat <= lat <= max_lat:
            return 0.0
        gap = min_lat - lat if lat < min_lat else lat - max_lat
        return EARTH_RADIUS_KM * math.radians(gap)
    to_west = _longitude_gap(lng, min_lng, min_lng)
    to_east = _longitude_gap(lng, max_lng, max_lng)
    edge = min_lng if to_west <= to_east else max_lng
    gap = min(to_west, to_east)
    candidates = [min_lat, max_lat]
    phi = math.radians(lat)
    foot = math.degrees(math.atan2(math.sin(phi), math.cos(phi) * math.cos(math.radians(gap))))
    if min_lat < foot < max_lat:
        candidates.append(foot)
    return min(haversine_km(lat, lng, edge_lat, edge) for edge_lat in candidates)


def _cells(lat: float, lng: float, radius_km: float, precision: int) -> Iterator[str]:
    """Every cell of the bounding box whose nearest point is within the radius."""
    lat_bits, lng_bits = _bits(precision)
    min_lat, max_lat, ranges = _bounding_box(lat, lng, radius_km)
    height, width = 180.0 / (1 << lat_bits), 360.0 / (1 << lng_bits)
    first_row = _index(min_lat, -90.0, 90.0, lat_bits)
    last_row = _index(max_lat, -90.0, 90.0, lat_bits)
    columns: dict[int, None] = {}  # ordered and without repeats
    for west, east in ranges:
        first = _index(west, -180.0, 180.0, lng_bits)
        last = _index(east, -180.0, 180.0, lng_bits)
        columns.update(dict.fromkeys(range(first, last + 1)))
    for row in range(first_row, last_row + 1):
        row_lat = -90.0 + row * height
        for column in columns:
            col_lng = -180.0 + column * width
            bounds = (row_lat, col_lng, row_lat + height, col_lng + width)
            if min_distance_km(lat, lng, bounds) <= radius_km + _PRUNE_TOLERANCE_KM:
                yield _hash(row, column, precision)


def _check_circle(lat: float, lng: float, radius_km: float) -> None:
    _check_point(lat, lng)
    if not radius_km >= 0.0 or math.isinf(radius_km):
        raise ValueError("radius_km must be a finite number >= 0")


def covering_cells(lat: float, lng: float, radius_km: float, precision: int) -> set[str]:
    """Every geohash cell of this precision that has a point within `radius_km` of (lat,
    lng). Cells are enumerated over the circle's bounding box, then a cell is kept only when
    its nearest point (`min_distance_km`) is within the radius, so the corners of the box
    do not count. The work grows with the number of cells: keep radius and precision
    sensible (`cells_for_query` does)."""
    _check_circle(lat, lng, radius_km)
    _check_precision(precision)
    return set(_cells(lat, lng, radius_km, precision))


def _covering_at_most(
    lat: float, lng: float, radius_km: float, precision: int, limit: int
) -> set[str] | None:
    found: set[str] = set()
    for cell in _cells(lat, lng, radius_km, precision):
        found.add(cell)
        if len(found) > limit:
            return None
    return found


def _box_cells_bound(lat: float, radius_km: float, precision: int) -> int:
    """At most how many cells the bounding box of a circle centred at latitude `lat` spans,
    wherever it sits on the grid: a span of L over cells of size s touches at most
    floor(L/s) + 2 of them."""
    lat_bits, lng_bits = _bits(precision)
    height, width = 180.0 / (1 << lat_bits), 360.0 / (1 << lng_bits)
    min_lat, max_lat, ranges = _bounding_box(lat, 0.0, radius_km)
    rows = min(1 << lat_bits, math.floor((max_lat - min_lat) / height + 1e-9) + 2)
    span = sum(east - west for west, east in ranges)
    columns = min(1 << lng_bits, math.floor(span / width + 1e-9) + 2)
    return rows * columns


def choose_precision(
    radius_km: float,
    max_cells: int = MAX_CELLS,
    lat: float = 0.0,
    precisions: Iterable[int] = PRECISIONS,
) -> int:
    """The finest of `precisions` at which a circle of this radius centred at latitude `lat`
    (the equator unless given) can never need more than `max_cells` cells, however it sits
    on the grid; the coarsest when none can. Needs no centre longitude, so it is a
    conservative estimate: `cells_for_query` counts the real covering and may go finer."""
    _check_circle(lat, 0.0, radius_km)
    ordered = sorted(set(precisions))
    chosen = ordered[0]
    for precision in ordered:
        _check_precision(precision)
        if _box_cells_bound(lat, radius_km, precision) > max_cells:
            break
        chosen = precision
    return chosen


def cells_for_query(
    lat: float,
    lng: float,
    radius_km: float,
    max_cells: int = MAX_CELLS,
    precisions: Iterable[int] = PRECISIONS,
) -> tuple[int, set[str]]:
    """(precision, cells): the finest of `precisions` whose covering of the circle has at
    most `max_cells` cells, or the coarsest precision's covering when none is that small.
    A finer precision never needs fewer cells (each covering cell's parent covers too), so
    the search stops at the first precision that needs too many."""
    _check_circle(lat, lng, radius_km)
    ordered = sorted(set(precisions))
    if not ordered:
        raise ValueError("no precisions to choose from")
    for precision in ordered:
        _check_precision(precision)
    best: tuple[int, set[str]] | None = None
    for precision in ordered:
        cells = _covering_at_most(lat, lng, radius_km, precision, max_cells)
        if cells is None:
            break
        best = (precision, cells)
    if best is None:
        coarsest = ordered[0]
        return coarsest, covering_cells(lat, lng, radius_km, coarsest)
    return best
