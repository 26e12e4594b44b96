"""Time: dates, periods and time ranges, and positions counted per period."""
