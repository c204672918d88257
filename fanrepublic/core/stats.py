"""Small statistics shared by the metrics pages."""

import statistics


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (1–99, inclusive method); None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
