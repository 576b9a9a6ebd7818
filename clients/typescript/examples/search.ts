// Search for talent near a point, available on a day, cheapest first; then page on.
import { unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function findDjs(api: ApiClient, day: string): Promise<Schemas["TalentCard"][]> {
  const found: Schemas["TalentCard"][] = [];
  let cursor: string | null = null;
  do {
    const page: Schemas["SearchResults"] = unwrap(
      await api.GET("/v1/search/talent", {
        params: {
          query: {
            category: "music.dj",
            lat: 36.19,
            lng: 44.01,
            radius_km: 25,
            date: day,
            sort: "price_asc",
            limit: 20,
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    );
    found.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && found.length < 60);
  return found;
}

export async function servicesOf(api: ApiClient, talentId: string): Promise<Schemas["ServiceOut"][]> {
  const page = unwrap(
    await api.GET("/v1/talent/{talent_id}/services", { params: { path: { talent_id: talentId } } }),
  );
  return page.items;
}
