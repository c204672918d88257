"""QR codes of the platform's own links (a store's check-in, a chain's share link), as
inline SVG drawn by segno."""

import segno


def qr_svg(url: str, scale: int = 4) -> str:
    # segno writes the SVG itself from a URL the platform built (its own host, a slug
    # and a code of letters, digits, "-", "_" and "."): nothing typed by a person
    # reaches the markup.
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff")
