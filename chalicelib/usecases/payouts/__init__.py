"""Payouts: paying a talent what the ledger says it is owed, through
`talent:<id>:available -> payouts_in_transit:<id> -> provider:<name>`.

One module per concern: `methods` (where a talent is paid; Stripe onboarding),
`scheduling` (a release's timer and the `payout.requested` message), `processing` (the
state machine below), `entries` (its ledger entries), `admin` (settling by hand and the
manual batch's CSV) and `views` (what the API shows).

How a payout goes:

1. A release of escrow calls `scheduling.schedule_payout_in` inside its own transaction:
   a timer (`payouts.due`, id `payout-<release entry>`) due after PAYOUT_HOLD_HOURS
   (default 0). The sweep fires it: a `payout.requested` message goes to the payouts queue
   and the timer is consumed. (`scheduling.request_payout` sends the same message at once.)
2. The processor records the payout (its id is deterministic per release, the item is
   written only if absent) in ONE transaction with the ledger entry `available ->
   in_transit`. A redelivered message finds the payout and does nothing twice.
   - If the available balance does not cover it (the ledger's non-negative condition
     refuses the entry), the payout is recorded `skipped` and nothing moves. This is
     final and deliberate: the money it would have paid is not there (an earlier payout
     already took it, or it was taken back), and whatever is left stays available, to go
     with the talent's next payout or one an admin requests. Retrying would not make the
     balance appear, and paying part would pay a release twice once the rest came back.
   - Without a method, with the `manual` method, or when the method's provider cannot pay
     the currency, the payout joins the open manual batch: `manual_pending` (CSV for an
     admin, who marks each one paid).
   - Otherwise it is `in_transit`, then claimed (`sending`) and sent through the driver:
     Stripe transfers to the connected account, FIB pays the IBAN.
3. The provider's answer: paid -> `in_transit -> provider:<name>` and `paid`; failed ->
   the reverse entry back to available and `failed`; pending (FIB: payouts have no
   callback) -> `provider_pending`, with a `payouts.check` timer that polls
   `payout_status` until it is paid or failed.
   A provider error that is retryable (nothing was done, or the call is safe to repeat)
   puts the payout back to `in_transit` and fails the message, which is retried. A clear
   refusal (HTTP 4xx, or refused before any request) fails the payout. Anything else may
   have moved money (a timeout on a call FIB cannot deduplicate): the payout becomes
   `unconfirmed`, the money stays in transit, and an admin settles it as paid or failed.

Every state change is conditional on the state it leaves, in the transaction of its
ledger entry (whose id is deterministic per payout and step): each happens once."""
