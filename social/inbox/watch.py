"""Watching accounts: for the platforms that can say the moment something is new over a
connection held open (`Capabilities.watch`: IMAP IDLE, a streaming API), one thread per
account with polling on holds it, and polls (or stores what it is told) at once. The
scheduled poll still runs: a watch only makes it sooner.

Run by `manage.py watch_accounts` (a service of its own in the compose stack), which keeps the
watches in step with the accounts: one added or changed in the admin is watched within a
minute, one removed or switched off stops. A watch that ended on its own (a server without
IDLE or without a stream, credentials refused) is started again only when its account changes.
"""

import hashlib
import threading

from .. import platforms
from ..models import SocialAccount

CHECK_SECONDS = 5.0  # how often a watch looks at its stop signal


def _fingerprint(account: SocialAccount) -> str:
    # What a watch depends on: a changed server, password (a mailbox URL holds one) or token
    # means start again.
    seed = "\0".join([account.channel, account.base_url, account.password, account.access_token])
    return hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()


class AccountWatchers:
    def __init__(self, *, check_seconds: float = CHECK_SECONDS):
        self.check_seconds = check_seconds
        self.running: dict[int, tuple[threading.Thread, threading.Event, str]] = {}
        self.stopping: list[threading.Thread] = []  # told to stop, perhaps still finishing a poll

    @staticmethod
    def wanted() -> dict[int, tuple[str, str]]:
        """The accounts to watch: id → (channel, fingerprint)."""
        channels = [p.channel for p in platforms.registered() if p.capabilities.watch]
        accounts = SocialAccount.objects.filter(channel__in=channels, active=True, poll_enabled=True)
        return {account.pk: (account.channel, _fingerprint(account)) for account in accounts}

    def reconcile(self) -> None:
        self.stopping = [thread for thread in self.stopping if thread.is_alive()]
        wanted = self.wanted()
        for account_id, (thread, stop, fingerprint) in list(self.running.items()):
            gone = account_id not in wanted or wanted[account_id][1] != fingerprint
            if gone:
                stop.set()
                self.stopping.append(thread)
                del self.running[account_id]
            elif not thread.is_alive():
                wanted.pop(account_id)  # it ended on its own: not again until the account changes
        for account_id, (channel, fingerprint) in wanted.items():
            if account_id in self.running:
                continue
            stop = threading.Event()
            thread = threading.Thread(
                target=platforms.get(channel).client.watch,
                kwargs={"account_id": account_id, "stop": stop, "check_seconds": self.check_seconds},
                name=f"watch-{channel}-{account_id}",
                daemon=True,
            )
            thread.start()
            self.running[account_id] = (thread, stop, fingerprint)

    def watching(self) -> list[int]:
        return sorted(account_id for account_id, (thread, _, _) in self.running.items() if thread.is_alive())

    def stop_all(self, *, timeout: float = 30.0) -> None:
        for _, stop, _ in self.running.values():
            stop.set()
        for thread in [*self.stopping, *(thread for thread, _, _ in self.running.values())]:
            thread.join(timeout)
        self.running.clear()
        self.stopping.clear()
