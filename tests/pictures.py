"""Generated test images: a photo-like picture (gradients, shapes, blur and noise) and a logo.

No real photo is committed; these stand in for one in the processing tests, the browser test
and the page-weight check (``manage.py check_hero_weight``).
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def photo(width: int = 3000, height: int = 2000, *, seed: int = 1) -> Image.Image:
    """An RGB image with a photo's statistics: smooth gradients, soft shapes, sensor noise."""
    rnd = random.Random(seed)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((width, height))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, size = rnd.randrange(width), rnd.randrange(height), rnd.randrange(50, 600)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x, y, x + size * width // 3000, y + size * height // 2000), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(8 * width / 3000))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(image, noise, 0.12)


def encoded(image: Image.Image, format: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def logo(width: int = 600, height: int = 300) -> Image.Image:
    """A transparent RGBA logo: a filled circle and a bar on a clear background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    side = min(width, height)
    draw.ellipse((side // 10, side // 10, side * 9 // 10, side * 9 // 10), fill=(138, 28, 28, 255))
    draw.rectangle((width // 2, height // 3, width * 9 // 10, height * 2 // 3), fill=(20, 20, 20))
    return image
