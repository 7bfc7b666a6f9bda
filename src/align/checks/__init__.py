"""Discrepancy checks: each looks at aligned text and reports Issues (see align.model)."""
