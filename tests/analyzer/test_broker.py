"""The embedded filesystem broker (tshoot/broker.py) as a consumer meets it."""

import threading
from time import monotonic

from kombu import Connection, Consumer, Exchange, Queue


def connection(tmp_path, **options):
    for folder in ("queue", "control"):
        (tmp_path / folder).mkdir(exist_ok=True)
    return Connection(
        transport="tshoot.broker:Transport",
        transport_options={
            "data_folder_in": str(tmp_path / "queue"),
            "data_folder_out": str(tmp_path / "queue"),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
            **options,
        },
    )


def test_an_acknowledgement_ends_the_wait_for_the_next_message(tmp_path):
    """A consumer holding as many messages as its prefetch allows (a worker with
    acks_late) takes the next one when the first is acknowledged, not after the
    polling interval: here 30 s, longer than the drain's own timeout, so a
    transport that sleeps it out gives up with a timeout instead."""
    queue = Queue("burst", Exchange("burst", type="direct"), routing_key="burst")
    with connection(tmp_path, polling_interval=30) as conn:
        producer = conn.Producer()
        for n in range(2):
            producer.publish(
                {"n": n},
                exchange=queue.exchange,
                routing_key="burst",
                declare=[queue],
                serializer="json",
            )
        received = []
        with Consumer(
            conn,
            [queue],
            accept=["json"],
            callbacks=[lambda body, message: received.append(message)],
        ) as consumer:
            consumer.qos(prefetch_count=1)
            conn.drain_events(timeout=10)
            assert len(received) == 1
            # The task's acknowledgement comes from another thread (the pool's
            # result handler), while the consumer waits.
            threading.Timer(0.5, received[0].ack).start()
            start = monotonic()
            conn.drain_events(timeout=20)
            # Both, in either order (two files named in one millisecond).
            assert sorted(m.payload["n"] for m in received) == [0, 1]
            assert monotonic() - start < 15
