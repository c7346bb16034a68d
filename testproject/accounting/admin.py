from django.contrib import admin

from .models import Invoice, Ledger, Payment


@admin.register(Ledger)
class LedgerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "is_closed"]
    list_filter = ["is_closed", "currency"]
    search_fields = ["code", "name"]


class PaymentInline(admin.TabularInline):
    model = Payment
    autocomplete_fields = ["order"]
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "ledger", "issued_on", "due_on", "amount", "status"]
    list_filter = ["status", "ledger"]
    search_fields = ["number", "order__number"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["order", "ledger"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order", "invoice", "amount", "method", "received_at"]
    list_filter = ["method"]
    search_fields = ["order__number", "invoice__number", "reference"]
    autocomplete_fields = ["order", "invoice"]
