"""HTTP clients of the two vendors: the only place that knows URLs, headers, pages, batches and limits."""
