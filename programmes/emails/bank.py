"""The bank emails, registered with the outbox."""
