# Merge point of "orders": joins the trunk (0004_orderline_discount) and branch "gifting"
# (0005_order_gift_message). The two sides touch different fields, so the merge needs no
# operations. From here on the trunk carries the label "gifting" too.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_orderline_discount"),
        ("orders", "0005_order_gift_message"),
    ]

    operations = []
