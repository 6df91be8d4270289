"""Run the site and a Celery worker together, as `make run` and `make dev` do.

The web server (gunicorn, or Django's autoreloading runserver with ``--dev``) and a
worker with the beat scheduler (for the stale-diagnosis sweep) start as child
processes. Ctrl-C or SIGTERM stops both and exits 0; if either one dies, the other
is stopped and the exit status says so.

On a terminal the command puts itself and its children in a process group of their
own and makes it the terminal's foreground group, so Ctrl-C reaches them and not
the ``make`` that started the command: make then sees a clean exit instead of
dying of the interrupt itself.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

STOP_TIMEOUT = 15


@contextlib.contextmanager
def _terminal_foreground():
    """Own the terminal's foreground for the duration, when there is one."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        yield
        return
    try:
        before = os.tcgetpgrp(tty)
        if before != os.getpgrp():
            # Started in the background (`make run &`): leave the terminal alone.
            yield
            return
        os.setpgid(0, 0)
        # A background group may not change the foreground group unless it
        # ignores SIGTTOU, which it does here and on the way back.
        previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.tcsetpgrp(tty, os.getpgrp())
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(tty, before)
            signal.signal(signal.SIGTTOU, previous)
    except OSError:
        # Not a session we may reshape (no job control): run as we are.
        yield
    finally:
        os.close(tty)


class Command(BaseCommand):
    help = "Run the web server and a Celery worker (with beat) until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server with autoreload instead of gunicorn.",
        )
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, host, port, dev, web_workers, concurrency, **options):
        bin_dir = Path(sys.executable).parent
        if dev:
            web = [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
        else:
            web = [
                str(bin_dir / "gunicorn"),
                "tshoot.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                # A thread per request, so a slow client pins one thread, not a
                # worker; a request still unanswered after this is cut.
                "--timeout",
                "60",
                "--graceful-timeout",
                "20",
                "--access-logfile",
                "-",
            ]
        worker = [
            str(bin_dir / "celery"),
            "-A",
            "tshoot",
            "worker",
            "--beat",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
        ]
        with _terminal_foreground():
            return self._supervise({"web": web, "worker": worker})

    def _supervise(self, commands: dict[str, list[str]]) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Each child leads a process group of its own, so that stopping it takes
        # its own children too (gunicorn's workers, Celery's pool and beat).
        children = {
            name: subprocess.Popen(cmd, process_group=0)
            for name, cmd in commands.items()
        }
        failed = None
        while not stopping and failed is None:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = (name, child.returncode)
                    break
            else:
                time.sleep(0.2)
        self._stop(children.values())
        if failed is not None and not stopping:
            name, code = failed
            self.stderr.write(f"The {name} process exited ({code}); stopped the rest.")
            sys.exit(1)
        self.stdout.write("Stopped the server and the worker.")

    @staticmethod
    def _stop(children) -> None:
        # SIGINT is each one's own "stop now, cleanly": gunicorn's quick shutdown,
        # Celery's warm shutdown, runserver's KeyboardInterrupt.
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        # Whatever a child left behind in its group goes with it.
        for child in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
