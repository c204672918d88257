"""A plain socket to Redis for the hot paths' one call (a launch-hall answer, a flash
reservation), packed and parsed by hiredis: a third of the CPU the same call costs
through redis-py's general client (measured in docs/scaling.md). Callers fall back to
redis-py on any trouble, which reconnects, retries and reports."""

import queue
import socket

import hiredis
import redis
from django.conf import settings


class SentWithoutReply(redis.exceptions.ConnectionError):
    """The command reached the socket but its reply did not come back (Redis is
    unreachable, as far as the caller knows: core.cache.REDIS_UNREACHABLE covers it)."""


class Wire:
    """A plain socket to Redis for the answer script, with hiredis packing and parsing:
    the answer path's only Redis call costs a third of the CPU it costs through
    redis-py's general client (measured in docs/scaling.md). Any trouble and the call
    goes through redis-py instead, which reconnects, retries and reports. Sockets are
    pooled per process (not per thread: under ASGI each request may run on a new one)."""

    sock = None
    reader = None

    def call(self, *args):
        if self.sock is None:
            self._connect()
        try:
            self.sock.sendall(hiredis.pack_command(args))
        except BaseException:
            self.close()
            raise
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise ConnectionError("Redis closed the connection")
                self.reader.feed(chunk)
                reply = self.reader.gets()
                if reply is not False:
                    return reply
        except (OSError, hiredis.ProtocolError) as exc:
            # Sent, but no answer: the command may or may not have run. A caller whose
            # command is not safe to run twice must not simply send it again.
            self.close()
            raise SentWithoutReply(str(exc)) from exc
        except BaseException:
            self.close()
            raise

    def _connect(self):
        options = redis.connection.parse_url(settings.REDIS_URL)
        sock = socket.create_connection(
            (options.get("host", "localhost"), options.get("port", 6379)), timeout=5
        )
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.reader = sock, hiredis.Reader()
        for command in (
            ("AUTH", *([options["username"]] if options.get("username") else []), options["password"])
            if options.get("password")
            else None,
            ("SELECT", options.get("db", 0)),
        ):
            if command and isinstance(self.call(*command), hiredis.ReplyError):
                self.close()
                raise ConnectionError("Redis refused the connection settings")

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = self.reader = None


WIRES: queue.LifoQueue = queue.LifoQueue()


def fast_call(*args):
    try:
        wire = WIRES.get_nowait()
    except queue.Empty:
        wire = Wire()
    try:
        return wire.call(*args)
    finally:
        if wire.sock is not None:
            WIRES.put(wire)


def fast_path_possible() -> bool:
    return settings.REDIS_URL.startswith("redis://")
