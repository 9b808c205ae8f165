"""The forms of the groups pages, one module per topic."""
