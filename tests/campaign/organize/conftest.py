"""The organizer-area cast (owner, organizer, viewer, outsider, all with TOTP) for these tests."""

from tests.organize.conftest import _totp_tolerance, cast  # noqa: F401
