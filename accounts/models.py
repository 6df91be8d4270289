"""Teams, their members, and personal API tokens.

A diagnosis belongs to at most one team (``analyzer.models.Diagnosis.team``); who
may read it is decided in one place, ``Diagnosis.objects.visible_to``.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Visibility(models.TextChoices):
    TEAM = "team", "Team: its members only"
    LINK = "link", "Link: anyone with the permalink"
    PRIVATE = "private", "Private: only me"


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    # What a member's submission gets unless they choose otherwise.
    default_visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.TEAM
    )
    # Days a diagnosis submitted into the team is kept by default (0: until
    # deleted, or until the site's ANALYZER_RETENTION_DAYS clean-up).
    retention_days = models.PositiveIntegerField(default=30)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts-team", args=[self.slug])

    def role_of(self, user) -> str | None:
        """``member``, ``admin`` or None for someone outside the team."""
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).values_list("role", flat=True).first()


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member"
        ADMIN = "admin"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(default=timezone.now)
    # When the member last submitted into this team: the paste form offers the
    # most recent one first, so the team picked is remembered across devices.
    last_submit = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership")
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.role})"


def hash_token(token: str) -> str:
    # A token is 256 random bits: a fast hash is enough, no key stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token for ``Authorization: Bearer``. Only its hash is stored;
    the token itself is shown once, when it is made."""

    PREFIX = "tsh_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so the owner can tell tokens apart in a list.
    hint = models.CharField(max_length=12, editable=False)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Make a token; returns the row and the token, which nothing keeps."""
        token, digest, hint = _secret(cls.PREFIX)
        row = cls.objects.create(user=user, name=name, digest=digest, hint=hint)
        return row, token

    @classmethod
    def user_for(cls, token: str):
        """The active user a token belongs to, or None."""
        row = (
            cls.objects.select_related("user")
            .filter(digest=hash_token(token), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used is None or (now - row.last_used).total_seconds() > 60:
            # At most one write a minute per token, not one per request.
            cls.objects.filter(pk=row.pk).update(last_used=now)
        return row.user


# What a submitter may choose for a diagnosis's lifetime; "team" is its team's
# retention. Blank: the team's retention, or none without a team (the site-wide
# ANALYZER_RETENTION_DAYS clean-up still applies).
EXPIRY_CHOICES = [
    ("1d", "1 day"),
    ("7d", "1 week"),
    ("30d", "30 days"),
    ("team", "The team's retention"),
]
EXPIRY_DAYS = {"1d": 1, "7d": 7, "30d": 30}


class PlacementError(ValueError):
    """A team, visibility or expiry the submitter may not have."""


def teams_of(user):
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def placement(user, team=None, visibility="", expiry="") -> dict:
    """The owner, team, visibility and expiry of a new diagnosis, from what the
    submitter asked (blank: the defaults). Anonymous submissions are ``link``,
    owned by no one, in no team."""
    if not user.is_authenticated:
        if team is not None or visibility not in ("", Visibility.LINK):
            raise PlacementError(
                "Sign in (or send an API token) to submit into a team or to "
                "choose who may read the diagnosis."
            )
        team = None
        visibility = Visibility.LINK
    elif team is not None and not team.memberships.filter(user=user).exists():
        raise PlacementError("You are not a member of that team.")
    if visibility and visibility not in Visibility.values:
        raise PlacementError(
            f"visibility must be one of {', '.join(Visibility.values)}."
        )
    if not visibility:
        visibility = team.default_visibility if team else Visibility.LINK
    if visibility == Visibility.TEAM and team is None:
        raise PlacementError("Visibility team needs a team: choose one.")
    if expiry and expiry not in dict(EXPIRY_CHOICES):
        raise PlacementError(
            f"expires_in must be one of {', '.join(dict(EXPIRY_CHOICES))}."
        )
    if expiry == "team" and team is None:
        raise PlacementError("expires_in team needs a team: choose one.")
    days = EXPIRY_DAYS.get(expiry)
    if days is None and team is not None and expiry in ("", "team"):
        days = team.retention_days or None
    expires = timezone.now() + timedelta(days=days) if days else None
    return {
        "owner": user if user.is_authenticated else None,
        "team": team,
        "visibility": visibility,
        "expires": expires,
    }


def remember_team(user, team) -> None:
    """The paste form offers the team submitted into last first."""
    if team is not None:
        Membership.objects.filter(team=team, user=user).update(
            last_submit=timezone.now()
        )


def last_team(user):
    membership = (
        Membership.objects.filter(user=user, last_submit__isnull=False)
        .order_by("-last_submit")
        .select_related("team")
        .first()
    )
    return membership.team if membership else None


def _secret(prefix: str) -> tuple[str, str, str]:
    """A new unguessable token, its stored hash, and the hint shown in lists."""
    token = prefix + secrets.token_urlsafe(32)
    return token, hash_token(token), token[:10]


class Invite(models.Model):
    """A single-use link that adds whoever follows it (signed in) to a team.
    Only its hash is kept; the admin who made it sees the link once."""

    LIFETIME = timedelta(days=7)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Invite to {self.team} ({self.hint}…)"

    @classmethod
    def issue(cls, team, by) -> tuple["Invite", str]:
        token, digest, hint = _secret("inv_")
        invite = cls.objects.create(
            team=team,
            digest=digest,
            hint=hint,
            created_by=by,
            expires=timezone.now() + cls.LIFETIME,
        )
        return invite, token

    @classmethod
    def open(cls, token: str):
        """The invite this token names, while unused and unexpired; or None."""
        return (
            cls.objects.select_related("team")
            .filter(digest=hash_token(token), used__isnull=True)
            .filter(expires__gt=timezone.now())
            .first()
        )

    def accept(self, user) -> bool:
        """Add ``user`` to the team, spending the invite. False when someone else
        spent it first (the conditional UPDATE lets one of two through)."""
        now = timezone.now()
        spent = Invite.objects.filter(
            pk=self.pk, used__isnull=True, expires__gt=now
        ).update(used=now, used_by=user)
        if not spent:
            return False
        Membership.objects.get_or_create(team=self.team, user=user)
        return True


class ShareLink(models.Model):
    """A read-only link to one diagnosis for someone outside its team (a vendor's
    TAC, a partner), with its own expiry, revocable, without making the
    diagnosis ``link``. Only its hash is kept."""

    diagnosis = models.ForeignKey(
        "analyzer.Diagnosis", on_delete=models.CASCADE, related_name="share_links"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.label or 'Share'} ({self.hint}…)"

    @classmethod
    def issue(
        cls, diagnosis, by, days: int, label: str = ""
    ) -> tuple["ShareLink", str]:
        token, digest, hint = _secret("shr_")
        link = cls.objects.create(
            diagnosis=diagnosis,
            digest=digest,
            hint=hint,
            label=label,
            created_by=by,
            expires=timezone.now() + timedelta(days=days),
        )
        return link, token

    @classmethod
    def diagnosis_for(cls, token: str):
        """The diagnosis a live share link shows (its own expiry and the
        diagnosis's both count), or None."""
        from analyzer.models import Diagnosis

        return (
            Diagnosis.objects.live()
            .filter(
                share_links__digest=hash_token(token),
                share_links__expires__gt=timezone.now(),
            )
            .select_related("team", "owner")
            .first()
        )


class Note(models.Model):
    """A team member's note on a diagnosis: Markdown, redacted before it is
    stored, rendered by the knowledge base's renderer and sanitized with nh3."""

    diagnosis = models.ForeignKey(
        "analyzer.Diagnosis", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    html = models.TextField(editable=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created"]
        indexes = [models.Index(fields=["diagnosis", "created"])]

    def __str__(self):
        return f"Note by {self.author} on {self.diagnosis_id}"

    @classmethod
    def write(cls, diagnosis, author, body: str) -> "Note":
        from analyzer.redact import Redactor

        # A key pasted into a note is a key: out before it is stored.
        with Redactor() as redactor:
            body = redactor.redact(body)
        return cls.objects.create(
            diagnosis=diagnosis, author=author, body=body, html=render_note(body)
        )


# What a note may hold once rendered: text formatting, lists, code, links. No
# headings (their ids could shadow the page's anchors), images or tables.
NOTE_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}


def render_note(body: str) -> str:
    """Markdown through the knowledge base's renderer, then nh3 with the note's
    own narrower allow-list."""
    import nh3

    from kb.rendering import render_markdown

    html, _toc = render_markdown(body)
    return nh3.clean(
        html,
        tags=NOTE_TAGS,
        attributes={"a": {"href"}, "pre": {"class", "tabindex"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class FindingMark(models.Model):
    """What the team concluded about one finding of a diagnosis."""

    class Mark(models.TextChoices):
        ROOT_CAUSE = "root_cause", "Root cause"
        NOT_RELEVANT = "not_relevant", "Not relevant"

    diagnosis = models.ForeignKey(
        "analyzer.Diagnosis", on_delete=models.CASCADE, related_name="marks"
    )
    # The finding's place in the report (its #finding-N anchor) and its code.
    finding = models.PositiveIntegerField()
    code = models.CharField(max_length=100, blank=True)
    mark = models.CharField(max_length=12, choices=Mark.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnosis", "finding"], name="one_mark_per_finding"
            )
        ]

    def __str__(self):
        return f"#{self.finding} {self.get_mark_display()}"
