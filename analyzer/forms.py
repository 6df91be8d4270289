"""What a submission may be: one check shared by the paste page and the API."""

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent

from analyzer.textinput import InputError, combine, too_large


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PasteForm(forms.Form):
    """The paste page's fields. Validation of the text itself is in read_submission,
    so the form and the API refuse exactly the same input."""

    title = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. HQ to branch 12 tunnel down"}
        ),
    )
    text = forms.CharField(
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
    limit = settings.ANALYZER_MAX_INPUT_BYTES
    inputs: list[tuple[str, bytes]] = []
    total = 0
    if text and text.strip():
        inputs.append(("The pasted text", text.encode("utf-8")))
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
    return combine(inputs, limit)


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
