from django.contrib import admin

from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    autocomplete_fields = ["product"]
    extra = 1


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer_email", "status", "total", "gift_wrap", "created_at"]
    list_filter = ["status", "gift_wrap"]
    search_fields = ["number", "customer_email", "billing_name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    fieldsets = [
        (None, {"fields": ["number", "customer_email", "status", "total"]}),
        ("Shipping", {"fields": ["shipping_address"]}),
        ("Gifting", {"fields": ["gift_wrap", "gift_message"]}),
        ("Invoicing", {"fields": ["billing_name", "billing_address", "payment_terms_days"]}),
    ]
