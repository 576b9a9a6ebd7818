"""First Iraqi Bank (FIB) online-shop payments: IQD only, paid in the FIB apps by QR code or
deep link, OAuth2 client-credentials tokens, unsigned status callbacks, IBAN payouts."""
