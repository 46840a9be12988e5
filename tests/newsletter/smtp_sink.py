"""A local SMTP server (aiosmtpd) that records what it accepted, for the worker-kill test
and the benchmark (bench/newsletter_bench.py)."""

import socket
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Recorder:
    """Keeps (recipients, Message-ID, List-Unsubscribe) of each accepted message. `on_data`
    runs before the reply, so a test can act while the sender waits for "250 OK"."""

    def __init__(self, on_data=None, keep_headers=True):
        self.accepted = []
        self.lock = threading.Lock()
        self.on_data = on_data
        self.keep_headers = keep_headers
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None and self.on_data(self, envelope) is False:
            return "451 Not now"
        if self.keep_headers:
            parsed = message_from_bytes(envelope.content)
            entry = (tuple(envelope.rcpt_tos), parsed["Message-ID"], parsed["List-Unsubscribe"])
        else:
            entry = (tuple(envelope.rcpt_tos), None, None)
        with self.lock:
            self.accepted.append(entry)
        return "250 OK"

    def count(self):
        with self.lock:
            return len(self.accepted)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(handler, port=None):
    """An SMTP server on 127.0.0.1 (a free port unless given), running in a thread."""
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller
