// Sign in with a token: any RS256 JWT the API trusts. Locally the sandbox issues one
// (`POST http://127.0.0.1:8010/dev/token {"email": ...}`); the first call provisions the user.
import { createApiClient, unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function localToken(email: string): Promise<string> {
  const answer = await fetch("http://127.0.0.1:8010/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const { token } = (await answer.json()) as { token: string };
  return token;
}

export async function signIn(email: string): Promise<{ api: ApiClient; me: Schemas["MeOut"] }> {
  const token = await localToken(email);
  const api = createApiClient({ baseUrl: "http://127.0.0.1:8000", token });
  const me = unwrap(await api.GET("/v1/me"));
  return { api, me };
}

export async function setLocale(api: ApiClient, locale: "en" | "ar" | "ckb"): Promise<string> {
  const me = unwrap(await api.PATCH("/v1/me", { body: { locale } }));
  return me.locale;
}
