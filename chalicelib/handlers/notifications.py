"""/v1/notifications: the caller's in-app notification center."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.notifications import (
    LinkOut,
    MarkRead,
    MarkReadOut,
    NotificationList,
    NotificationOut,
    NotificationQuery,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import notification_items
else:
    notification_items = lazy_import("chalicelib.models.notification_items")

api = Api(__name__, tag="notifications")


def serialize(notification: notification_items.Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.id,
        type=notification.type,
        title=notification.title,
        body=notification.body,
        link=LinkOut(type=notification.link_type, id=notification.link_id),
        created_at=clock.to_rfc3339(notification.created_at),
        read_at=clock.to_rfc3339(notification.read_at) if notification.read_at else None,
    )


@api.get(
    "/v1/notifications",
    operation_id="listNotifications",
    summary="My notifications, newest first (?unread=true: only unread ones)",
    query=NotificationQuery,
    response=NotificationList,
)
def list_notifications(ctx: RequestContext) -> NotificationList:
    query: NotificationQuery = ctx.query
    user_id = ctx.principal.user_id
    found, cursor = notification_items.list_for(
        user_id, unread_only=query.unread, limit=query.limit, cursor=query.cursor
    )
    return NotificationList(
        items=[serialize(n) for n in found],
        next_cursor=cursor,
        unread_count=notification_items.unread_count(user_id),
    )


@api.post(
    "/v1/notifications/read",
    operation_id="markNotificationsRead",
    summary="Mark my notifications read: {ids: [...]} or {all: true}",
    body=MarkRead,
    response=MarkReadOut,
    errors=(400,),
)
def mark_read(ctx: RequestContext) -> MarkReadOut:
    body: MarkRead = ctx.body
    user_id = ctx.principal.user_id
    marked = notification_items.mark_read(user_id, None if body.all else list(body.ids or ()))
    return MarkReadOut(marked=marked, unread_count=notification_items.unread_count(user_id))
