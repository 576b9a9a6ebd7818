"""Conversations: threads, messages, read receipts, attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.media import MediaOut
from chalicelib.schemas.threads import (
    AboutOut,
    MessageCreate,
    MessageList,
    MessageOut,
    ReadReceipt,
    ThreadCreate,
    ThreadList,
    ThreadOut,
    message_out,
)
from chalicelib.web.router import Api, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.handlers import media as media_handlers
    from chalicelib.models.thread_items import Message, Thread
    from chalicelib.usecases.conversations import sending
    from chalicelib.usecases.conversations import threads as conversations
else:
    conversations = lazy_import("chalicelib.usecases.conversations.threads")
    sending = lazy_import("chalicelib.usecases.conversations.sending")
    media_handlers = lazy_import("chalicelib.handlers.media")

api = Api(__name__, tag="conversations")


def serialize_thread(thread: Thread, viewer_id: str) -> ThreadOut:
    last = thread.last_message
    if last and last.get("hidden") and last.get("sender_id") != viewer_id:
        last = None  # hidden by moderation: only its sender still sees it
    return ThreadOut(
        id=thread.id,
        about=AboutOut(type=thread.about_type, id=thread.about_id),
        participants=list(thread.participants),
        last_message=message_out(last) if last else None,
        unread_count=thread.unread.get(viewer_id, 0),
        read_up_to=dict(thread.read_up_to),
        created_at=clock.to_rfc3339(thread.created_at),
        updated_at=clock.to_rfc3339(thread.last_activity),
    )


def serialize_message(message: Message) -> MessageOut:
    return message_out(message.to_json())


@api.post(
    "/v1/threads",
    operation_id="createThread",
    summary="Open a thread (201), or add to the existing one between the same two people (200)",
    body=ThreadCreate,
    response=ThreadOut,
    status=201,
    also=(200,),
    errors=(400, 403, 404, 429),
)
def open_thread(ctx: RequestContext) -> Reply:
    body: ThreadCreate = ctx.body
    draft = sending.Draft(body.body, tuple(body.attachments))
    sent = conversations.open_thread(ctx.principal, body.about.type, body.about.id, draft)
    return Reply(
        serialize_thread(sent.thread, ctx.principal.user_id), status=201 if sent.created else 200
    )


@api.get(
    "/v1/threads",
    operation_id="listThreads",
    summary="My threads, latest activity first",
    query=PageQuery,
    response=ThreadList,
)
def list_threads(ctx: RequestContext) -> ThreadList:
    query: PageQuery = ctx.query
    threads, cursor = conversations.mine(ctx.principal, query.limit, query.cursor)
    me = ctx.principal.user_id
    return ThreadList(items=[serialize_thread(t, me) for t in threads], next_cursor=cursor)


@api.get(
    "/v1/threads/{thread_id}",
    operation_id="getThread",
    summary="A thread",
    response=ThreadOut,
    errors=(404,),
)
def get_thread(ctx: RequestContext, thread_id: str) -> ThreadOut:
    return serialize_thread(conversations.get(ctx.principal, thread_id), ctx.principal.user_id)


@api.post(
    "/v1/threads/{thread_id}/messages",
    operation_id="sendMessage",
    summary="Send a message",
    body=MessageCreate,
    response=MessageOut,
    status=201,
    errors=(400, 403, 404, 429),
)
def send_message(ctx: RequestContext, thread_id: str) -> MessageOut:
    body: MessageCreate = ctx.body
    draft = sending.Draft(body.body, tuple(body.attachments))
    return serialize_message(conversations.post(ctx.principal, thread_id, draft).message)


@api.get(
    "/v1/threads/{thread_id}/messages",
    operation_id="listMessages",
    summary="Messages, newest first; the cursor pages back in time",
    query=PageQuery,
    response=MessageList,
    errors=(404,),
)
def list_messages(ctx: RequestContext, thread_id: str) -> MessageList:
    query: PageQuery = ctx.query
    found, cursor = conversations.messages(ctx.principal, thread_id, query.limit, query.cursor)
    return MessageList(items=[serialize_message(m) for m in found], next_cursor=cursor)


@api.post(
    "/v1/threads/{thread_id}/read",
    operation_id="markThreadRead",
    summary="Move my read mark forward (never back) and zero my unread count",
    body=ReadReceipt,
    response=ThreadOut,
    errors=(400, 404),
)
def mark_read(ctx: RequestContext, thread_id: str) -> ThreadOut:
    body: ReadReceipt = ctx.body
    thread = conversations.mark_read(ctx.principal, thread_id, body.up_to)
    return serialize_thread(thread, ctx.principal.user_id)


@api.get(
    "/v1/threads/{thread_id}/attachments/{media_id}",
    operation_id="getThreadAttachment",
    summary="An attachment of the thread, with a short-lived download link (participants only)",
    response=MediaOut,
    errors=(404,),
)
def get_attachment(ctx: RequestContext, thread_id: str, media_id: str) -> MediaOut:
    return media_handlers.serialize(conversations.attachment(ctx.principal, thread_id, media_id))
