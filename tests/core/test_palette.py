"""One colour per group across every chart, distinct within a chart, contrast on white."""

from equity_portal.core.palette import FIXED, GREYS, PALETTE, group_colours


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_standard_group_has_the_same_colour_in_every_chart():
    one = group_colours(["White", "Black or African American", "Asian"])
    other = group_colours(["Asian", "Hispanic or Latino", "Black or African American", "X y"])
    assert one["Black or African American"] == other["Black or African American"]
    assert one["Asian"] == other["Asian"]


def test_no_two_groups_of_a_chart_share_a_colour():
    groups = ["White", "Asian", "Group A", "Group B", "Group C", "Unknown", "Declined"]
    colours = group_colours(groups)
    assert len(set(colours.values())) == len(groups)
    many = [*FIXED][:8] + ["Other one"]
    assert len(set(group_colours(many).values())) == len(many)


def test_every_colour_has_3_to_1_contrast_on_white():
    for colour in (*PALETTE, *GREYS):
        assert (1.05) / (_luminance(colour) + 0.05) >= 3, colour
