"""Draws a group's physics-vs-cost points and Pareto front as an SVG (standard library only).

    python3 pareto_svg.py URL TOKEN GROUP_ID out.svg

Every member's best design is a dot (labelled with its swept values); the front is orange and
joined as a staircase. Convert to PNG with any SVG renderer, e.g.
``chromium --headless --screenshot=out.png --window-size=760,480 out.svg``.
"""
import sys
from xml.sax.saxutils import escape

sys.path.insert(0, __file__.rsplit("/", 2)[0])  # the detopt package next to this folder
from detopt import Client  # noqa: E402


def svg(points, title, width=760, height=480):
    left, right, top, bottom = 90, 30, 40, 60
    xs = [p["cost"] for p in points]
    ys = [p["physics"] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    dx, dy = (x1 - x0) or abs(x0) or 1.0, (y1 - y0) or abs(y0) or 1.0
    x0, x1, y0, y1 = x0 - 0.06 * dx, x1 + 0.06 * dx, y0 - 0.06 * dy, y1 + 0.06 * dy

    def X(v):
        return left + (v - x0) / (x1 - x0) * (width - left - right)

    def Y(v):
        return height - bottom - (v - y0) / (y1 - y0) * (height - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
           f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" fill="none" stroke="#99a"/>']
    for i in range(5):
        xv, yv = x0 + i / 4 * (x1 - x0), y0 + i / 4 * (y1 - y0)
        out.append(f'<text x="{X(xv):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="12">{xv:.4g}</text>')
        out.append(f'<text x="{left - 8}" y="{Y(yv) + 4:.1f}" text-anchor="end" font-size="12">{yv:.4g}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 18}" text-anchor="middle" font-size="13">'
               f'cost of the best design</text>')
    out.append(f'<text x="20" y="{(top + height - bottom) / 2}" text-anchor="middle" font-size="13" '
               f'transform="rotate(-90 20 {(top + height - bottom) / 2})">physics loss (relative resolution²)</text>')
    front = sorted((p for p in points if p["onFront"]), key=lambda p: p["cost"])
    if len(front) > 1:
        d = f'M {X(front[0]["cost"]):.1f} {Y(front[0]["physics"]):.1f}'
        for p in front[1:]:
            d += f' H {X(p["cost"]):.1f} V {Y(p["physics"]):.1f}'
        out.append(f'<path d="{d}" fill="none" stroke="#d9480f" stroke-width="1.5" stroke-dasharray="5 3"/>')
    for p in points:
        colour = "#d9480f" if p["onFront"] else "#2456c9"
        label = ", ".join(f"{k.split('.')[-1]}={v}" for k, v in (p.get("values") or {}).items())
        out.append(f'<circle cx="{X(p["cost"]):.1f}" cy="{Y(p["physics"]):.1f}" r="{6 if p["onFront"] else 4}" '
                   f'fill="{colour}" fill-opacity="0.85"/>')
        out.append(f'<text x="{X(p["cost"]) + 8:.1f}" y="{Y(p["physics"]) - 6:.1f}" font-size="10" fill="#445">'
                   f'{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


if __name__ == "__main__":
    url, token, group_id, path = sys.argv[1:5]
    group = Client(url, token).group(group_id).info
    with open(path, "w") as f:
        f.write(svg(group["points"], group["name"] + ": best designs, Pareto front in orange"))
