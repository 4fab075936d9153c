"""A conversation lock in Redis that is atomic across Rasa replicas.

Rasa's own `RedisLockStore` reads the ticket lock, changes it in Python and writes it
back (read-modify-write), so two replicas can both believe they hold the same
conversation (docs/architecture.md). Here the lock is one Redis key per conversation, taken with
`SET key token NX PX lifetime` — a single atomic command — and released or renewed
only by its owner, with a Lua script that compares the token first (also atomic).

- Mutual exclusion: at most one turn of a conversation is processed at a time, on any
  replica, so events are appended once and in order.
- A crashed holder (kill -9) cannot block a conversation for long: the key expires
  after `lock_lifetime` seconds. A live holder renews it every third of that time, so
  a slow turn keeps its lock however long it takes. The renewing runs in a thread of
  its own: a turn's NLU and policies run synchronously on the event loop, and a busy
  loop must not let a lock lapse while its turn is still running (another replica
  would then take the conversation and both would write it).
- Fair, so no turn starves: inside one process, waiters for a conversation queue
  first-come-first-served on a local asyncio lock, so only the head of that queue
  polls Redis. Across processes, a head that finds the lock taken reserves the next
  turn ("next in line" key, short expiry, renewed while it polls); a releasing
  replica's own next waiter then cannot take the lock again before it. Without this,
  a replica with a queue of its own won every race after its own release and the
  other replica's waiter could time out (a CI run found it: 60 turns, one lost).
  Two tabs typing at the same instant may still be served in either order (each turn
  is stored whole).

Selected in the generated endpoints file (bot/runtime/endpoint_config.py) in the production
profile: `lock_store: type: bot.rasa_ext.stores.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional

import redis
import redis.asyncio as aioredis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 20.0
DEFAULT_KEY_PREFIX = "taai:lock:"
_POLL_FIRST_S = 0.005  # short first: a waiting turn usually follows a short one
_POLL_MAX_S = 0.05  # a poll is one small command; a long pause is latency for the user
# Outlives several polls, so it lapses only when its holder is gone (crash, cancel).
_RESERVATION_MS = 1000

# Take the lock unless another waiter is next in line; when it is taken, become next
# in line (or keep that place). KEYS: lock, next-in-line. ARGV: token, lifetime ms,
# reservation ms. Returns 1 when taken.
_ACQUIRE = """
local next_in_line = redis.call('get', KEYS[2])
if next_in_line and next_in_line ~= ARGV[1] then return 0 end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if next_in_line then redis.call('del', KEYS[2]) end
  return 1
end
redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 0
"""
# Delete / extend the key only while it still holds our token.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)


class AtomicRedisLockStore(LockStore):
    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        host: str = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        password: Optional[str] = None,
        lock_lifetime: float = DEFAULT_LIFETIME_S,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        socket_timeout: float = 5.0,
    ) -> None:
        options: dict[str, Any] = {}
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs)
            if endpoint_config.url:
                host = endpoint_config.url
        host = str(options.get("host", host))
        port = int(options.get("port", port))
        db = int(options.get("db", db))
        password = options.get("password", password) or None
        self.lifetime_s = float(options.get("lock_lifetime", lock_lifetime))
        self.key_prefix = str(options.get("key_prefix", key_prefix))
        timeout = float(options.get("socket_timeout", socket_timeout))
        # One connection pool per process; commands are short, so a blocked event
        # loop never waits on Redis for long.
        self.redis = aioredis.Redis(
            host=host, port=port, db=db, password=password, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._acquire_script = self.redis.register_script(_ACQUIRE)
        self._release = self.redis.register_script(_RELEASE)
        # Per conversation: the local FIFO queue and how many turns use it.
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}
        # The renewer thread's own (blocking) client and its list of held locks.
        self._sync_redis = redis.Redis(
            host=host, port=port, db=db, password=password, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._renew = self._sync_redis.register_script(_RENEW)
        self._held: dict[str, str] = {}
        self._held_guard = threading.Lock()
        self._renewer: Optional[threading.Thread] = None
        super().__init__()

    def _key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}{conversation_id}"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = DEFAULT_LIFETIME_S,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        # Rasa passes its own defaults here; Taai's configured lifetime wins, since
        # it is what bounds the wait after a crashed replica.
        del lock_lifetime, wait_time_in_seconds
        key, token = self._key(conversation_id), uuid.uuid4().hex
        lifetime_ms = int(self.lifetime_s * 1000)
        async with self._local_queue(key):
            await self._acquire(key, token, lifetime_ms)
            self._hold(key, token)
            try:
                # Callers only use the lock as a context; the TicketLock keeps Rasa's type.
                yield TicketLock(conversation_id)
            finally:
                self._let_go(key)
                try:
                    await self._release(keys=[key], args=[token])
                except Exception:  # noqa: BLE001 - the key expires on its own
                    logger.warning("Could not release a conversation lock; it expires in %.0f s.", self.lifetime_s)

    @asynccontextmanager
    async def _local_queue(self, key: str) -> AsyncGenerator[None, None]:
        # asyncio.Lock wakes its waiters in arrival order. The entry is dropped when
        # no turn uses it, so the dict stays small and no lock outlives its loop.
        lock, users = self._local.get(key, (asyncio.Lock(), 0))
        self._local[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local[key]
            if users == 1:
                del self._local[key]
            else:
                self._local[key] = (lock, users - 1)

    async def _acquire(self, key: str, token: str, lifetime_ms: int) -> None:
        # A holder renews while alive, so waiting longer than one lifetime plus a
        # margin means something is wrong with that holder or with Redis.
        deadline = time.monotonic() + self.lifetime_s * 2 + 5
        pause = _POLL_FIRST_S
        next_key = key + ":next"
        try:
            while not await self._acquire_script(keys=[key, next_key], args=[token, lifetime_ms, _RESERVATION_MS]):
                if time.monotonic() > deadline:
                    raise LockError("Could not acquire the conversation lock in time.")
                await asyncio.sleep(pause)
                pause = min(pause * 2, _POLL_MAX_S)
        except (asyncio.CancelledError, LockError):
            # Cancelled or timed out: give up a place in line at once rather than
            # leave the others waiting for the reservation to lapse.
            try:
                await self._release(keys=[next_key], args=[token])
            except Exception:  # noqa: BLE001 - it lapses on its own
                pass
            raise

    def _hold(self, key: str, token: str) -> None:
        with self._held_guard:
            self._held[key] = token
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(target=self._renew_forever, name="taai-lock-renewer", daemon=True)
                self._renewer.start()

    def _let_go(self, key: str) -> None:
        with self._held_guard:
            self._held.pop(key, None)

    def _renew_forever(self) -> None:
        lifetime_ms = int(self.lifetime_s * 1000)
        while True:
            time.sleep(self.lifetime_s / 3)
            with self._held_guard:
                held = list(self._held.items())
            for key, token in held:
                try:
                    if not self._renew(keys=[key], args=[token, lifetime_ms]):
                        logger.warning("A conversation lock expired while its turn was running.")
                except Exception:  # noqa: BLE001 - retry at the next interval
                    logger.warning("Could not renew a conversation lock.")

    # Rasa's ticket-lock API, unused by `lock()` above. The HTTP API and the agent
    # only call `lock()`; these keep the class a complete LockStore.
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
