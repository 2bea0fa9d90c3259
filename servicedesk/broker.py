"""kombu's Redis transport, with one failure made survivable.

When Redis goes away, the worker's consumer closes its connection and opens a new one. A task
that was running meanwhile finishes afterwards and acknowledges its message on a channel of
the closed connection, whose `client` kombu has already set to None: kombu then raises
`AttributeError: 'NoneType' object has no attribute 'hostname'` from inside the worker's
event loop, which stops the whole worker (seen in the Redis-restart test under load).

Here the same moment raises the transport's own connection error, which Celery expects there:
it logs "Couldn't ack" and carries on. Nothing is lost by not acknowledging: the message
stays among Redis' unacked ones and is delivered again (`CELERY_TASK_ACKS_LATE`), and every
task is idempotent.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("The broker connection this channel belonged to is closed.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
