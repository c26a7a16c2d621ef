"""Share images (1200×630 PNG) per campaign and language, drawn with Pillow and kept on disk.

They hold no signature count, so a link preview stays valid and the file can be cached for long.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from campaign.core.private_files import private_dir

FONT_DIR = Path(__file__).resolve().parent / "fonts"  # the PDF exports embed these too
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = "#8a1c1c"
FOREGROUND = "#ffffff"
# Bump when the drawing changes, so cached files and previews are replaced.
DESIGN_VERSION = "1"


def image_version(*, hashtag: str, title: str, call: str) -> str:
    """A short hash of everything drawn: it names the cached file and versions the URL."""
    text = "\n".join([DESIGN_VERSION, hashtag, title, call])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Break text into lines no wider than ``width``; a word wider than a line is split."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=font) > width:
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut] + "-", font=font) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_title(draw: ImageDraw.ImageDraw, title: str, *, width: int, height: int):
    """The largest bold size (64 down to 28 px) at which the title fits the box."""
    for size in range(64, 27, -4):
        font = ImageFont.truetype(str(BOLD), size)
        lines = wrap(draw, title, font, width)
        if len(lines) * size * 1.25 <= height:
            return font, lines
    font = ImageFont.truetype(str(BOLD), 28)
    lines = wrap(draw, title, font, width)
    return font, lines[: int(height // 35)]


def draw_share_image(*, hashtag: str, title: str, call: str) -> bytes:
    """Hashtag at the top, the title in the middle, a call to sign at the bottom."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    tag_font = ImageFont.truetype(str(BOLD), 44)
    draw.text((MARGIN, MARGIN), hashtag, font=tag_font, fill=FOREGROUND)
    draw.rectangle((MARGIN, MARGIN + 68, MARGIN + 160, MARGIN + 76), fill=FOREGROUND)
    call_font = ImageFont.truetype(str(REGULAR), 36)
    call_lines = wrap(draw, call, call_font, text_width)[:2]
    call_top = HEIGHT - MARGIN - 46 * len(call_lines)
    title_top = MARGIN + 110
    font, lines = fit_title(draw, title, width=text_width, height=call_top - title_top - 30)
    y = title_top
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=FOREGROUND)
        y += round(font.size * 1.25)
    for index, line in enumerate(call_lines):
        draw.text((MARGIN, call_top + 46 * index), line, font=call_font, fill=FOREGROUND)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def share_image(*, slug: str, language: str, hashtag: str, title: str, call: str) -> bytes:
    """The PNG for one campaign and language, drawn on first request and then read from disk.

    Side effect: writes VAR_DIR/share/<slug>-<language>-<version>.png (atomically).
    """
    version = image_version(hashtag=hashtag, title=title, call=call)
    folder = Path(settings.VAR_DIR) / "share"
    path = folder / f"{slug}-{language}-{version}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = draw_share_image(hashtag=hashtag, title=title, call=call)
    # Public images, but the first write may create VAR_DIR, which must be private (0700).
    private_dir(folder, root=Path(settings.VAR_DIR))
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
    return data
