"""Sending mail: the console backend used by default, and messages prepared for the task queue.

A message rendered during a request (allauth's verification or password reset, in the
request's language) is sent later by the worker, so a mail server that is down never turns a
page into an error: the request stores the prepared message with its task, and the task sends it,
retrying with backoff (EMAIL_RETRY_DELAYS).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks.base import Task

from campaign.core.private_files import open_private, private_dir

logger = logging.getLogger(__name__)


class PrivateFileBackend(FileBackend):
    """Django's file backend, with EMAIL_FILE_PATH 0700 and each file 0600 (they hold live
    confirm and withdraw links); the hourly purge deletes them after MAIL_FILE_DAYS."""

    def __init__(self, *args, file_path=None, **kwargs):
        path = Path(file_path or settings.EMAIL_FILE_PATH)
        var_dir = Path(settings.VAR_DIR)
        private_dir(path, root=var_dir if path.is_relative_to(var_dir) else None)
        super().__init__(*args, file_path=str(path), **kwargs)

    def open(self) -> bool:
        if self.stream is None:
            self.stream = open_private(self._get_filename(), append=True)
            return True
        return False


class ConsoleAndFileBackend(BaseEmailBackend):
    """Write every message to stdout and to a private file in EMAIL_FILE_PATH."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.console = ConsoleBackend(fail_silently=fail_silently, **kwargs)
        self.file = PrivateFileBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages):
        self.file.send_messages(email_messages)
        return self.console.send_messages(email_messages)


def prepare_message(message: EmailMessage, *, kind: str) -> dict:
    """A JSON-ready copy of a rendered message (no attachments), for a task's arguments.

    ``kind`` names the message in logs (e.g. its template), which never show its text or address.
    """
    if message.attachments:
        raise ValueError("Prepared messages carry no attachments.")
    return {
        "kind": kind,
        "subject": message.subject,
        "body": message.body,
        "content_subtype": message.content_subtype,
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
    }


def send_prepared(prepared: dict) -> None:
    """Send a message made by prepare_message. Side effect: one email through EMAIL_BACKEND."""
    message = EmailMultiAlternatives(
        subject=prepared["subject"],
        body=prepared["body"],
        from_email=prepared["from_email"],
        to=prepared["to"],
        cc=prepared["cc"],
        bcc=prepared["bcc"],
        reply_to=prepared["reply_to"],
        headers=prepared["headers"],
        alternatives=[tuple(pair) for pair in prepared["alternatives"]],
    )
    message.content_subtype = prepared["content_subtype"]
    message.send()


def retry_later(task: Task, *, attempt: int, what: str, **kwargs) -> bool:
    """Queue ``task`` again after EMAIL_RETRY_DELAYS[attempt - 1]; False once they are used up.

    For a send that failed: the caller re-raises when this returns False, so the task's result
    records the failure. ``what`` names the email in the log line (no address, no content).
    """
    delays = settings.EMAIL_RETRY_DELAYS
    if attempt > len(delays) or not task.get_backend().supports_defer:
        logger.error("Giving up on %s after %s attempt(s)", what, attempt)
        return False
    logger.warning("Sending %s failed (attempt %s); retrying later", what, attempt)
    run_after = timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return True


def send_templated(*, to: str, template: str, context: dict) -> None:
    """Render emails/<template>{_subject.txt,.txt,.html} and send them as one message."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_or_retry(
    task: Task, send: Callable[[], object], *, attempt: int, what: str, **kwargs
) -> None:
    """Call ``send``; when it fails, queue ``task`` again with ``kwargs`` (``retry_later``), or
    re-raise once the retries are used up, so the task's result records the failure."""
    try:
        send()
    except Exception:
        if not retry_later(task, attempt=attempt, what=what, **kwargs):
            raise
