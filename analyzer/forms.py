"""What a submission may be: one check shared by the paste page and the API."""

from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError

from analyzer.textinput import InputError, combine_with_spans, too_large

TITLE_MAX = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PasteField(forms.CharField):
    """The pasted text. Django's "Null characters are not allowed" is dropped
    here: read_submission says the paste is not text, as it does for the API."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, validators.ProhibitNullCharactersValidator)
        ]


class PasteForm(forms.Form):
    """The paste page's fields. Validation of the text itself is in read_submission,
    so the form and the API refuse exactly the same input."""

    title = forms.CharField(
        max_length=TITLE_MAX,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. HQ to branch 12 tunnel down"}
        ),
    )
    text = PasteField(
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 18,
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "ASA# show crypto isakmp sa\n…",
            }
        ),
    )
    files = forms.FileField(
        required=False,
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": "text/*,.txt,.log,.cfg"}
        ),
    )


def check_request_size(request):
    """Refuse a body that cannot hold an acceptable submission before Django reads
    it, so a huge upload costs neither memory nor a temporary file."""
    limit = settings.ANALYZER_MAX_INPUT_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Form encoding and multipart boundaries add some bytes; leave room for them.
    if length > limit * 2 + 64 * 1024:
        raise too_large(length, limit)


def read_submission(text: str | None, files) -> str:
    """The text to analyze from a pasted ``text`` and uploaded ``files`` (any of
    them may be missing), or InputError with the status to answer: 400 when empty
    or not text, 413 when all of it together is larger than the limit. Several
    inputs are joined in the order given, the pasted text first."""
    return read_submission_parts(text, files)[0]


PASTED = "The pasted text"


def read_submission_parts(text: str | None, files) -> tuple[str, list[dict]]:
    """``read_submission``'s text, and where each uploaded file is in it:
    ``{"name", "first_line", "last_line"}`` per file (none for a paste alone)."""
    limit = settings.ANALYZER_MAX_INPUT_BYTES
    inputs: list[tuple[str, bytes]] = []
    total = 0
    if text and text.strip():
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            # Only JSON can carry this: a "\\ud800" escape with no partner.
            raise InputError(
                "The pasted text is not valid Unicode (it holds an unpaired "
                "surrogate escape)."
            ) from exc
        inputs.append((PASTED, data))
        total += len(inputs[-1][1])
    for upload in files:
        if upload.size is not None and total + upload.size > limit:
            raise too_large(total + upload.size, limit)
        # Never more than the limit into memory, whatever the upload claims.
        data = upload.read(limit + 1)
        total += len(data)
        if total > limit:
            raise too_large(total, limit)
        inputs.append((upload.name or "upload", data))
    if total > limit:
        raise too_large(total, limit)
    if not inputs:
        raise InputError(
            "The input is empty: paste some device output or upload a file."
        )
    joined, spans = combine_with_spans(inputs, limit, headings=len(inputs) > 1)
    parts = [
        {"name": name, "first_line": first, "last_line": last}
        for name, first, last in spans
    ]
    if not files:
        parts = []
    return joined, parts


def request_errors(request):
    """Touch request.POST/FILES, turning Django's own request limits into InputError."""
    try:
        request.POST  # noqa: B018 - parsing the body is the point
        request.FILES  # noqa: B018
    except RequestDataTooBig as exc:
        limit = settings.ANALYZER_MAX_INPUT_BYTES
        raise too_large(int(request.META.get("CONTENT_LENGTH") or 0), limit) from exc
    except TooManyFilesSent as exc:
        raise InputError(
            f"Too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}."
        ) from exc
    except MultiPartParserError as exc:
        raise InputError(
            "The multipart/form-data body could not be read (missing or wrong "
            "boundary, or cut short)."
        ) from exc
