"""areeba: card payments through areeba's IXOPAY-based gateway (API v3). The payer is
redirected to the gateway's hosted page; requests and callbacks are signed with the
connector's shared secret when one is configured."""
