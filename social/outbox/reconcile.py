"""An attempt that may have gone out: was the message posted?

A message found `sending` was interrupted after it was handed to the platform — a timeout, a
crash whose lease ran out. Before anything is posted again the platform decides:
- where a retried send cannot post twice (an idempotency key, a record key chosen before
  posting: `Capabilities.idempotent_send`), it is simply sent again;
- where the platform can be asked (`Capabilities.find_sent`), `find_sent` looks for it: found,
  it is recorded as sent; not there, it is sent; cannot tell, it fails;
- elsewhere it fails with the reason, and the agent checks the conversation and decides,
  rather than risk a second post.
Called holding the message's lease (`social.outbox.claim`), outside any transaction.
"""

from django.utils import timezone

from ..errors import SendError
from ..models import SocialAccount
from ..platforms import Platform
from .claim import Claim, backoff

CANNOT_TELL = (
    "An attempt was interrupted and the platform cannot tell whether it went out; "
    "check the conversation before retrying."
)


def reconcile(claim: Claim, *, account: SocialAccount, platform: Platform) -> str:
    """The message's state once settled ("" when it is to be sent now)."""
    if platform.capabilities.idempotent_send:
        return ""
    if not platform.capabilities.find_sent:
        return claim.fail(CANNOT_TELL)
    message = claim.message
    try:
        found = platform.client.find_sent(account=account, message=message)
    except SendError as error:
        claim.release(
            next_attempt_at=timezone.now() + backoff(message.attempts),
            state_reason=f"Could not check whether an interrupted send went out: {error}"[:500],
        )
        return message.state
    if found:
        return claim.record_sent(found)
    if found is None:
        return claim.fail(CANNOT_TELL)
    return ""  # found == []: it did not go out; send it
