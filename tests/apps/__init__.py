"""Test apps whose models live only in the scenario migration packages."""
