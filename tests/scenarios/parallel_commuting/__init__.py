r"""Two branches change Order: one renames a field, the other adds one. They commute.

    shop: 0001_initial --> 0002_rename_note
                      \--> 0002_order_status [fulfilment]
"""
