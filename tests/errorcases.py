"""One example of every domain error type, for the tests of the HTTP status table and the exit-code table."""
from __future__ import annotations

from correspondence.errors import (
    Conflict, ConfigurationError, CorrespondenceError, EvidenceRefused, InputError, NotFound, RenderingError,
    SigningError, TooLarge, Unavailable, UpstreamError,
)

EXAMPLES: dict[type[CorrespondenceError], CorrespondenceError] = {
    CorrespondenceError: CorrespondenceError("something of ours broke"),
    InputError: InputError("debtor.tax_id", "invalid checksum"),
    TooLarge: TooLarge("file", "larger than the limit of 10 bytes"),
    Conflict: Conflict("message_id", "another dispatch already has this Message-ID"),
    EvidenceRefused: EvidenceRefused("file", "ambiguous MIME structure, refused"),
    SigningError: SigningError("p12_password", "wrong password"),
    NotFound: NotFound("case"),
    ConfigurationError: ConfigurationError("CORRESPONDENCE_SECRET_KEY must be set"),
    RenderingError: RenderingError("figures do not add up"),
    Unavailable: Unavailable("all workers are busy; retry in 3 s", 3),
    UpstreamError: UpstreamError("smtp_url", "connection refused"),
}
