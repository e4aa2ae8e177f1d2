"""Charts that read in Chinese: dates and weekdays in Chinese (Vega-Lite's time locale), and a
Chinese description for screen readers instead of the English ones Vega writes for each part."""
from __future__ import annotations

import altair as alt

TIME_LOCALE = {
    "dateTime": "%Y年%-m月%-d日 %X", "date": "%Y-%m-%d", "time": "%H:%M:%S",
    "periods": ["上午", "下午"],
    "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    "months": [f"{month}月" for month in range(1, 13)],
    "shortMonths": [f"{month}月" for month in range(1, 13)],
}


def chinese(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """The chart, finished: Chinese time formats and one Chinese description of it."""
    return chart.properties(description=description).configure(
        locale={"time": TIME_LOCALE}, aria=False).configure_title(aria=False)
