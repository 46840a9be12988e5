"""Illustrations for the demo content, drawn with Pillow: no photographs, no downloads.

Each picture is a simple flat-colour scene (sky, horizon, a silhouette for the section) in
colours seeded from its name, so every article gets its own image and reruns match.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def _palette(rng):
    hue_sets = [
        ((32, 58, 96), (226, 150, 92)),  # dusk
        ((70, 120, 170), (200, 220, 235)),  # day
        ((24, 30, 48), (90, 70, 120)),  # night
        ((120, 140, 150), (220, 210, 190)),  # overcast
        ((150, 80, 60), (240, 200, 140)),  # dawn
    ]
    top, bottom = rng.choice(hue_sets)
    return top, bottom


def _gradient(draw, width, height, top, bottom):
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def _aircraft(draw, cx, cy, s, colour):
    draw.polygon(
        [
            (cx - 3 * s, cy),
            (cx + 3 * s, cy - s * 0.2),
            (cx + 3.2 * s, cy + s * 0.1),
            (cx - 3 * s, cy + s * 0.35),
        ],
        fill=colour,
    )
    draw.polygon(
        [(cx - 0.2 * s, cy), (cx + 1.2 * s, cy), (cx - 1.4 * s, cy + 1.6 * s)], fill=colour
    )
    draw.polygon(
        [(cx - 0.2 * s, cy), (cx + 1.0 * s, cy), (cx - 1.2 * s, cy - 1.4 * s)], fill=colour
    )
    draw.polygon([(cx - 3 * s, cy), (cx - 2.3 * s, cy), (cx - 3.1 * s, cy - 1.0 * s)], fill=colour)


def _ship(draw, cx, cy, s, colour):
    draw.polygon(
        [(cx - 5 * s, cy), (cx + 5.5 * s, cy), (cx + 4.5 * s, cy + s), (cx - 4.6 * s, cy + s)],
        fill=colour,
    )
    draw.rectangle([cx - 2 * s, cy - 1.2 * s, cx + 1.5 * s, cy], fill=colour)
    draw.rectangle([cx - 1 * s, cy - 2.3 * s, cx + 0.3 * s, cy - 1.2 * s], fill=colour)
    draw.line(
        [(cx - 0.4 * s, cy - 2.3 * s), (cx - 0.4 * s, cy - 3.6 * s)],
        fill=colour,
        width=max(2, int(s / 5)),
    )
    draw.rectangle([cx + 2.5 * s, cy - 0.5 * s, cx + 3.4 * s, cy], fill=colour)


def _vehicle(draw, cx, cy, s, colour):
    draw.rounded_rectangle(
        [cx - 3.5 * s, cy - 0.2 * s, cx + 3.5 * s, cy + 1.1 * s], radius=s * 0.5, fill=colour
    )
    draw.polygon(
        [
            (cx - 2.8 * s, cy - 0.2 * s),
            (cx + 2.6 * s, cy - 0.2 * s),
            (cx + 2 * s, cy - 1.1 * s),
            (cx - 2.2 * s, cy - 1.1 * s),
        ],
        fill=colour,
    )
    draw.rectangle([cx - 1.3 * s, cy - 1.9 * s, cx + 0.9 * s, cy - 1.1 * s], fill=colour)
    draw.rectangle([cx + 0.9 * s, cy - 1.6 * s, cx + 5.2 * s, cy - 1.35 * s], fill=colour)


def _factory(draw, cx, cy, s, colour):
    for i in range(4):
        x = cx - 4 * s + i * 2 * s
        draw.polygon(
            [(x, cy), (x, cy - 1.2 * s), (x + 2 * s, cy - 2 * s), (x + 2 * s, cy)], fill=colour
        )
    draw.rectangle([cx + 4.3 * s, cy - 4.5 * s, cx + 5 * s, cy], fill=colour)
    draw.rectangle([cx - 5.2 * s, cy - 3.5 * s, cx - 4.6 * s, cy], fill=colour)


def _dish(draw, cx, cy, s, colour):
    draw.pieslice([cx - 2.5 * s, cy - 3.5 * s, cx + 2.5 * s, cy + 1.5 * s], 200, 380, fill=colour)
    draw.rectangle([cx - 0.25 * s, cy - 1 * s, cx + 0.25 * s, cy + 1.5 * s], fill=colour)
    draw.rectangle([cx - 1.5 * s, cy + 1.5 * s, cx + 1.5 * s, cy + 1.9 * s], fill=colour)


SUBJECTS = {
    "land": _vehicle,
    "air": _aircraft,
    "naval": _ship,
    "industry": _factory,
    "cyber-space": _dish,
}


def scene(seed, section, width=1600, height=900, quality=84):
    """JPEG bytes of an illustration for `section`, different for every `seed`."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = _palette(rng)
    _gradient(draw, width, height, top, bottom)
    horizon = int(height * rng.uniform(0.58, 0.72))
    ground = tuple(max(0, c - 70) for c in bottom) if section != "naval" else (30, 60, 90)
    draw.rectangle([0, horizon, width, height], fill=ground)
    naval = section == "naval"
    for _ in range(rng.randint(2, 5)):  # distant hills, or swell at sea
        x = rng.randint(-200, width)
        w = rng.randint(200, 600)
        h = rng.randint(4, 14) if naval else rng.randint(20, 90)
        shade = (44, 78, 112) if naval else tuple(max(0, c - 40) for c in bottom)
        draw.ellipse([x, horizon - h, x + w, horizon + h], fill=shade)
    silhouette = (20, 24, 30)
    scale = width / rng.uniform(26, 34)
    draw_subject = SUBJECTS.get(section, _vehicle)
    cx = int(width * rng.uniform(0.35, 0.65))
    cy = int(height * 0.3) if section == "air" else horizon - int(scale * 0.4)
    draw_subject(draw, cx, cy, scale, silhouette)
    if section == "air":
        trail = (240, 240, 240)
        draw.line([(0, cy + scale * 0.1), (cx - 3 * scale, cy + scale * 0.1)], fill=trail, width=3)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def portrait(colour, seed, size=600):
    """PNG bytes of a stylised head-and-shoulders silhouette on a coloured background."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 60) for c in colour)
    draw.ellipse([-size * 0.2, -size * 0.2, size * 0.8, size * 0.8], fill=light)
    skin = rng.choice([(236, 200, 170), (198, 150, 110), (150, 100, 70), (110, 75, 55)])
    hair = rng.choice([(40, 30, 25), (90, 60, 30), (160, 130, 90), (70, 70, 70)])
    shirt = tuple(max(0, c - 50) for c in colour)
    draw.ellipse([size * 0.18, size * 0.72, size * 0.82, size * 1.3], fill=shirt)  # shoulders
    draw.rectangle([size * 0.44, size * 0.58, size * 0.56, size * 0.76], fill=skin)  # neck
    draw.ellipse([size * 0.32, size * 0.2, size * 0.68, size * 0.64], fill=skin)  # head
    draw.chord([size * 0.30, size * 0.16, size * 0.70, size * 0.5], 180, 360, fill=hair)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
