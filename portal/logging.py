import logging

from portal.context import request_id
from portal.redaction import redact_text


class RedactSecretsFilter(logging.Filter):
    """Adds the request id to every record and hides secrets in its message."""

    def filter(self, record):
        record.request_id = request_id() or "-"
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
