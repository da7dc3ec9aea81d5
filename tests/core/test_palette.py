"""One colour per group across every chart, distinct within a chart, contrast on white."""

import re
from pathlib import Path

from equity_portal.core import palette
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


# --- Every chart of the product takes its colours from the palette ------------------------

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "commitments", "learning", "data_hub", "vision", "improvement", "overview", "equity_portal",
    "templates",
)  # fmt: skip
HEX = re.compile(r"(?<![&\w])#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
FORBIDDEN = (
    re.compile(r"\brgba?\("),  # a colour written as rgb()
    re.compile(r"\bhsla?\("),
    re.compile(r"\bcolors\.(?!HexColor\b)\w+"),  # reportlab's named colours (colors.red)
    re.compile(r"template=.plotly"),  # a plotly template brings its own colour cycle
    re.compile(
        r"""(?:color|colour|fill|stroke)\W{1,4}(?:red|blue|green|orange|black|grey|gray)\b"""
    ),
)


def _chart_sources() -> list[Path]:
    """Chart-building code: Python that builds plotly figures or reportlab drawings, templates
    that draw a chart (the chart partial, a figure, inline SVG), and the core's charts.js."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if "migrations" in path.parts or path.name == "palette.py":
                continue
            if path.suffix == ".py":
                text = path.read_text()
                if path.name in ("charts.py", "pdf.py") or "plotly" in text or "reportlab" in text:
                    found.append(path)
            elif path.suffix in (".html", ".js"):
                text = path.read_text()
                if "<svg" in text or "data-figure" in text or "plotly" in text:
                    found.append(path)
    return found


def test_the_scan_finds_the_product_s_chart_code():
    names = {str(p.relative_to(ROOT)) for p in _chart_sources()}
    for expected in (
        "data_hub/results/charts.py",
        "data_hub/quality/charts.py",
        "improvement/charts.py",
        "commitments/charts.py",
        "learning/charts.py",
        "overview/pdf.py",
        "equity_portal/core/charts.py",
        "improvement/templates/improvement/_icons.html",
        "overview/templates/overview/_priority_table.html",
        "templates/partials/chart.html",
        "equity_portal/core/static/core/charts.js",
    ):
        assert expected in names, expected


def test_chart_code_uses_no_colour_outside_the_palette():
    allowed = palette.ALL
    offences = []
    for path in _chart_sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            offences += [f"{where}: {m.group(0)}" for m in HEX.finditer(line)
                         if m.group(0).upper() not in allowed]  # fmt: skip
            offences += [f"{where}: {p.pattern}" for p in FORBIDDEN if p.search(line)]
    assert offences == [], "\n".join(offences)


def test_the_scan_catches_a_hard_coded_colour(tmp_path):
    line = 'line={"color": "#1d4e89"}'
    assert [m.group(0) for m in HEX.finditer(line) if m.group(0).upper() not in palette.ALL]
    assert any(p.search("colors.red") for p in FORBIDDEN)
    assert not [m for m in HEX.finditer("&#x2191;")]


def _colours(node) -> set[str]:
    if isinstance(node, dict):
        out = set()
        for key, value in node.items():
            if key.endswith("color") and isinstance(value, str):
                out.add(value.upper())
            elif key.endswith("color") and isinstance(value, list):
                out |= {v.upper() for v in value}
            else:
                out |= _colours(value)
        return out
    if isinstance(node, list):
        return set().union(*(_colours(v) for v in node)) if node else set()
    return set()


def test_rendered_explorer_charts_use_palette_colours_per_group():
    from data_hub.results import charts

    groups = ["White", "Black or African American", "Asian", "Group Z"]
    rows = [
        {"group": g, "period_label": p, "rate": 0.1 + i / 50, "rate_lower": 0.05,
         "rate_upper": 0.3, "is_reference": g == "White", "suppressed": False,
         "difference": 0.01 * i, "reference_group": "White"}
        for p in ("2024 Q1", "2024 Q2") for i, g in enumerate(groups)
    ]  # fmt: skip
    rates = charts.rates_figure(rows[:4], reference=0.1, reference_name="White")
    trend = charts.trend_figure(rows)
    gap = charts.gap_figure(rows)
    expected = group_colours(groups)
    for figure in (rates, trend, gap):
        assert _colours(figure) and _colours(figure) <= palette.ALL
    assert rates["data"][0]["marker"]["color"] == [expected[g] for g in groups]
    assert {t["name"]: t["line"]["color"] for t in trend["data"]} == expected


def test_the_board_report_chart_draws_in_palette_colours():
    from overview.pdf import chart_svg
    from overview.report import ChartPoint, PriorityChart

    chart = PriorityChart(
        title="Screening", measure_name="Screening", dimension_label="Race and ethnicity",
        group="Black or African American", reference_group="White",
        points=(ChartPoint("2024 Q1", 0.5, 0.7), ChartPoint("2024 Q2", 0.55, 0.7),
                ChartPoint("2024 Q3", None, 0.71)),
        target_text="", target_rate=0.65, latest_text="", gap_text="", change_text="",
        verdict="", provenance="Extract 1",
    )  # fmt: skip
    svg = chart_svg(chart)
    # reportlab writes colours as rgb(r%,g%,b%), rounded: match each to a palette colour
    drawn = [
        tuple(int(v) * 2.55 for v in c) for c in re.findall(r"rgb\((\d+)%,(\d+)%,(\d+)%\)", svg)
    ]
    assert drawn

    def near(hex_colour: str, rgb: tuple) -> bool:
        channels = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
        return all(abs(a - b) <= 3 for a, b in zip(channels, rgb, strict=True))

    assert all(any(near(c, rgb) for c in palette.ALL) for rgb in drawn), drawn
    expected = group_colours(["Black or African American", "White"])
    for colour in expected.values():
        assert any(near(colour, rgb) for rgb in drawn), colour
