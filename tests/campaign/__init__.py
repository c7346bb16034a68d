"""The reliability campaign: fault injection (in the suite) and the concurrency runner (a script).

The scenario is ``tests/scenarios/campaign``; ``schema`` knows what each of its migrations
creates, independently of the code under test, so that tests can compare the recorded state
with the introspected schema.
"""
