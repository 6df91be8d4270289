import logging
import secrets
import unicodedata
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Visibility
from analyzer import summary
from analyzer.redact import Redactor

SEVERITY_ORDER = ("critical", "error", "warning", "info")

log = logging.getLogger(__name__)


def new_id() -> str:
    # 24 random bytes: 192 bits, 32 URL-safe characters. The id is the only thing
    # that keeps a diagnosis private, so it must not be guessable or enumerable.
    return secrets.token_urlsafe(24)


def clean_title(title: str) -> str:
    """One line of printable text: runs of whitespace become one space, and
    control characters and unpaired surrogates go (PostgreSQL refuses NUL in a
    text column, and no encoder takes a lone surrogate)."""
    kept = "".join(
        c for c in title if unicodedata.category(c) not in ("Cc", "Cs") or c.isspace()
    )
    return " ".join(kept.split())[:200]


def findings_by_severity(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """A report's findings grouped by severity, the worst first."""
    return [
        (severity, [f for f in findings if f.get("severity") == severity])
        for severity in SEVERITY_ORDER
        if any(f.get("severity") == severity for f in findings)
    ]


def finding_titles(report: dict) -> list[str]:
    """Each finding's title (its code when it has none), in report order."""
    return [f.get("title") or f.get("code") or "" for f in report.get("findings") or []]


class DiagnosisQuerySet(models.QuerySet):
    def live(self):
        """Not past its expiry: an expired diagnosis is gone at once for every
        reader, whether or not the clean-up task has deleted its row yet."""
        return self.filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))

    def visible_to(self, user):
        """The diagnoses ``user`` (anonymous or not) may read. Every way of reading
        one (page, status fragment, raw download, API, team list) goes through
        here, so that whoever may not read one cannot tell it from an id that
        never existed."""
        allowed = Q(visibility=Visibility.LINK)
        if user is not None and user.is_authenticated:
            teams = Membership.objects.filter(user=user).values("team_id")
            allowed |= Q(visibility=Visibility.TEAM, team_id__in=teams)
            # Their own, whatever the visibility (a team they have left too).
            allowed |= Q(owner=user)
        return self.live().filter(allowed)


