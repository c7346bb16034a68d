r"""One branch fills Order.note with RunPython, the other adds a field. Opaque.

    shop: 0001_initial --> 0002_fill_note
                      \--> 0002_order_status [fulfilment]
"""
