"""forked_labelled joined again by 0005_merge, then 0006_order_shipped."""
