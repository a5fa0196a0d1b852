"""Deterministic demo pictures drawn with Pillow: author portraits and abstract lead images."""

import hashlib
import io
import random

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

LEAD_SIZE = (1600, 900)
PHOTO_SIZE = 400
JPEG_QUALITY = 82

RGB = tuple[int, int, int]

# dark, mid, light, accent — one mood per section so the front page reads as a whole.
PALETTES: dict[str, tuple[str, str, str, str]] = {
    "actualite": ("#17223b", "#3d5a80", "#e0e6ef", "#ee6c4d"),
    "international": ("#0b3a3c", "#2a7f78", "#cfe8e1", "#f2b134"),
    "economie": ("#23262f", "#52616b", "#e6e1d3", "#2f9c95"),
    "culture": ("#35132f", "#8e3b6b", "#f3d9e4", "#f6ae2d"),
    "sport": ("#0c3b22", "#2e8b57", "#dcf2d4", "#ff6f3c"),
}
DEFAULT_PALETTE = ("#222222", "#5a5a66", "#e8e8ec", "#d1495b")

PORTRAIT_COLOURS = ("#3d5a80", "#2a7f78", "#8e3b6b", "#b5651d", "#52616b", "#2e8b57", "#6d597a")


def _rng(key: str) -> random.Random:
    # Seeded from a digest, not hash(): str hashes change from one Python process to the next.
    return random.Random(hashlib.sha256(key.encode("utf-8")).digest())


def _rgb(colour: str) -> RGB:
    r, g, b = ImageColor.getrgb(colour)[:3]
    return r, g, b


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction `t` of the way from `a` to `b`."""
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return red, green, blue


def _gradient(size: tuple[int, int], start: RGB, end: RGB, angle: float) -> Image.Image:
    """A linear gradient from `start` to `end` running at `angle` degrees."""
    # Drawn at a quarter of the size and scaled up: a smooth gradient loses nothing, and it is
    # much faster.
    width, height = max(1, size[0] // 4), max(1, size[1] // 4)
    side = int((width**2 + height**2) ** 0.5) + 2
    # Rotate a square big enough that the crop never shows its corners.
    mask = Image.linear_gradient("L").resize((side, side)).rotate(angle, Image.Resampling.BICUBIC)
    left, top = (side - width) // 2, (side - height) // 2
    mask = mask.crop((left, top, left + width, top + height))
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def lead_image(slug: str, section: str) -> bytes:
    """A 1600x900 abstract editorial picture, always the same for the same slug."""
    rng = _rng(slug)
    palette = PALETTES.get(section, DEFAULT_PALETTE)
    dark, mid, light, accent = (_rgb(colour) for colour in palette)
    width, height = LEAD_SIZE
    image = _gradient(LEAD_SIZE, dark, mid, rng.uniform(-60, 60)).convert("RGBA")

    # A large blurred "light source" gives depth, like an out-of-focus background. Blurred at a
    # quarter of the size, then scaled up: same look, a fraction of the time.
    small, haze = (width // 4, height // 4), _mix(mid, light, 0.6)
    glow = Image.new("RGBA", small, (*haze, 0))
    cx, cy = rng.randint(50, small[0] - 50), rng.randint(25, small[1] - 25)
    r = rng.randint(55, 105)
    ImageDraw.Draw(glow).ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*haze, 150))
    glow = glow.filter(ImageFilter.GaussianBlur(22)).resize(LEAD_SIZE, Image.Resampling.BILINEAR)
    image.alpha_composite(glow)

    shapes = Image.new("RGBA", LEAD_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(2, 4)):
        # Slanted translucent bands crossing the frame.
        y, thickness = rng.randint(-100, height), rng.randint(40, 180)
        slope = rng.randint(-350, 350)
        colour = rng.choice((light, mid, dark))
        draw.polygon(
            [(0, y), (width, y + slope), (width, y + slope + thickness), (0, y + thickness)],
            fill=(*colour, rng.randint(35, 90)),
        )
    for _ in range(rng.randint(3, 6)):
        r = rng.randint(30, 260)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        box = (cx - r, cy - r, cx + r, cy + r)
        if rng.random() < 0.45:
            draw.ellipse(box, outline=(*light, rng.randint(90, 180)), width=rng.randint(4, 18))
        else:
            colour = accent if rng.random() < 0.5 else light
            draw.ellipse(box, fill=(*colour, rng.randint(70, 190)))
    # A one-pixel blur stands in for anti-aliasing, which ImageDraw lacks.
    image.alpha_composite(shapes.filter(ImageFilter.BoxBlur(1)))

    # Darker edges, as on a photograph.
    vignette = Image.radial_gradient("L").resize(LEAD_SIZE).point(lambda v: v * 110 // 255)
    black = Image.new("RGBA", LEAD_SIZE, (0, 0, 0, 255))
    image = Image.composite(black, image, vignette)
    return _jpeg(image.convert("RGB"))


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def author_photo(name: str, slug: str) -> bytes:
    """A square 400x400 portrait placeholder: initials on a colour chosen by the slug."""
    rng = _rng(slug)
    base = _rgb(rng.choice(PORTRAIT_COLOURS))
    size = (PHOTO_SIZE, PHOTO_SIZE)
    image = _gradient(size, _mix(base, (255, 255, 255), 0.15), _mix(base, (0, 0, 0), 0.25), 30)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=160)
    text = initials(name)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    position = ((PHOTO_SIZE - (right - left)) / 2 - left, (PHOTO_SIZE - (bottom - top)) / 2 - top)
    draw.text(position, text, font=font, fill=(255, 255, 255))
    return _jpeg(image)
