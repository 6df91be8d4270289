import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tshoot.settings")

# filesystem:// with atomic publishing (see tshoot/broker.py), for every process
# that loads this app: web, worker, beat, tests.
TRANSPORT_ALIASES["filesystem"] = "tshoot.broker:Transport"

app = Celery("tshoot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
