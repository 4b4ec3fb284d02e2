"""The report's charts, drawn with matplotlib as inline SVG: the same picture in the browser and
in the PDF (WeasyPrint draws SVG), no JavaScript library and nothing fetched from the web."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

COLORS = {"main": "#8a1538", "second": "#2f6f8f", "third": "#c9a227", "muted": "#9aa5ad"}
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "svg.fonttype": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "svg.hashsalt": "t82",
    }
)


def thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def _svg(fig) -> str:
    out = io.StringIO()
    # A fixed layout: "tight" bounding boxes draw every figure twice, the slowest part here.
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg") :]  # inline: no XML prologue


def _figure(width: float, height: float, left: float = 0.09):
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=left, right=0.98, top=0.95, bottom=0.14)
    return fig, ax


def _axis_thousands(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: thousands(v)))


def daily_line(days: list[date], values: list[float], previous: list[float] | None, label: str) -> str:
    fig, ax = _figure(7.2, 2.6)
    ax.plot(days, values, color=COLORS["main"], linewidth=1, label=label)
    if previous and any(v is not None for v in previous):
        ax.plot(days, previous, color=COLORS["muted"], linewidth=0.8, label="année précédente")
        ax.legend(frameon=False, loc="upper left")
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: MONTHS[mdates.num2date(v).month - 1]))
    _axis_thousands(ax)
    ax.set_ylim(bottom=0)
    return _svg(fig)


def monthly_stacked(months: list[int], french: list[float], foreign: list[float], previous: list[float | None]) -> str:
    fig, ax = _figure(7.2, 2.6)
    labels = [MONTHS[m - 1] for m in months]
    ax.bar(labels, french, color=COLORS["main"], label="Français")
    ax.bar(labels, foreign, bottom=french, color=COLORS["second"], label="Étrangers")
    if any(p is not None for p in previous):
        ax.plot(
            labels,
            [p if p is not None else float("nan") for p in previous],
            "o--",
            color=COLORS["third"],
            markersize=3,
            linewidth=1,
            label="total année précédente",
        )
    ax.legend(frameon=False, ncols=3, loc="upper left")
    _axis_thousands(ax)
    return _svg(fig)


def ranked_bars(labels: list[str], values: list[float], color: str = COLORS["main"]) -> str:
    fig, ax = _figure(3.6, 0.28 * max(len(labels), 3) + 0.7, left=0.36)
    ax.barh(labels[::-1], values[::-1], color=color)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: thousands(v)))
    ax.tick_params(axis="y", labelsize=8)
    ax.tick_params(axis="x", labelsize=7, rotation=30)
    return _svg(fig)


def grouped_bars(labels: list[str], first: list[float], second: list[float], names: tuple[str, str]) -> str:
    fig, ax = _figure(7.2, 2.4)
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], first, width=0.4, color=COLORS["main"], label=names[0])
    ax.bar([i + 0.2 for i in x], second, width=0.4, color=COLORS["second"], label=names[1])
    ax.set_xticks(list(x), labels)
    ax.legend(frameon=False, ncols=2, loc="upper left")
    _axis_thousands(ax)
    return _svg(fig)


def bars(labels: list[str], values: list[float]) -> str:
    fig, ax = _figure(7.2, 2.4)
    ax.bar(labels, values, color=COLORS["main"])
    ax.tick_params(axis="x", labelsize=7)
    _axis_thousands(ax)
    return _svg(fig)
