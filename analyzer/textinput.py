"""Placeholder: bytes from a form, file or API -> text, or a clear refusal."""


class InputError(ValueError):
    """Input that cannot be analyzed; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def decode(data: bytes, limit: int) -> str:
    if not data.strip():
        raise InputError("The paste is empty.")
    if len(data) > limit:
        raise InputError(f"The paste is larger than {limit} bytes.", status=413)
    return data.decode("utf-8", errors="replace")
