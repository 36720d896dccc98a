"""Site: indexes, statistics, charts, the page plan, feeds, open data, search metadata."""
