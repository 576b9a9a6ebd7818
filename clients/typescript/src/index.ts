/**
 * A thin typed client: openapi-fetch over the types openapi-typescript generates from
 * /v1/openapi.json (`make client`). Every path, parameter, body and answer is checked by
 * tsc; nothing here is written by hand but the bearer token and the Idempotency-Key.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
/** Every published model by its component name: `Schemas["BookingCreate"]`. */
export type Schemas = components["schemas"];
export type ApiClient = Client<paths>;
/** The error envelope every 4xx/5xx carries: `{error: {code, message, details}}`. */
export type ApiError = Schemas["ErrorEnvelope"];

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8000` locally (`make run`) */
  baseUrl: string;
  /** A bearer JWT, or a function that returns a fresh one before each call. */
  token?: string | (() => string | Promise<string>);
  fetch?: typeof globalThis.fetch;
}

export function createApiClient(options: ClientOptions): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  if (token !== undefined) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        const value = typeof token === "function" ? await token() : token;
        request.headers.set("Authorization", `Bearer ${value}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}

/** A new Idempotency-Key: send it with a POST/PUT/PATCH/DELETE and again on each retry. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** The answer's data, or an Error carrying the envelope's code and message. */
export function unwrap<T>(
  result: { data?: T; error?: unknown; response: Response },
): T {
  if (result.data !== undefined) {
    return result.data;
  }
  const envelope = result.error as ApiError | undefined;
  const code = envelope?.error.code ?? `HTTP_${result.response.status}`;
  throw new Error(`${code}: ${envelope?.error.message ?? result.response.statusText}`);
}
