"""Whole-object edits under an explicit revision: the write lands only if nobody changed the
item since it was read, and bumps the revision (see docs/data-model.md on `revision`)."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes


def _revision_actions(model: type[Model], attributes: dict[str, Any]) -> list[Any]:
    actions: list[Any] = []
    for name, value in attributes.items():
        attribute = getattr(model, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    actions.append(model.revision.add(1))  # type: ignore[attr-defined]
    return actions


def update_at_revision(item: Model, attributes: dict[str, Any], revision: int, what: str) -> None:
    """SET each attribute (REMOVE it when None) on `item`, whose class has a `revision`
    attribute; on success `item` holds the new values (pynamodb reads back ALL_NEW)."""
    model = type(item)
    actions = _revision_actions(model, attributes)
    with conflict_on_condition_failure(f"the {what} changed meanwhile; reload and retry"):
        item.update(actions=actions, condition=model.revision == revision)  # type: ignore[attr-defined]


def update_at_revision_in(
    writes: Writes, item: Model, attributes: dict[str, Any], revision: int, what: str
) -> None:
    """The same edit as one action of the caller's transaction (which reads nothing back)."""
    model = type(item)
    actions = _revision_actions(model, attributes)
    condition = model.revision == revision  # type: ignore[attr-defined]
    writes.add(
        (item.pk, item.sk),  # type: ignore[attr-defined]
        what,
        lambda transaction: transaction.update(item, actions=actions, condition=condition),
    )
