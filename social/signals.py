"""Signals `social` sends for other apps (feedback) to act on, without importing them."""

from django.dispatch import Signal

# Inbound messages were saved (kwargs: message_ids, a list of SocialMessage ids). Sent on
# commit, once per processed batch: a receiver must not slow intake (enqueue, don't compute).
inbound_messages_stored = Signal()

# The outbox put an outbound message on its platform (kwargs: message_id). Sent once it is
# recorded sent, outside any transaction; a receiver that misses it (a crash) must have a
# sweep of its own.
outbound_message_sent = Signal()

# One of the desk's own outbound messages was edited or deleted at the platform (kwargs:
# message_id, action "edit" or "delete", text, at). The desk's words are kept as sent; a
# receiver that keeps records adds one. Sent on commit.
outbound_changed_at_source = Signal()

# Somebody replied on an incident that is resolved or closed (kwargs: incident, channel, text).
# Sent inside the intake batch's transaction, before the reopen rules apply. A receiver that
# returns a non-empty reason takes the reply (feedback: an answer to a satisfaction survey):
# it is recorded on the incident with that reason, and neither reopens nor follows it up.
reply_on_resolved_incident = Signal()

# The state reason of a reply that reopened its resolved incident (the reopen rules allowed it):
# a receiver may still read it afterwards (feedback: "1, it's broken again" is also a rating).
REOPENED_REASON = "Reopened {number}."

# The intake batch is about to write its acknowledgements (kwargs: incidents, the incidents they
# acknowledge, in order). A receiver returns {index: (note, link)}: public words to add to that
# acknowledgement, with a link to read more (status: the public text of a known error marked for
# acknowledgements that the incident matches). Sent once per batch, inside its transaction: a
# receiver reads, it does not write, and it costs nothing when it has nothing to add.
acknowledgement_notes_wanted = Signal()
