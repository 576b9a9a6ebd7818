from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate
from pydantic import BaseModel, computed_field, create_model

import app  # noqa: F401 - registers every route
from chalicelib.schemas.common import ULID_PATTERN
from chalicelib.schemas.examples import EXAMPLES
from chalicelib.schemas.transactions import BookingCreate
from chalicelib.web.openapi import Mode, build, document, operation_id, published
from chalicelib.web.openapi_meta import describe_cursors
from chalicelib.web.router import ROUTES, RouteSpec


def test_document_is_valid_openapi_31() -> None:
    spec = document()
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_route_is_documented() -> None:
    paths = document()["paths"]
    for route in ROUTES:
        assert route.method.lower() in paths[route.path], route


def test_mutating_operations_document_idempotency_key() -> None:
    for path_item in document()["paths"].values():
        for method, operation in path_item.items():
            names = {p["name"] for p in operation["parameters"]}
            assert ("Idempotency-Key" in names) == (method in {"post", "put", "patch", "delete"})


# -- exact enough to generate clients from (issue #17) --------------------------------------

CAMEL_CASE = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")


def _label(spec: RouteSpec) -> str:
    return f"{spec.method} {spec.path}"


def test_every_route_declares_a_unique_camel_case_operation_id() -> None:
    undeclared = [_label(spec) for spec in ROUTES if not spec.operation_id]
    assert not undeclared, (
        f"these routes declare no operation_id=... next to the route: {undeclared}"
    )
    bad = [
        (_label(s), s.operation_id) for s in ROUTES if not CAMEL_CASE.match(s.operation_id or "")
    ]
    assert not bad, f"operationIds must be camelCase: {bad}"
    by_id: dict[str, list[str]] = {}
    for spec in ROUTES:
        by_id.setdefault(spec.operation_id or "", []).append(_label(spec))
    assert {k: v for k, v in by_id.items() if len(v) > 1} == {}
    published_ids = [
        op["operationId"] for item in document()["paths"].values() for op in item.values()
    ]
    assert sorted(published_ids) == sorted(spec.operation_id for spec in ROUTES)


def test_the_document_names_undeclared_routes_so_the_check_above_can_fail() -> None:
    spec = RouteSpec("GET", "/v1/x/{x_id}", "x", "public", "system")
    assert operation_id(spec) == "undeclared_get_v1_x_x_id"
    assert not CAMEL_CASE.match(operation_id(spec))


