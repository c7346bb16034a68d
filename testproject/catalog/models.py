"""
Products and categories, plus the search vocabulary.

``Category`` and ``Product`` live on the app's trunk (``0001_initial`` ... ``0004``).
``SearchTerm`` and ``SearchSynonym`` come from the independent ``search`` branch, which starts at
a second root migration (``0001_searchterm``) and shares no migration with the trunk.
"""

from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Product(models.Model):
    category = models.ForeignKey(Category, models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Unit price, excluding tax."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # 0002_product_is_active
    is_active = models.BooleanField(default=True)
    # 0004_product_sku_and_more
    sku = models.CharField("SKU", max_length=32, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "is_active"], name="product_category_active_idx"),
        ]

    def __str__(self):
        return self.name


# The "search" branch.


class SearchTerm(models.Model):
    term = models.CharField(max_length=100, unique=True)
    weight = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    # 0003_searchterm_hits_and_more
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["term"]
        indexes = [models.Index(fields=["-hits"], name="searchterm_hits_idx")]

    def __str__(self):
        return self.term


class SearchSynonym(models.Model):
    term = models.ForeignKey(SearchTerm, models.CASCADE, related_name="synonyms")
    synonym = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "synonym"], name="unique_search_synonym"),
        ]

    def __str__(self):
        return f"{self.synonym} → {self.term}"
