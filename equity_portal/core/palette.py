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
# Series that are not patient groups (dimensions, domains, the overall score), in order.
SERIES = PALETTE
# Roles that are not a group. REFERENCE: a reference level drawn as a line; TARGET: a goal's
# target; LIMIT: control limits, baselines and other guide lines; ZERO: the zero line of a gap.
REFERENCE = "#555555"
TARGET = "#000000"
LIMIT = GREYS[0]
ZERO = GREYS[1]
# A gap (focus minus reference) and PDSA cycles are not groups either: colours no fixed group
# takes, so they never read as one.
GAP = PALETTE[8]
CYCLE = "#4D4D4D"
# Significance and "Making Data Count" variation/assurance: blue improving or will meet,
# vermillion a concern (significantly worse, deteriorating, will not meet), grey no signal.
IMPROVING = PALETTE[3]
CONCERN = PALETTE[2]
NO_SIGNAL = GREYS[0]
SIGNIFICANT = CONCERN
NOT_SIGNIFICANT = GREYS[0]
# Chart furniture: background, frame, grid lines and small text (provenance, axis labels).
BACKGROUND = "#FFFFFF"
FRAME = "#BBBBBB"
GRID = "#E5E5E5"
TEXT = "#444444"
# Sequential scale of heatmaps (plotly's "Blues" is readable by colour-blind viewers).
SEQUENTIAL = "Blues"

ALL = frozenset(
    c.upper() for c in (*PALETTE, *GREYS, REFERENCE, TARGET, CYCLE, BACKGROUND, FRAME, GRID, TEXT)
)
ROLES = {
    "reference": REFERENCE,
    "target": TARGET,
    "limit": LIMIT,
    "zero": ZERO,
    "gap": GAP,
    "cycle": CYCLE,
    "improving": IMPROVING,
    "concern": CONCERN,
    "no_signal": NO_SIGNAL,
    "significant": SIGNIFICANT,
    "not_significant": NOT_SIGNIFICANT,
    "background": BACKGROUND,
}


def group_colours(groups: Iterable[str]) -> dict[str, str]:
    """{group: colour} for the groups of one chart: fixed colours first, then the unused
    palette colours in order of the groups' names (more groups than colours reuse them)."""
    groups = list(dict.fromkeys(groups))
    colours = {g: FIXED[g] for g in groups if g in FIXED}
    free = [c for c in PALETTE if c not in colours.values()] or list(PALETTE)
    for i, group in enumerate(sorted(g for g in groups if g not in colours)):
        colours[group] = free[i % len(free)]
    return colours


def group_colour(group: str) -> str:
    """The colour of a group shown alone (a sparkline): its fixed colour, else the first."""
    return FIXED.get(group, PALETTE[0])


def series_colour(index: int) -> str:
    return SERIES[index % len(SERIES)]
