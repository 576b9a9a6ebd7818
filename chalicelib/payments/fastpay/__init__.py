"""FastPay (Iraq, IQD): a hosted checkout identified by our own order id, store credentials in
every JSON body, errors reported in the body's `code` under HTTP 200, and an unsigned IPN on
success only (failures and cancels are found by re-validating)."""
