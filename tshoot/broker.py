"""kombu's filesystem transport, publishing each message atomically and taking
the next one as soon as the last is acknowledged.

kombu creates a message's file in the queue folder and then writes to it. A worker
polling at that moment moves the still-empty file away, cannot decode it, and stops
with an unrecoverable error (celery/kombu#1551); the message is lost with it. Here
the message is written under a name consumers ignore and renamed into the queue,
which is atomic on one filesystem, so a consumer only ever sees complete files.

A worker that holds as many unacknowledged messages as its prefetch allows (one,
with acks_late) polls nothing and sleeps kombu's polling interval, a second, before
it looks again; the task's acknowledgement comes meanwhile from another thread.
One worker drained a burst of short pastes at one a second that way. Here the
sleep is a wait that an acknowledgement (or a rejection) ends at once.
"""

import os
import threading
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class QoS(virtual.QoS):
    def ack(self, delivery_tag):
        super().ack(delivery_tag)
        self.channel.connection.room.set()

    def reject(self, delivery_tag, requeue=False):
        super().reject(delivery_tag, requeue)
        self.channel.connection.room.set()


class Channel(filesystem.Channel):
    QoS = QoS

    def _put(self, queue, payload, **kwargs):
        # Same name scheme as kombu's, so consumers order and select files alike.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot and a suffix: no consumer takes this for a message.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        # Set when a message is acknowledged or rejected: there is room for the
        # next one.
        self.room = threading.Event()

    def drain_events(self, connection, timeout=None):
        """kombu's loop (virtual.Transport.drain_events), waiting on ``room``
        where it sleeps."""
        time_start = monotonic()
        polling_interval = self.polling_interval
        if timeout and polling_interval and polling_interval > timeout:
            polling_interval = timeout
        while True:
            # Cleared before the poll, so an acknowledgement that comes after a
            # refused poll ends the wait below.
            self.room.clear()
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                if timeout is not None and monotonic() - time_start >= timeout:
                    raise TimeoutError() from None
                if polling_interval is not None:
                    self.room.wait(polling_interval)
            else:
                return
