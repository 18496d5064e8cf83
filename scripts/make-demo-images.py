#!/usr/bin/env python3
"""Draws the demo catalog's product images as small SVG illustrations (public/demo/).

Run once; the output is committed. Each product gets a cover ("-a") and a second view ("-b").
"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "public", "demo")

# name: (background, accent, dark, kind)
PRODUCTS = {
    "oolong": ("#e8f1e4", "#5b8c51", "#2f4f2a", "tin"),
    "puer": ("#f3e7da", "#8b5a3c", "#4a2e1f", "cake"),
    "longjing": ("#eef5e1", "#7aa33b", "#3d5a1a", "tin"),
    "osmanthus": ("#fbf0d9", "#d99a2b", "#7a4f0c", "box"),
    "eggroll": ("#fdf3dc", "#e0a43a", "#8a5a14", "box"),
    "almond": ("#f6ece0", "#b98552", "#5e3d1e", "cookie"),
    "mango": ("#fff2d6", "#f2a413", "#8f5a00", "bag"),
    "sesame": ("#ecebe8", "#3b3a38", "#1c1b1a", "bag"),
    "teacup": ("#e7eef3", "#7d9db3", "#34505f", "cup"),
    "chopsticks": ("#f2eee2", "#b59b62", "#5c4b26", "sticks"),
    "tote": ("#eeeae3", "#a3957d", "#4f4536", "tote"),
    "candle": ("#f4efe9", "#c9b8a4", "#5a4a3a", "candle"),
}


def shape(kind, accent, dark):
    if kind == "tin":
        return (f'<rect x="200" y="170" width="200" height="280" rx="22" fill="{accent}"/>'
                f'<rect x="190" y="150" width="220" height="46" rx="14" fill="{dark}"/>'
                f'<rect x="230" y="260" width="140" height="110" rx="10" fill="#fff" opacity=".85"/>'
                f'<circle cx="300" cy="315" r="30" fill="{accent}" opacity=".7"/>')
    if kind == "cake":
        return (f'<ellipse cx="300" cy="330" rx="190" ry="120" fill="{accent}"/>'
                f'<ellipse cx="300" cy="310" rx="190" ry="120" fill="{dark}" opacity=".25"/>'
                f'<ellipse cx="300" cy="300" rx="70" ry="44" fill="#fff" opacity=".85"/>')
    if kind == "box":
        return (f'<rect x="150" y="200" width="300" height="220" rx="16" fill="{accent}"/>'
                f'<rect x="150" y="180" width="300" height="50" rx="12" fill="{dark}"/>'
                f'<rect x="285" y="180" width="30" height="240" fill="#fff" opacity=".7"/>')
    if kind == "cookie":
        return "".join(
            f'<circle cx="{x}" cy="{y}" r="70" fill="{accent}"/><circle cx="{x}" cy="{y}" r="48" fill="{dark}" opacity=".2"/>'
            for x, y in [(220, 250), (380, 250), (300, 380)])
    if kind == "bag":
        return (f'<path d="M190 170 h220 l30 290 h-280 z" fill="{accent}"/>'
                f'<rect x="190" y="150" width="220" height="34" rx="6" fill="{dark}"/>'
                f'<rect x="235" y="270" width="130" height="90" rx="12" fill="#fff" opacity=".85"/>')
    if kind == "cup":
        return (f'<path d="M180 230 h240 l-26 180 a30 30 0 0 1 -30 26 h-128 a30 30 0 0 1 -30 -26 z" fill="{accent}"/>'
                f'<ellipse cx="300" cy="230" rx="120" ry="26" fill="{dark}" opacity=".5"/>'
                f'<ellipse cx="300" cy="456" rx="150" ry="20" fill="{dark}" opacity=".15"/>')
    if kind == "sticks":
        return "".join(
            f'<rect x="{x}" y="120" width="16" height="360" rx="8" fill="{accent}" transform="rotate({r} 300 300)"/>'
            for x, r in [(250, -12), (275, -6), (300, 0), (325, 6), (350, 12)])
    if kind == "tote":
        return (f'<path d="M240 220 a60 80 0 0 1 120 0" fill="none" stroke="{dark}" stroke-width="16"/>'
                f'<rect x="170" y="220" width="260" height="250" rx="12" fill="{accent}"/>'
                f'<circle cx="300" cy="345" r="46" fill="#fff" opacity=".8"/>')
    if kind == "candle":
        return (f'<rect x="200" y="230" width="200" height="230" rx="20" fill="{accent}"/>'
                f'<rect x="190" y="210" width="220" height="36" rx="10" fill="{dark}" opacity=".7"/>'
                f'<path d="M300 120 c24 34 24 60 0 80 c-24 -20 -24 -46 0 -80z" fill="#f2a413"/>'
                f'<rect x="296" y="196" width="8" height="20" fill="{dark}"/>')
    raise ValueError(kind)


def svg(bg, accent, dark, kind, variant):
    body = shape(kind, accent, dark)
    if variant == "b":
        # The second view: closer, tilted, on a pattern, so the gallery shows two images.
        body = f'<g transform="rotate(-8 300 300) scale(1.1) translate(-27 -27)">{body}</g>'
        pattern = "".join(f'<circle cx="{x}" cy="{y}" r="6" fill="{accent}" opacity=".18"/>'
                          for x in range(40, 600, 80) for y in range(40, 600, 80))
    else:
        pattern = f'<ellipse cx="300" cy="500" rx="210" ry="28" fill="{dark}" opacity=".12"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600">'
            f'<rect width="600" height="600" fill="{bg}"/>{pattern}{body}</svg>\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (bg, accent, dark, kind) in PRODUCTS.items():
        for variant in "ab":
            with open(os.path.join(OUT, f"{name}-{variant}.svg"), "w") as f:
                f.write(svg(bg, accent, dark, kind, variant))


if __name__ == "__main__":
    main()
