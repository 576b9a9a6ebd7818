// Pay for an accepted booking: pick a provider that takes the currency, then act on `action`.
import { idempotencyKey, unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function payBooking(
  customer: ApiClient,
  bookingId: string,
  currency: Schemas["Money"]["currency"],
): Promise<Schemas["PaymentOut"]> {
  const providers = unwrap(await customer.GET("/v1/payments/providers")).items;
  const provider = providers.find((p) => p.currencies.includes(currency));
  if (!provider) {
    throw new Error(`no provider takes ${currency}`);
  }
  const payment = unwrap(
    await customer.POST("/v1/payments", {
      body: {
        subject: { type: "booking", id: bookingId },
        provider: provider.name,
        return_url: "https://app.example.com/bookings/" + bookingId,
      },
      params: { header: { "Idempotency-Key": idempotencyKey() } },
    }),
  );
  const action = payment.action;
  if (action?.type === "redirect" && action.url) {
    console.log(`open ${action.url}`);
  } else if (action?.type === "qr" && action.qr_code) {
    console.log("show the QR code", action.qr_code.slice(0, 32));
  }
  return payment;
}

export async function paymentState(api: ApiClient, paymentId: string): Promise<string> {
  const payment = unwrap(
    await api.GET("/v1/payments/{payment_id}", { params: { path: { payment_id: paymentId } } }),
  );
  return payment.state;
}
