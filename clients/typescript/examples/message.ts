// Ask a talent a question, read the thread, mark it read.
import { unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function ask(
  customer: ApiClient,
  talentId: string,
  body: string,
): Promise<Schemas["ThreadOut"]> {
  return unwrap(
    await customer.POST("/v1/threads", { body: { about: { type: "talent", id: talentId }, body } }),
  );
}

export async function reply(api: ApiClient, threadId: string, body: string): Promise<Schemas["MessageOut"]> {
  return unwrap(
    await api.POST("/v1/threads/{thread_id}/messages", {
      params: { path: { thread_id: threadId } },
      body: { body, attachments: [] },
    }),
  );
}

export async function readAll(api: ApiClient, threadId: string): Promise<number> {
  const page = unwrap(
    await api.GET("/v1/threads/{thread_id}/messages", {
      params: { path: { thread_id: threadId }, query: { limit: 50 } },
    }),
  );
  const newest = page.items[0];
  if (newest) {
    const thread = unwrap(
      await api.POST("/v1/threads/{thread_id}/read", {
        params: { path: { thread_id: threadId } },
        body: { up_to: newest.id },
      }),
    );
    return thread.unread_count;
  }
  return 0;
}
