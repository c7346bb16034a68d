"""branch_labels that are not a tuple of str."""
