"""forked_labelled without labels: two indistinguishable heads."""