def _resolve(node: Any, defs: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """The schema with every $ref replaced by its target (a recursive one by a marker), and
    titles dropped: two schemas are the same shape whatever their components are called."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name in stack:
                return {"recursive": True}
            return _resolve(defs[name], defs, (*stack, name))
        return {k: _resolve(v, defs, stack) for k, v in node.items() if k != "title"}
    if isinstance(node, list):
        return [_resolve(item, defs, stack) for item in node]
    return node


def _published_shape(model: type[BaseModel], mode: Mode, built: Any) -> Any:
    components = built.document["components"]["schemas"]
    name = built.names[(model, mode)]
    return _resolve({"$ref": f"#/components/schemas/{name}"}, components)


def _own_shape(model: type[BaseModel], mode: Mode) -> Any:
    schema = model.model_json_schema(mode=mode)
    defs = schema.pop("$defs", {})
    describe_cursors({"": schema, **defs})  # the document's one addition
    return _resolve(schema, defs)


def test_every_body_and_response_publishes_its_own_schema_in_its_mode() -> None:
    """Request bodies in validation mode, responses in serialization mode, and what the
    document shows for each (through its component references) is the model's own schema:
    no other model's schema under a shared name."""
    built = published()
    checked = 0
    for spec in ROUTES:
        for model, mode in ((spec.body, "validation"), (spec.response, "serialization")):
            if model is None:
                continue
            shown = _published_shape(model, mode, built)  # type: ignore[arg-type]
            assert shown == _own_shape(model, mode), (_label(spec), model, mode)  # type: ignore[arg-type]
            checked += 1
            operation = built.document["paths"][spec.path][spec.method.lower()]
            if mode == "validation":
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            else:
                ref = operation["responses"][str(spec.status)]["content"]["application/json"][
                    "schema"
                ]["$ref"]
            assert ref.endswith("/" + built.names[(model, mode)]), (_label(spec), ref)
    assert checked > 100


def test_the_two_modes_differ_where_the_model_does() -> None:
    """A computed field is in the response schema only; a defaulted field is optional in a
    request. Publishing one mode for both would lose one or the other."""

    class Priced(BaseModel):
        amount: int
        note: str = ""

        @computed_field  # type: ignore[prop-decorator]
        @property
        def doubled(self) -> int:
            return self.amount * 2

    routes = [
        RouteSpec("POST", "/x", "x", "public", "system", body=Priced, operation_id="postX"),
        RouteSpec("GET", "/x", "x", "public", "system", response=Priced, operation_id="getX"),
    ]
    built = build(routes)
    request = _published_shape(Priced, "validation", built)
    response = _published_shape(Priced, "serialization", built)
    assert "doubled" not in request["properties"] and request["required"] == ["amount"]
    assert "doubled" in response["properties"]
    assert built.names[(Priced, "validation")] != built.names[(Priced, "serialization")]


def _two_locations() -> tuple[type[BaseModel], type[BaseModel]]:
    namespace: dict[str, Any] = {}
    exec(  # two classes of one name from two modules, as schemas/talent and bookings had
        "from pydantic import BaseModel\n"
        "class Location(BaseModel):\n    city: str\n    country: str\n",
        namespace,
    )
    talent_location = namespace["Location"]
    talent_location.__module__ = "chalicelib.schemas.talent_like"

    class Location(BaseModel):
        address: str | None = None
        city: str | None = None

    return talent_location, Location


def test_no_two_models_share_a_schema_name() -> None:
    talent_location, booking_location = _two_locations()
    talent_body = create_model("TalentBody", location=(talent_location, ...))
    booking_body = create_model("BookingBody", location=(booking_location, None))
    routes = [
        RouteSpec("POST", "/t", "t", "public", "system", body=talent_body, operation_id="t"),
        RouteSpec("POST", "/b", "b", "public", "system", body=booking_body, operation_id="b"),
    ]
    built = build(routes)
    location_names = [n for n in built.document["components"]["schemas"] if "Location" in n]
    assert len(location_names) == 2, location_names
    assert _published_shape(booking_body, "validation", built) == _own_shape(
        booking_body, "validation"
    )
    assert _published_shape(talent_body, "validation", built) == _own_shape(
        talent_body, "validation"
    )
    # And over the real app: one component per distinct model and mode.
    real = published()
    names = list(real.names.values())
    assert len(names) == len(set(names))


def test_booking_create_publishes_the_bookings_own_location() -> None:
    shape = _published_shape(BookingCreate, "validation", published())
    location = next(s for s in shape["properties"]["location"]["anyOf"] if "properties" in s)
    assert set(location["properties"]) == {"address", "city", "lat", "lng"}
    assert "required" not in location and location["additionalProperties"] is False


def test_every_tag_is_described() -> None:
    spec = document()
    described = {tag["name"]: tag["description"] for tag in spec["tags"]}
    used = {tag for item in spec["paths"].values() for op in item.values() for tag in op["tags"]}
    missing = sorted(tag for tag in used if not described.get(tag))
    assert not missing, f"describe these tags in chalicelib/web/openapi_meta.py TAGS: {missing}"


def test_ids_money_and_cursors_say_what_they_are() -> None:
    spec = document()
    schemas = spec["components"]["schemas"]
    money = schemas["Money"]
    assert money["properties"]["amount"]["type"] == "integer"
    assert money["properties"]["amount"]["minimum"] == 0
    assert money["properties"]["currency"]["enum"] == ["IQD", "USD", "EUR", "GBP"]
    assert schemas["MoneyIn"]["properties"]["amount"]["exclusiveMinimum"] == 0
    id_params = [
        (path, p)
        for path, item in spec["paths"].items()
        for op in item.values()
        for p in op["parameters"]
        if p["in"] == "path" and p["name"].endswith("_id")
    ]
    assert len(id_params) > 30
    ulids = [p for _, p in id_params if p["schema"].get("pattern") == ULID_PATTERN]
    assert len(ulids) > 25
    assert all(re.match(ULID_PATTERN, p["schema"]["examples"][0]) for p in ulids)
    assert schemas["BookingCreate"]["properties"]["service_id"]["pattern"] == ULID_PATTERN
    cursors = [
        s["properties"]["next_cursor"]
        for s in schemas.values()
        if "next_cursor" in s.get("properties", {})
    ]
    assert len(cursors) > 10
    assert all("opaque" in c["description"] for c in cursors)
    page = spec["paths"]["/v1/threads"]["get"]["parameters"]
    assert "opaque" in next(p for p in page if p["name"] == "cursor")["description"]


def _operations() -> list[tuple[RouteSpec, dict[str, Any]]]:
    paths = document()["paths"]
    return [(spec, paths[spec.path][spec.method.lower()]) for spec in ROUTES]


def test_every_request_body_has_an_example() -> None:
    missing = [
        f"{_label(spec)} ({op['operationId']})"
        for spec, op in _operations()
        if "requestBody" in op
        and "example" not in op["requestBody"]["content"]["application/json"]
        and not spec.path.startswith("/v1/payments/webhook")
    ]
    assert not missing, f"add a request example to chalicelib/schemas/examples.py: {missing}"


def test_every_example_validates_against_its_own_schema() -> None:
    """Against the published schema (what a client reads), and a request example also
    against the model that validates it (what the API does)."""
    spec = document()
    checked = 0
    for route, operation in _operations():
        media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in media:
            _assert_valid(spec, media["schema"], media["example"], operation["operationId"])
            assert route.body is not None
            route.body.model_validate(media["example"])
            checked += 1
        for answer in operation["responses"].values():
            media = answer.get("content", {}).get("application/json", {})
            if "example" in media:
                _assert_valid(spec, media["schema"], media["example"], operation["operationId"])
                checked += 1
    assert checked > 80
    known = {op["operationId"] for _, op in _operations()}
    assert set(EXAMPLES) <= known, set(EXAMPLES) - known


def _assert_valid(spec: dict[str, Any], schema: dict[str, Any], example: Any, where: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator({**schema, "components": spec["components"]})
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(example)]
    assert not errors, (where, errors)


def test_every_answer_has_an_example() -> None:
    # The document itself is its own example.
    missing = [
        f"{_label(spec)} ({op['operationId']})"
        for spec, op in _operations()
        if spec.response is not None
        and op["operationId"] != "getOpenApiDocument"
        and not any(
            "example" in answer.get("content", {}).get("application/json", {})
            for answer in op["responses"].values()
        )
    ]
    assert not missing, (
        "add a response example to chalicelib/schemas/examples.py (or record one into "
        f"answer_examples.json): {missing}"
    )


def test_the_dump_script_writes_the_served_document(tmp_path: Path) -> None:
    """`make client` generates the TypeScript types from this file, without a server."""
    import json
    import runpy

    target = tmp_path / "openapi.json"
    script = Path(__file__).resolve().parents[2] / "scripts" / "dump_openapi.py"
    module = runpy.run_path(str(script))
    module["main"](["dump_openapi.py", str(target)])
    assert json.loads(target.read_text()) == json.loads(json.dumps(document()))
    assert not target.with_suffix(".partial").exists()
