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
        token = cls.PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, digest=hash_token(token), hint=token[:10]
        )
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
