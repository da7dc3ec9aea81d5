"""One colour per patient group across every chart of the product (issue 14 §4).

Colours come from Paul Tol's "muted" scheme, designed to stay distinguishable with the common
colour-vision deficiencies; Unknown and Declined (shown, never compared) are greys. The
standard categories (OMB SPD 15 and the portal's own) have fixed colours, so Black or African
American is the same colour on every page, PDF and export; any other group takes the first
colour no group of the same chart uses, so no two groups of one chart share a colour."""

from collections.abc import Iterable

PALETTE = (
    "#332288",  # indigo
    "#117733",  # green
    "#CC6677",  # rose
    "#88CCEE",  # cyan
    "#882255",  # wine
    "#44AA99",  # teal
    "#DDCC77",  # sand
    "#AA4499",  # purple
    "#999933",  # olive
)
GREYS = ("#777777", "#BBBBBB")

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
