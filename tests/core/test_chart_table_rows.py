"""The chart partial's data table, rendered in one pass, prints every cell by one rule:
suppressed, a dash, yes/no, rates and gaps for people, named formats, and every text escaped."""

from equity_portal.core.templatetags.core_charts import chart_rows

ROWS = [
    {"group": 'Black <b>"&\'', "rate": 0.1234, "difference": 0.052, "significant": True,
     "suppressed": False, "share": 0.5, "n": 1200},
    {"group": "Asian", "rate": None, "difference": None, "significant": None,
     "suppressed": True, "share": None, "n": None},
    {"group": "White", "rate": None, "difference": -0.01, "significant": False,
     "suppressed": False, "share": 0.25, "n": 0},
]  # fmt: off
COLUMNS = ["group", "rate", "difference", "significant", "share", "n"]
FORMATS = {"share": "pct"}


def test_one_pass_rows_print_every_cell_by_the_rule():
    chart = {"columns": COLUMNS, "rows": ROWS, "formats": FORMATS}
    hidden = '<td class="suppressed">suppressed</td>'
    assert str(chart_rows(chart)) == (
        "<tr><td>Black &lt;b&gt;&quot;&amp;&#x27;</td><td>12.3%</td><td>+5.2 pp</td>"
        "<td>yes</td><td>50.0%</td><td>1200</td></tr>"
        f"<tr><td>Asian</td>{hidden * 5}</tr>"
        "<tr><td>White</td><td>—</td><td>-1.0 pp</td><td>no</td><td>25.0%</td><td>0</td></tr>"
    )


def test_cells_read_as_people_expect():
    html = str(chart_rows({"columns": COLUMNS, "rows": ROWS, "formats": FORMATS}))
    assert "<td>Black &lt;b&gt;&quot;&amp;&#x27;</td>" in html  # escaped, never markup
    assert "<td>12.3%</td>" in html and "<td>+5.2 pp</td>" in html and "<td>50.0%</td>" in html
    assert html.count('<td class="suppressed">suppressed</td>') == 5  # Asian's numbers
    assert "<td>yes</td>" in html and "<td>no</td>" in html and "<td>—</td>" in html
    assert "<td>0</td>" in html and "<td>1200</td>" in html
