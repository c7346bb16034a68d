"""The reliability campaign: 20 migrations over shop, payments and inventory.

Each does one piece of schema work, then runs the fault point of ``faults.py`` as its last
operation. Branch ``billing`` spans shop and payments; shop merges it back (0006_merge).

shop:      0001_initial - 0002_product_sku - 0003_order -+- 0004_order_note - 0005_order_status -+- 0006_merge - 0007_product_active
                                                        +- 0004_invoice [billing] - 0005_invoice_due -+
payments:  0001_initial (after shop.0003) -+- 0002_payment_method - 0003_payment_reference
                                           +- 0002_refund [billing] (after shop.0004_invoice) - 0003_refund_reason
inventory: 0001_initial (after shop.0001) - 0002_stock_quantity - 0003_warehouse - 0004_stock_warehouse - 0005_warehouse_city - 0006_stock_note
"""
