from django.contrib import admin

from .models import Category, Product, SearchSynonym, SearchTerm


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "price", "is_active"]
    list_filter = ["is_active", "category"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "sku"]
    autocomplete_fields = ["category"]


class SearchSynonymInline(admin.TabularInline):
    model = SearchSynonym
    extra = 1


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    list_display = ["term", "weight", "hits", "created_at"]
    search_fields = ["term", "synonyms__synonym"]
    inlines = [SearchSynonymInline]