class Diagnosis(models.Model):
    """One analyzed paste, shared by its permalink ``/d/<id>/``.

    ``input_text`` only ever holds the redacted paste: secrets are removed in
    ``submit()`` before the row exists, so neither the database, the broker nor a
    worker sees them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.CharField(
        primary_key=True, max_length=64, default=new_id, editable=False
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    title = models.CharField(max_length=200, blank=True)
    input_text = models.TextField()
    report = models.JSONField(null=True, blank=True)
    engine_version = models.CharField(max_length=20, blank=True)
    # How many times a worker has claimed the diagnosis.
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    # When the diagnosis was last handed to the broker; the sweep measures a
    # queued row's age from here.
    queued = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)
    # Refreshed every ANALYZER_HEARTBEAT_SECONDS by the worker running the
    # analysis: the sweep re-queues a running row only once this has stopped.
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The broker could not take the message (down, refusing, hanging past
    # ANALYZER_PUBLISH_TIMEOUT): the row is kept, the permalink says the analysis
    # starts when the queue is back, and the sweep publishes it then.
    awaiting_broker = models.BooleanField(default=False)
    # Who submitted it, as a keyed hash (analyzer.middleware.client_id), for the
    # per-client queue quota; never an address.
    client = models.CharField(max_length=32, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diagnoses",
    )
    # A team's diagnoses go with the team.
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="diagnoses",
    )
    # ``link`` is what every diagnosis was before teams existed, and what an
    # anonymous submission gets.
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.LINK
    )
    # Past this, every read answers 404 and the clean-up task deletes the row.
    expires = models.DateTimeField(null=True, blank=True, db_index=True)
    # What a list shows of it, stored by finish() from the report (analyzer.
    # summary), so a team's page reads neither reports nor pastes.
    top_severity = models.CharField(max_length=8, blank=True)
    top_code = models.CharField(max_length=100, blank=True)
    verdict = models.CharField(max_length=300, blank=True)
    # The peers, space-separated (for the list and its search); the peer filter
    # reads DiagnosisPeer, which has an index.
    peers = models.CharField(max_length=1000, blank=True)
    # Every finding code, space-separated, for the search.
    codes = models.TextField(blank=True)
    # Each uploaded file's name and lines in the joined paste (redacted like
    # it): [{"name", "first_line", "last_line"}]; empty for a paste alone.
    files = models.JSONField(default=list, blank=True)

    objects = DiagnosisQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "diagnoses"
        indexes = [
            models.Index(fields=["status", "queued"]),
            # The team's page: newest first, and newest first per filter.
            # The id breaks ties in the order, so the index gives the whole of it.
            models.Index(fields=["team", "-created", "-id"], name="diagnosis_team_new"),
            models.Index(
                fields=["team", "status", "-created", "-id"],
                name="diagnosis_team_status",
            ),
            models.Index(
                fields=["team", "top_severity", "-created", "-id"],
                name="diagnosis_team_severity",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility=Visibility.TEAM, team__isnull=True),
                name="team_visibility_needs_a_team",
            )
        ]

    def __str__(self):
        # Never the id: it means nothing to a reader, and it is the key.
        if self.title:
            return self.title
        if self.report:
            return clean_title(summary.title(self.report))
        return f"Paste of {timezone.localtime(self.created):%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self):
        return reverse("analyzer-diagnosis", args=[self.id])

    @classmethod
    def submit(
        cls,
        text: str,
        title: str = "",
        client: str = "",
        owner=None,
        team=None,
        visibility: str = Visibility.LINK,
        expires=None,
        files: list[dict] = (),
    ) -> "Diagnosis":
        """Store the redacted paste and queue its analysis once the row is committed."""
        # One redactor for all: a key quoted in the title, a file name and the
        # paste gets one label, and its HMAC key is gone once the row is written.
        with Redactor() as redactor:
            title, text = redactor.redact(title), redactor.redact(text)
            files = [
                dict(part, name=clean_title(redactor.redact(part["name"])))
                for part in files
            ]
        diagnosis = cls.objects.create(
            files=files,
            title=clean_title(title),
            input_text=text,
            client=client,
            owner=owner,
            team=team,
            visibility=visibility,
            expires=expires,
        )
        diagnosis.enqueue()
        return diagnosis

    def enqueue(self):
        # The message carries the id only; a worker must never see a row that the
        # web request has not committed yet.
        transaction.on_commit(self.publish)

    def publish(self) -> bool:
        """Hand the id to the broker. A broker that is down or hangs costs at most
        ANALYZER_PUBLISH_TIMEOUT and never an exception: the row is marked as
        waiting for the broker, and the sweep publishes it again."""
        from analyzer.tasks import analyze_diagnosis

        try:
            # No time limits in the message: the worker's own settings decide
            # them (a limit sent along would be the web server's idea of them).
            analyze_diagnosis.apply_async(
                (self.id,), soft_time_limit=None, time_limit=None, retry=False
            )
        except Exception as exc:  # any broker or network failure: never the request's
            log.warning(
                "diagnosis %s saved but not queued, the broker failed: %s: %s",
                self.id,
                type(exc).__name__,
                exc,
            )
            if not self.awaiting_broker:
                Diagnosis.objects.filter(id=self.id).update(awaiting_broker=True)
                self.awaiting_broker = True
            return False
        if self.awaiting_broker:
            # Its wait in the queue starts now, as far as the sweep is concerned.
            self.queued = timezone.now()
            Diagnosis.objects.filter(id=self.id).update(
                awaiting_broker=False, queued=self.queued
            )
            self.awaiting_broker = False
        return True

    @classmethod
    def publish_waiting(cls, limit: int = 500) -> int:
        """Publish the queued rows whose publish failed; stop at the first failure
        (the broker is still away). Returns how many went out."""
        sent = 0
        waiting = cls.objects.filter(status=cls.Status.QUEUED, awaiting_broker=True)
        for diagnosis in waiting.order_by("queued")[:limit]:
            if not diagnosis.publish():
                break
            sent += 1
        return sent

    @classmethod
    def pending_for(cls, client: str) -> int:
        """How many of this client's diagnoses are queued or running."""
        return cls.objects.filter(
            client=client, status__in=(cls.Status.QUEUED, cls.Status.RUNNING)
        ).count()

    def can_manage(self, user) -> bool:
        """Rename, change the visibility, delete: its owner, or an admin of its
        team. Only asked about a diagnosis the user can already read."""
        if not user.is_authenticated:
            return False
        if self.owner_id is not None and self.owner_id == user.pk:
            return True
        return (
            self.team_id is not None
            and Membership.objects.filter(
                team_id=self.team_id, user=user, role=Membership.Role.ADMIN
            ).exists()
        )

    def can_annotate(self, user) -> bool:
        """Notes and finding marks: the members of its team (its owner, when it is
        in none). ``link`` readers outside the team only read them."""
        if not user.is_authenticated:
            return False
        if self.team_id is None:
            return self.owner_id is not None and self.owner_id == user.pk
        return Membership.objects.filter(team_id=self.team_id, user=user).exists()

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def claim(self) -> bool:
        """Move queued -> running for this worker. False when another worker (or an
        earlier delivery of the same message) already took it."""
        now = timezone.now()
        # Only the row as it was read: then what the claim writes is known, and
        # nothing has to be read back.
        claimed = Diagnosis.objects.filter(
            id=self.id, status=self.Status.QUEUED, attempts=self.attempts
        ).update(
            status=self.Status.RUNNING,
            attempts=F("attempts") + 1,
            started=now,
            heartbeat=now,
        )
        if claimed:
            self.status = self.Status.RUNNING
            self.attempts += 1
            self.started = self.heartbeat = now
        return bool(claimed)

    def beat(self) -> bool:
        """Say this run is alive. False once the row is no longer this run's."""
        return bool(
            Diagnosis.objects.filter(
                id=self.id, status=self.Status.RUNNING, attempts=self.attempts
            ).update(heartbeat=timezone.now())
        )

    def finish(self, report: dict, engine_version: str, page=None) -> bool:
        """Save the result, unless the sweep has taken the row back meanwhile. A
        diagnosis still without a title gets one from its top finding (in the
        same UPDATE, so a rename made meanwhile stands). ``page``, the rendered
        page's fields, is saved with it, so a finished diagnosis never lacks the
        page rendered for it."""
        derived = clean_title(summary.title(report))
        top = summary.top_finding(report) or {}
        peers = summary.peers(report)
        with transaction.atomic():
            closed = self._close(
                status=self.Status.DONE,
                report=report,
                engine_version=engine_version,
                error="",
                title=Case(When(title="", then=Value(derived)), default=F("title")),
                top_severity=top.get("severity") or "",
                top_code=(top.get("code") or "")[:100],
                verdict=clean_title(summary.verdict(report))[:300],
                peers=" ".join(peers)[:1000],
                codes=" ".join(summary.codes(report)),
            )
            if closed:
                DiagnosisPeer.objects.filter(diagnosis_id=self.id).delete()
                DiagnosisPeer.objects.bulk_create(
                    DiagnosisPeer(diagnosis_id=self.id, address=peer[:45])
                    for peer in peers
                )
                if page is None:
                    # Never a page of an earlier result beside this one.
                    DiagnosisPage.objects.filter(diagnosis_id=self.id).delete()
                else:
                    DiagnosisPage.objects.update_or_create(
                        diagnosis_id=self.id, defaults=page
                    )
        return closed

    def fail(self, message: str) -> bool:
        return self._close(status=self.Status.FAILED, error=message[:2000])

    def _close(self, **fields) -> bool:
        now = timezone.now()
        updated = Diagnosis.objects.filter(
            id=self.id, status=self.Status.RUNNING, attempts=self.attempts
        ).update(finished=now, **fields)
        if updated:
            # What was written is known; only what an expression computed (a title
            # kept or derived) is read back, never the report just saved.
            self.finished = now
            computed = []
            for name, value in fields.items():
                if hasattr(value, "resolve_expression"):
                    computed.append(name)
                else:
                    setattr(self, name, value)
            if computed:
                self.refresh_from_db(fields=computed)
        return bool(updated)

    def rename(self, title: str) -> None:
        """A new title, redacted like the paste (a key quoted in a title is a
        key); blank takes the one derived from the report again."""
        with Redactor() as redactor:
            title = clean_title(redactor.redact(title))
        if not title and self.report:
            title = clean_title(summary.title(self.report))
        self.title = title
        Diagnosis.objects.filter(id=self.id).update(title=title)

    @classmethod
    def expired(cls):
        return cls.objects.filter(expires__lte=timezone.now())

    @classmethod
    def past_retention(cls, days: int):
        """Diagnoses created more than ``days`` days ago, except those still queued
        or running (their work is not finished, whatever their age)."""
        cutoff = timezone.now() - timedelta(days=days)
        return cls.objects.filter(created__lt=cutoff).exclude(
            status__in=(cls.Status.QUEUED, cls.Status.RUNNING)
        )

    @classmethod
    def stale(cls, stale_seconds: int):
        """Diagnoses whose work has stopped: running rows whose heartbeat is older
        than ``stale_seconds`` (the worker died: a live one refreshes it), and
        queued rows whose message looks lost.

        A queued row older than ``stale_seconds`` is only waiting its turn while
        the queue moves, so it counts as lost when no row was claimed for
        ``stale_seconds`` (the queue stopped), or when rows published more than
        ``stale_seconds`` after it have been taken already (the queue went on
        without it). Re-sending on age alone turned a backlog into duplicates.
        """
        window = timedelta(seconds=stale_seconds)
        cutoff = timezone.now() - window
        dead = Q(status=cls.Status.RUNNING) & (
            Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, started__lt=cutoff)
        )
        old_queued = Q(status=cls.Status.QUEUED, queued__lt=cutoff)
        moving = cls.objects.filter(started__gte=cutoff).exists()
        if not moving:
            return cls.objects.filter(dead | old_queued)
        overtaken = Exists(
            cls.objects.filter(
                started__isnull=False, queued__gt=OuterRef("queued") + window
            ).exclude(status=cls.Status.QUEUED)
        )
        return cls.objects.filter(dead | (old_queued & Q(overtaken)))

    def requeue_or_give_up(self, max_attempts: int) -> str | None:
        """Send a stale diagnosis to the queue again, or fail it once it has been
        tried ``max_attempts`` times. Returns "requeued", "failed" or None when
        the row changed under us."""
        # The conditional UPDATE matches only the row as it was read, so a worker
        # finishing at the same moment wins and the sweep does nothing.
        same = Diagnosis.objects.filter(
            id=self.id,
            status=self.status,
            attempts=self.attempts,
            queued=self.queued,
            started=self.started,
            heartbeat=self.heartbeat,
        )
        if self.attempts >= max_attempts:
            word = "attempt" if self.attempts == 1 else "attempts"
            updated = same.update(
                status=self.Status.FAILED,
                finished=timezone.now(),
                error=f"The analysis did not finish after {self.attempts} {word} "
                "(the worker stopped or timed out). Submit the paste again, "
                "perhaps in smaller parts.",
            )
            return "failed" if updated else None
        if same.update(status=self.Status.QUEUED, queued=timezone.now()):
            self.status = self.Status.QUEUED
            self.enqueue()
            return "requeued"
        return None

    def findings_by_severity(self) -> list[tuple[str, list[dict]]]:
        return findings_by_severity((self.report or {}).get("findings") or [])


