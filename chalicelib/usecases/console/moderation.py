"""The moderation queue: open reports oldest first, and the admin's decision on each.

`dismiss` leaves the target alone; `hide` takes it away from everyone but its author
(marked `hidden: true`) and admins, a talent also from search; `suspend_user` suspends
whoever owns the target (the user itself for a user report); `restore` puts hidden content
back (an upheld appeal: appeals come back to the queue as reports with reason `appeal`).
The report's move out of `open`, the change to the target and the audit entries are one
transaction, so a decision is taken once."""

from __future__ import annotations

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import audit, moderated, reports, search_index
from chalicelib.models import user as users
from chalicelib.models.writes import Writes
from chalicelib.usecases.console import users as user_admin

DISMISS, HIDE, SUSPEND_USER, RESTORE = "dismiss", "hide", "suspend_user", "restore"


def queue(state: str, limit: int, cursor: str | None) -> tuple[list[reports.Report], str | None]:
    return reports.list_by_state(state, limit, cursor)


def _require_open(report_id: str) -> reports.Report:
    report = reports.get(report_id) if ids.is_valid_id(report_id) else None
    if report is None:
        raise NotFoundError("report not found")
    if report.state != reports.OPEN:
        raise ConflictError(f"the report was already decided ({report.decision})")
    return report


def _content_change(
    writes: Writes, actor: Principal, target: moderated.Target, hidden: bool, note: str
) -> None:
    """Hide or restore, with its own audit entry on the content (found by `target=`)."""
    moderated.set_hidden_in(writes, target, hidden, clock.now())
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="content.hide" if hidden else "content.restore",
        target_type=target.type,
        target_id=target.id,
        before={"hidden": target.hidden},
        after={"hidden": hidden},
        reason=note,
    )


def decide(actor: Principal, report_id: str, action: str, note: str) -> reports.Report:
    report = _require_open(report_id)
    target = moderated.load(report.target_type, report.target_id)
    writes = Writes()
    decided = reports.decide_in(
        writes, report, action=action, note=note, actor_id=actor.user_id, at=clock.now()
    )
    suspended: users.User | None = None
    if action == HIDE and not target.hidden:  # already hidden (an earlier report): no change
        _content_change(writes, actor, target, True, note)
    elif action == RESTORE:
        if not target.hidden:
            raise ConflictError(f"the {target.type} is not hidden")
        _content_change(writes, actor, target, False, note)
    elif action == SUSPEND_USER:
        owner = users.get_by_id(target.owner_user_id)
        if owner.status != users.SUSPENDED:
            user_admin.suspend_in(writes, actor, owner, note)
            suspended = owner
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="report.decide",
        target_type="report",
        target_id=report.id,
        before={"state": reports.OPEN},
        after={
            "state": reports.DECIDED,
            "action": action,
            "target": {"type": target.type, "id": target.id},
        },
        reason=note,
    )
    writes.commit("the report or its target changed meanwhile; reload and retry")
    if suspended is not None:
        user_admin.after_suspension(suspended)
    elif target.type == "talent" and action in (HIDE, RESTORE):
        search_index.refresh(target.id)
    return decided
