"""The people emails, registered with the outbox."""
