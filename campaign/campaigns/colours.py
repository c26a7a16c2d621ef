"""Colours organizers choose: ``#rrggbb`` values and their WCAG 2.2 contrast.

Written here rather than taken from a library: the formula is a few lines of WCAG 2.2
(relative luminance and contrast ratio), and the one library that does only this
(wcag-contrast-ratio) has had no release since 2015.
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaign.core.l10n import babel_locale

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")

# The page's background, the sign form's panel and the text placed on an accent: an accent is
# used as text on the first two (the hashtag, links) and behind the third (buttons, the bar).
PAGE_BACKGROUND = "#ffffff"
PANEL_BACKGROUND = "#f5f5f0"
TEXT_ON_ACCENT = "#ffffff"
ACCENT_SURROUNDINGS = (PAGE_BACKGROUND, PANEL_BACKGROUND, TEXT_ON_ACCENT)
DEFAULT_ACCENT = "#8a1c1c"
# WCAG 2.2 success criterion 1.4.3 (contrast, minimum), level AA, for normal-size text.
AA_TEXT_CONTRAST = 4.5


def channels(colour: str) -> tuple[int, int, int]:
    """The red, green and blue values (0–255) of a ``#rrggbb`` colour."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour, from 0 (black) to 1 (white)."""
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (value / 255 for value in channels(colour))
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """Black or white, whichever has the higher contrast on ``background``."""
    on_white = contrast_ratio(background, "#ffffff")
    on_black = contrast_ratio(background, "#000000")
    return "#ffffff" if on_white >= on_black else "#000000"


def normalise_hex_colour(value: str) -> str | None:
    """``value`` as lower-case ``#rrggbb`` (``#rgb`` and a missing ``#`` allowed), or None."""
    text = (value or "").strip().lower()
    if not text.startswith("#"):
        text = "#" + text
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text if HEX_COLOUR.match(text) else None


def accent_contrast(colour: str) -> float:
    """The lowest contrast of an accent with what it is used with (ACCENT_SURROUNDINGS)."""
    return min(contrast_ratio(colour, other) for other in ACCENT_SURROUNDINGS)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0–1) of ``other`` mixed in, as ``#rrggbb``."""
    mixed = (
        round(a + (b - a) * share) for a, b in zip(channels(colour), channels(other), strict=True)
    )
    return "#" + "".join(f"{value:02x}" for value in mixed)


def validate_accent_colour(value: str) -> None:
    """Refuse anything but a ``#rrggbb`` colour readable as text on the page and under white
    text (WCAG 2.2 AA, 4.5:1), with a message that says what to change."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, like #8a1c1c."), code="format"
        )
    ratio = accent_contrast(value)
    if ratio < AA_TEXT_CONTRAST:
        raise ValidationError(
            _(
                "This colour has a contrast of only %(ratio)s:1 with the white page and the "
                "white text on buttons; at least 4.5:1 is needed to be readable (WCAG 2.2 AA). "
                "Please choose a darker colour."
            ),
            code="contrast",
            # Rounded down, so a colour just short of 4.5 never reads as "4.5".
            params={"ratio": format_decimal(int(ratio * 10) / 10, "0.0", locale=babel_locale())},
        )
