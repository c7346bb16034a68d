"""Eight ``branchmigrate`` processes race on one database, round after round.

``python -m tests.campaign.concurrency`` runs the same race for 20 rounds, and with Django's
plain ``migrate`` for comparison (docs/reliability.rst has the numbers). The suite runs
``BRANCHMIG_CAMPAIGN_ROUNDS`` rounds: 3 unless set, and 20 in continuous integration.
"""

from __future__ import annotations

import os

import pytest

from tests.campaign.concurrency import race
from tests.campaign.schema import SCENARIO

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = int(os.environ.get("BRANCHMIG_CAMPAIGN_ROUNDS", "3"))


def test_eight_processes_apply_each_migration_once(scenario_db, campaign_database):
    scenario_db(SCENARIO)
    env, connection = campaign_database
    result = race(connection, "branchmigrate", rounds=ROUNDS, processes=8)
    assert (result.failed_processes, dict(result.errors)) == (0, {})
    assert (result.applied_twice, result.extra_rows) == (0, 0)
    assert result.inconsistent_rounds == 0
    assert result.rounds == ROUNDS
