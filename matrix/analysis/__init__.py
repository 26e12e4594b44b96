"""Analysis: the matrices counted from the claims, coverage, agreement between coders, the diff between versions."""
