"""kombu's filesystem transport, publishing each message atomically.

kombu creates a message's file in the queue folder and then writes to it. A worker
polling at that moment moves the still-empty file away, cannot decode it, and stops
with an unrecoverable error (celery/kombu#1551); the message is lost with it. Here
the message is written under a name consumers ignore and renamed into the queue,
which is atomic on one filesystem, so a consumer only ever sees complete files.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
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
