// Book a service, then follow the booking through its process (the talent accepts).
import { idempotencyKey, unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function requestBooking(
  customer: ApiClient,
  serviceId: string,
  start: string,
): Promise<Schemas["SubjectOut"]> {
  const request: Schemas["BookingCreate"] = {
    service_id: serviceId,
    package_tier: "basic",
    start,
    location: { address: "Empire Wedding Hall", city: "Erbil", lat: 36.19, lng: 44.01 },
    event_type: "wedding",
    guest_count: 250,
  };
  return unwrap(
    await customer.POST("/v1/bookings", {
      body: request,
      params: { header: { "Idempotency-Key": idempotencyKey() } },
    }),
  );
}

export async function accept(talent: ApiClient, bookingId: string): Promise<string> {
  const booking = unwrap(
    await talent.POST("/v1/bookings/{subject_id}/transitions/{name}", {
      params: { path: { subject_id: bookingId, name: "accept" } },
      body: {},
    }),
  );
  return booking.state;
}

export async function quote(talent: ApiClient, bookingId: string, amount: number): Promise<void> {
  unwrap(
    await talent.POST("/v1/bookings/{subject_id}/transitions/{name}", {
      params: { path: { subject_id: bookingId, name: "quote" } },
      body: { price: { amount, currency: "IQD" }, note: "Includes the LED finale" },
    }),
  );
}
