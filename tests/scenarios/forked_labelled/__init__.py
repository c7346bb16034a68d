"""shop forks after 0002_order; the invoice branch is labelled 'billing'."""
