// Dispute a paid booking: the customer opens it through the booking's `dispute` transition and
// adds evidence, the talent offers a partial refund, the customer accepts (resolved by agreement).
import { idempotencyKey, unwrap, type ApiClient, type Schemas } from "../src/index.ts";

export async function openDispute(customer: ApiClient, bookingId: string): Promise<string> {
  const booking = unwrap(
    await customer.POST("/v1/bookings/{subject_id}/transitions/{name}", {
      params: {
        path: { subject_id: bookingId, name: "dispute" },
        header: { "Idempotency-Key": idempotencyKey() },
      },
      body: {
        category: "not_as_described",
        reason: "The show was 12 minutes, not the 20 minutes booked, and started 40 minutes late.",
      },
    }),
  );
  if (!booking.dispute_id) {
    throw new Error(`booking ${bookingId} is ${booking.state}, without a dispute`);
  }
  return booking.dispute_id;
}

export async function addEvidence(
  customer: ApiClient,
  disputeId: string,
  videoMediaId: string,
  lateMessageId: string,
): Promise<Schemas["DisputeOut"]> {
  const evidence: Schemas["EvidenceCreate"] = {
    note: "The show started 40 minutes late and lasted 12 minutes, not 20.",
    media_ids: [videoMediaId],
    message_ids: [lateMessageId],
  };
  return unwrap(
    await customer.POST("/v1/disputes/{dispute_id}/evidence", {
      params: { path: { dispute_id: disputeId }, header: { "Idempotency-Key": idempotencyKey() } },
      body: evidence,
    }),
  );
}

/** The talent offers back part of the money in dispute (minor units, the dispute's currency). */
export async function offerRefund(
  talent: ApiClient,
  disputeId: string,
  amount: number,
): Promise<Schemas["OfferOut"]> {
  const { currency } = (await read(talent, disputeId)).amount_in_dispute;
  const dispute = unwrap(
    await talent.POST("/v1/disputes/{dispute_id}/offers", {
      params: { path: { dispute_id: disputeId }, header: { "Idempotency-Key": idempotencyKey() } },
      body: { refund_amount: { amount, currency } },
    }),
  );
  // Offers are oldest first: the newest open one is the one just made.
  const open = dispute.offers.filter((offer) => offer.state === "open").at(-1);
  if (open === undefined) {
    throw new Error(`dispute ${disputeId} has no open offer`);
  }
  return open;
}

/** The customer accepts the talent's offer: the refund goes back, the rest to the talent. */
export async function acceptOffer(
  customer: ApiClient,
  disputeId: string,
  offerId: string,
): Promise<Schemas["OutcomeOut"] | null | undefined> {
  const dispute = unwrap(
    await customer.POST("/v1/disputes/{dispute_id}/offers/{offer_id}/accept", {
      params: {
        path: { dispute_id: disputeId, offer_id: offerId },
        header: { "Idempotency-Key": idempotencyKey() },
      },
    }),
  );
  return dispute.outcome;
}

async function read(api: ApiClient, disputeId: string): Promise<Schemas["DisputeOut"]> {
  return unwrap(
    await api.GET("/v1/disputes/{dispute_id}", { params: { path: { dispute_id: disputeId } } }),
  );
}

/** The whole flow: open, evidence, a 100,000 IQD offer, accepted. */
export async function settleByAgreement(
  customer: ApiClient,
  talent: ApiClient,
  bookingId: string,
  videoMediaId: string,
  lateMessageId: string,
): Promise<Schemas["OutcomeOut"] | null | undefined> {
  const disputeId = await openDispute(customer, bookingId);
  await addEvidence(customer, disputeId, videoMediaId, lateMessageId);
  const offer = await offerRefund(talent, disputeId, 100000);
  return acceptOffer(customer, disputeId, offer.id);
}