class DiagnosisPeer(models.Model):
    """A peer a diagnosis tells about: the team page's peer filter is a lookup
    in this table's index rather than a scan of every row's peers."""

    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="peer_rows"
    )
    address = models.CharField(max_length=45)

    class Meta:
        indexes = [models.Index(fields=["address", "diagnosis"])]

    def __str__(self):
        return self.address


class DiagnosisPage(models.Model):
    """A finished diagnosis as its page shows it, rendered once when the analysis
    ends rather than on every view: a 2 MiB paste is tens of thousands of lines to
    split, quote and number, and the report several megabytes of JSON to decode.
    Stored compressed (a tenth of the size; inflating costs a few milliseconds).

    ``version`` names the code that rendered it (templates and view helpers); a
    page of another version is not used, and the view renders from the report
    as before until ``manage.py render_pages`` brings it up to date."""

    diagnosis = models.OneToOneField(
        Diagnosis, on_delete=models.CASCADE, primary_key=True, related_name="page"
    )
    version = models.CharField(max_length=32)
    line_count = models.PositiveIntegerField()
    result_html = models.BinaryField()
    paste_html = models.BinaryField()
    # Each finding's title in report order: what the team tools (marks) show of
    # the report, without decoding it.
    finding_titles = models.JSONField(default=list)

    def __str__(self):
        return f"page of {self.diagnosis_id}"

    @staticmethod
    def pack(html: str) -> bytes:
        return zlib.compress(html.encode(), 6)

    @staticmethod
    def unpack(data) -> str:
        return zlib.decompress(bytes(data)).decode()
