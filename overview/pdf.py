"""PDFs drawn with reportlab alone (no browser): the board report and the evidence pack's
summary. Charts are reportlab drawings, so the printable page shows the same chart as SVG."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from django.utils import timezone
from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from equity_portal.core import palette
from equity_portal.core.evidence import STATUS_LABELS
from equity_portal.core.palette import FRAME, GRID, TARGET, TEXT, group_colours

from .report import PriorityChart, ReportContent

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5, textColor=TEXT)
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=18, spaceAfter=6)
H2 = ParagraphStyle("h2", parent=STYLES["Heading2"], fontSize=13, spaceBefore=10, spaceAfter=4)
H3 = ParagraphStyle("h3", parent=STYLES["Heading3"], fontSize=10.5, spaceBefore=6, spaceAfter=2)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5, alignment=TA_LEFT)
TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(FRAME)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
)

Progress = Callable[[str, int], None]


def _p(text, style=BODY) -> Paragraph:
    # Paragraph markup is XML: escape what came from people.
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(text, style)


def _rate_cell(value: float | None) -> str:
    return "suppressed" if value is None else f"{100 * value:.1f}%"


def _table(rows: list[list], widths: list[float]) -> Table:
    data = [[_p(cell, CELL) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


# --------------------------------------------------------------------------- charts


def _c(hex_colour: str):
    """A reportlab colour (drawings rendered to SVG need Color objects, not strings)."""
    return colors.HexColor(hex_colour)


def _nice_range(values: list[float]) -> tuple[float, float, float]:
    lo, hi = min(values), max(values)
    span = max(hi - lo, 5.0)
    step = 5.0 if span <= 30 else 10.0 if span <= 60 else 20.0
    lo = max(0.0, math.floor((lo - span * 0.1) / step) * step)
    hi = min(100.0, math.ceil((hi + span * 0.1) / step) * step)
    if hi <= lo:
        hi = lo + step
    return lo, hi, step


def priority_chart_drawing(chart: PriorityChart, width: float = 460, height: float = 200):
    """Focus and reference group rates per period (percent), the target line, and the
    provenance under the plot. Suppressed periods are gaps in the line, never a number."""
    drawing = Drawing(width, height)
    left, right, bottom, top = 42, 12, 58, 14
    plot_w, plot_h = width - left - right, height - bottom - top
    values = [v * 100 for p in chart.points for v in (p.focus, p.reference) if v is not None]
    if chart.target_rate is not None:
        values.append(chart.target_rate * 100)
    if not values:
        drawing.add(String(left, height / 2, "No period can be shown (small numbers).", fontSize=9))
        drawing.add(String(left, 6, chart.provenance[:150], fontSize=6, fillColor=_c(TEXT)))
        return drawing
    lo, hi, step = _nice_range(values)
    n = len(chart.points)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return bottom + plot_h * (v - lo) / (hi - lo)

    drawing.add(Rect(left, bottom, plot_w, plot_h, fillColor=None, strokeColor=_c(FRAME)))
    tick = lo
    while tick <= hi + 1e-9:
        drawing.add(Line(left, y(tick), left + plot_w, y(tick), strokeColor=_c(GRID)))
        drawing.add(String(left - 4, y(tick) - 3, f"{tick:.0f}%", fontSize=7, textAnchor="end"))
        tick += step
    every = max(1, math.ceil(n / 8))
    for i, point in enumerate(chart.points):
        if i % every == 0 or i == n - 1:
            drawing.add(
                String(x(i), bottom - 10, point.period_label, fontSize=6.5, textAnchor="middle")
            )
    # Each group in its product-wide colour; the reference group's line dashed.
    by_group = group_colours([chart.group, chart.reference_group])
    focus_colour, reference_colour = by_group[chart.group], by_group[chart.reference_group]
    series = [
        ("reference", reference_colour, [p.reference for p in chart.points], [3, 2]),
        ("focus", focus_colour, [p.focus for p in chart.points], None),
    ]
    for _name, colour, rates, dash in series:
        segment: list[float] = []
        for i, rate in enumerate([*rates, None]):
            if rate is not None:
                segment += [x(i), y(rate * 100)]
                dot = Circle(x(i), y(rate * 100), 2.2, fillColor=_c(colour))
                dot.strokeColor = _c(colour)
                drawing.add(dot)
            elif segment:
                if len(segment) >= 4:
                    drawing.add(
                        PolyLine(segment, strokeColor=_c(colour), strokeWidth=1.6,
                                 strokeDashArray=dash)
                    )  # fmt: skip
                segment = []
    if chart.target_rate is not None:
        ty = y(chart.target_rate * 100)
        target = Line(left, ty, left + plot_w, ty, strokeColor=_c(TARGET))
        target.strokeDashArray = [1, 2]
        drawing.add(target)
        drawing.add(String(left + plot_w - 2, ty + 3, "target", fontSize=7, textAnchor="end"))
    legend_y = bottom - 26
    legend = [
        (chart.group, focus_colour, None),
        (f"{chart.reference_group} (reference)", reference_colour, [3, 2]),
    ]
    for j, (label, colour, dash) in enumerate(legend):
        lx = left + j * (plot_w / 2)
        drawing.add(Line(lx, legend_y + 3, lx + 16, legend_y + 3, strokeColor=_c(colour),
                         strokeWidth=1.6, strokeDashArray=dash))  # fmt: skip
        drawing.add(String(lx + 20, legend_y, label[:60], fontSize=7.5))
    drawing.add(String(left, 6, ("Source: " + chart.provenance)[:160], fontSize=6,
                       fillColor=_c(TEXT)))  # fmt: skip
    return drawing


def chart_svg(chart: PriorityChart) -> str:
    """The chart as inline SVG for the printable page (the XML declaration dropped)."""
    svg = renderSVG.drawToString(priority_chart_drawing(chart))
    return svg[svg.index("<svg") :]


class _DrawingFlowable(Flowable):
    def __init__(self, drawing):
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def draw(self):
        from reportlab.graphics import renderPDF

        renderPDF.draw(self.drawing, self.canv, 0, 0)


# --------------------------------------------------------------------------- board report


def _footer(title: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor(palette.REFERENCE))
        canvas.drawString(18 * mm, 10 * mm, title)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def board_report_pdf(content: ReportContent, progress: Progress | None = None) -> bytes:
    progress = progress or (lambda phase, percent: None)
    organization = content.organization
    buffer = io.BytesIO()
    title = f"{organization.name}: health equity board report"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Equity Portal",
    )
    width = A4[0] - 36 * mm
    story: list = []
    progress("Cover and steps", 10)
    story += [
        Spacer(1, 40 * mm),
        _p(organization.name, H1),
        _p("Health equity board report", H2),
        _p(f"Period: {content.period_from:%-d %B %Y} to {content.period_to:%-d %B %Y}"),
        _p(f"Prepared {timezone.localtime(content.generated_at):%-d %B %Y, %H:%M}"),
        Spacer(1, 10 * mm),
        _p(
            "This report follows the five steps of the AMA STEPS Forward toolkit (Commit, "
            "Learn, Data, Vision, Improve). Small counts are suppressed throughout.",
            SMALL,
        ),
        PageBreak(),
        _p("Progress through the five steps", H2),
        _table(
            [["Step", "Progress"], *[list(s) for s in content.steps]], [28 * mm, width - 28 * mm]
        ),
    ]
    progress("Priority inequities", 30)
    story.append(_p("Priority inequities", H2))
    if not content.priorities:
        story.append(_p("No priority inequity has been adopted yet."))
    total = max(1, len(content.priorities))
    for i, chart in enumerate(content.priorities):
        rows = [
            ["", ""],
            ["Focus and reference group", f"{chart.group} compared with {chart.reference_group}"],
            ["Latest", chart.latest_text],
            ["Gap", chart.gap_text],
            ["Target", chart.target_text],
            ["Change in the gap since baseline", chart.change_text],
            ["Verdict", chart.verdict],
        ]
        block = [
            _p(chart.title, H3),
            _p(f"{chart.measure_name} by {chart.dimension_label.lower()}", SMALL),
            _DrawingFlowable(priority_chart_drawing(chart, width=width, height=200)),
            _table(rows[1:], [55 * mm, width - 55 * mm]),
        ]
        story.append(KeepTogether(block))
        # The chart's numbers as a table (what a screen reader or a careful reader needs).
        period_rows = [["Period", chart.group, f"{chart.reference_group} (reference)"]] + [
            [p.period_label, _rate_cell(p.focus), _rate_cell(p.reference)] for p in chart.points
        ]
        story.append(Spacer(1, 2 * mm))
        story.append(_table(period_rows, [30 * mm, (width - 30 * mm) / 2, (width - 30 * mm) / 2]))
        progress("Priority inequities", 30 + int(40 * (i + 1) / total))
    progress("Charters, campaigns and data quality", 75)
    story.append(_p("Charters and campaigns", H2))
    if content.plans:
        story.append(
            _table(
                [["Kind", "Name", "Progress"], *[list(p) for p in content.plans]],
                [25 * mm, 70 * mm, width - 95 * mm],
            )
        )
    else:
        story.append(_p("No charter or campaign yet."))
    story.append(_p("Data quality", H2))
    story.append(
        _table([["", ""], *[list(q) for q in content.quality]][1:], [70 * mm, width - 70 * mm])
    )
    story.append(_p("Accreditation evidence", H2))
    if content.evidence:
        story.append(
            _table(
                [["Requirement", "Status"]]
                + [[f"{e.requirement.code}: {e.requirement.title}", e.status_label]
                   for e in content.evidence],
                [width - 30 * mm, 30 * mm],
            )
        )  # fmt: skip
    story.append(_p("Methods in plain words", H2))
    for heading, text in content.methods:
        story += [_p(heading, H3), _p(text)]
    progress("Writing the PDF", 90)
    doc.build(story, onFirstPage=_footer(title), onLaterPages=_footer(title))
    return buffer.getvalue()


# --------------------------------------------------------------------------- evidence pack


def evidence_pack_pdf(organization, pack) -> bytes:
    buffer = io.BytesIO()
    title = f"{organization.name}: accreditation evidence pack"
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=title, author="Equity Portal",
    )  # fmt: skip
    width = A4[0] - 36 * mm
    story: list = [
        _p(title, H1),
        _p(f"Prepared {timezone.localtime():%-d %B %Y}. Each requirement is met when every "
           "kind of record mapped to it is met.", SMALL),
    ]  # fmt: skip
    summary = [["Requirement", "Status"]] + [
        [f"{e.requirement.code}: {e.requirement.title}", e.status_label] for e in pack
    ]
    story.append(_table(summary, [width - 30 * mm, 30 * mm]))
    for entry in pack:
        story.append(_p(f"{entry.requirement.code}: {entry.requirement.title}", H3))
        story.append(_p(f"Status: {entry.status_label}", BODY))
        rows = [["Record kind", "Status", "What the portal holds"]]
        for kind in entry.kinds:
            found = "; ".join(item.label for item in kind.items[:5])
            rows.append([kind.label, STATUS_LABELS[kind.status], f"{kind.summary} {found}".strip()])
        story.append(_table(rows, [45 * mm, 20 * mm, width - 65 * mm]))
    doc.build(story, onFirstPage=_footer(title), onLaterPages=_footer(title))
    return buffer.getvalue()
