// Review a completed booking (blind until both parties reviewed or 14 days passed).
import { idempotencyKey, unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function reviewBooking(customer: ApiClient, bookingId: string): Promise<Schemas["ReviewOut"]> {
  return unwrap(
    await customer.POST("/v1/reviews", {
      body: {
        subject: { type: "booking", id: bookingId },
        rating: 5,
        sub_ratings: { communication: 5, quality: 5, value: 4, punctuality: 5 },
        comment: "Wonderful show, on time, the guests loved the LED finale.",
      },
      params: { header: { "Idempotency-Key": idempotencyKey() } },
    }),
  );
}

export async function talentRating(api: ApiClient, talentId: string): Promise<number | null | undefined> {
  const page = unwrap(
    await api.GET("/v1/talent/{talent_id}/reviews", { params: { path: { talent_id: talentId } } }),
  );
  return page.rating_avg;
}
