"""Draw GNApp's icon: a white house on a red rounded square, a golden star over its door.

    python tools/make_icon.py    writes resources/icons/gnapp.png (256 px) and gnapp.ico

Drawn large and scaled down, so the edges are smooth at every size.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
CANVAS = 1024
RED = (196, 30, 36, 255)
WHITE = (255, 255, 255, 255)
GOLD = (255, 205, 0, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw() -> Image.Image:
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((32, 32, CANVAS - 32, CANVAS - 32), radius=200, fill=RED)
    pen.polygon([(512, 170), (150, 500), (874, 500)], fill=WHITE)  # the roof
    pen.rectangle((250, 470, 774, 840), fill=WHITE)  # the walls
    pen.polygon(_star(512, 640, 150), fill=GOLD)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "gnapp.png")
    image.save(ICONS / "gnapp.ico", sizes=ICO_SIZES)


if __name__ == "__main__":
    main()
