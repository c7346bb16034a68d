# The models of this app exist only in the scenario migrations (tests/scenarios/), so that
# the test database holds no table for it until a test applies a scenario.
