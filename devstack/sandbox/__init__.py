"""The sandbox: the local dev issuer, the /dev levers and (later) each payment provider's
simulated API, all on one loopback port."""
