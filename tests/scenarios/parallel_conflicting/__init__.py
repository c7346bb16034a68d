r"""Two branches alter the same field of Order differently. They conflict.

    shop: 0001_initial --> 0002_note_text
                      \--> 0002_note_longer [longer]
"""
