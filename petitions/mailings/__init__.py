"""Emailing a campaign update to the signers who opted in: planning, sending, unsubscribing."""
