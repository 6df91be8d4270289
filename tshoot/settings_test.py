"""Settings for the test suite: the project's settings with a data folder of its own.

The suite's SQLite database, filesystem broker and beat schedule live under
``data/test/`` (or wherever TSHOOT_DATA_DIR points), so a `make run` server and worker
in the same checkout never pick up the suite's messages, nor the suite theirs.
"""

import os
from pathlib import Path

os.environ.setdefault(
    "TSHOOT_DATA_DIR", str(Path(__file__).resolve().parent.parent / "data" / "test")
)

# Most tests submit many pastes from one address; the tests of the limits set
# their own (the defaults stay the production ones).
os.environ.setdefault("ANALYZER_SUBMIT_RATE", "100000/m")
os.environ.setdefault("ANALYZER_CLIENT_QUEUE_QUOTA", "0")
os.environ.setdefault("ADMIN_LOGIN_RATE", "100000/m")

from tshoot.settings import *  # noqa: E402, F403
