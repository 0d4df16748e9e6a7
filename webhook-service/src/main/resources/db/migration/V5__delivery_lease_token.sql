-- The lease a delivery is attempted under: a new token each time it is claimed (or created already leased to a
-- worker), cleared when the attempt's result is recorded. A result is recorded only while the delivery still holds
-- the token the attempt was sent under: the result of an attempt whose lease ran out, and whose delivery another
-- worker claimed meanwhile, is dropped instead of overwriting the newer lease's state.
ALTER TABLE webhook_deliveries ADD COLUMN lease_token UUID;
