"""One colour per patient group across every chart of the product (issue 14 §4).

Colours are from Paul Tol's "muted" and Okabe and Ito's colour-blind-safe schemes, the light
ones (cyan, sand, yellow) replaced by darker hues so every line has 3:1 contrast on white (WCAG
1.4.11); Unknown and Declined (shown, never compared) are greys. The
standard categories (OMB SPD 15 and the portal's own) have fixed colours, so Black or African
American is the same colour on every page, PDF and export; any other group takes the first
colour no group of the same chart uses, so no two groups of one chart share a colour."""

from collections.abc import Iterable

PALETTE = (
    "#332288",  # indigo (Tol)
    "#117733",  # green (Tol)
    "#D55E00",  # vermillion (Okabe-Ito)
    "#0072B2",  # blue (Okabe-Ito)
    "#882255",  # wine (Tol)
    "#2C7F7A",  # dark teal
    "#7A6F00",  # dark olive
    "#AA4499",  # purple (Tol)
    "#CC6677",  # rose (Tol)
)
GREYS = ("#595959", "#8C8C8C")

FIXED = {
    "White": PALETTE[0],
    "Black or African American": PALETTE[1],
    "Hispanic or Latino": PALETTE[2],
    "Asian": PALETTE[3],
    "American Indian or Alaska Native": PALETTE[4],
    "Native Hawaiian or Pacific Islander": PALETTE[5],
    "Middle Eastern or North African": PALETTE[6],
    "Multiracial": PALETTE[7],
    "Unknown": GREYS[0],
    "Declined": GREYS[1],
    "Declined / asked but no answer": GREYS[1],
}
# Lines that are not a group: the reference and target lines of a goal's chart.
REFERENCE = "#555555"
TARGET = "#000000"


def group_colours(groups: Iterable[str]) -> dict[str, str]:
    """{group: colour} for the groups of one chart: fixed colours first, then the unused
    palette colours in order of the groups' names (more groups than colours reuse them)."""
    groups = list(dict.fromkeys(groups))
    colours = {g: FIXED[g] for g in groups if g in FIXED}
    free = [c for c in PALETTE if c not in colours.values()] or list(PALETTE)
    for i, group in enumerate(sorted(g for g in groups if g not in colours)):
        colours[group] = free[i % len(free)]
    return colours
