"""The reference scenario against history: the Done-when targets of the dynamics issue.

Targets the shipped model meets are asserted at the issue's threshold (70 % of 500 runs). Those it
does not meet yet are strict xfails: they document the gap (docs/model.md, Diagnosis) and turn
into failures, to be promoted, the day a model meets them.
"""

from __future__ import annotations

import pytest

import realpolitik as rp
from realpolitik.sim.calibrate import evaluate
from realpolitik.sim.scenario import load_scenario

THRESHOLD = 0.70


@pytest.fixture(scope="module")
def evaluation():
    scenario = load_scenario()
    observed = rp.relations(rp.datasets.cold_war_triangle(), actors=list(scenario.codes))
    return evaluate(scenario, observed, runs=500, seed=1)  # as in docs/model.md


def share(evaluation, target: str) -> float:
    return float(evaluation.targets.set_index("target").loc[target, "share"])


def test_the_alliance_holds_1950_1956(evaluation):
    assert share(evaluation, "split_alliance") >= THRESHOLD


def test_relations_are_normalised_by_1991(evaluation):
    assert share(evaluation, "normalisation") >= THRESHOLD


def test_the_split_and_detente_are_out_of_sample_signal_not_noise(evaluation):
    fit = evaluation.fit.set_index(["dyad", "window"])
    assert fit.loc[("USSR–PRC", "test"), "corr"] > 0.5
    assert fit.loc[("USA–USSR", "test"), "corr"] > 0.3


@pytest.mark.xfail(strict=True, reason="not met: USSR-PRC turns non-negative at Deng's reforms "
                   "(first in 1979 in 490 of 500 runs)")
def test_the_split_lasts_1962_1979(evaluation):
    assert share(evaluation, "split_enmity") >= THRESHOLD


@pytest.mark.xfail(strict=True, reason="not met: 21.0 % of 500 runs, and the turn is Washington's alone "
                   "(test_beijing_answers_by_1975)")
def test_the_rapprochement_comes_by_1975(evaluation):
    assert share(evaluation, "rapprochement") >= THRESHOLD


def test_us_prc_turns_friendly_before_the_1980s(evaluation):
    # the weaker claim the model does make: the undirected turn comes, if late, in every run by 1979
    assert evaluation.outcomes["rapprochement_year"].notna().mean() >= THRESHOLD


@pytest.mark.xfail(strict=True, reason="not met: the turn is Washington's courtship; Beijing answers in 1979")
def test_beijing_answers_by_1975(evaluation):
    # history: Beijing's own stance toward Washington warmed in 1970-1972 (the invitation to
    # Kissinger, Nixon's visit); the undirected target can be met by one side alone
    ens = evaluation.ensemble
    years = ens.years
    prc_us = ens.stances[:, :, ens.codes.index("PRC"), ens.codes.index("USA")]
    window = (years >= 1975) & (years <= 1979)
    assert ((prc_us[:, window] > 0).all(axis=1)).mean() >= THRESHOLD


@pytest.mark.xfail(strict=True, reason="not met: the triangle agrees with history in 23 % of years (10 of 43)")
def test_the_triangle_periodization_agrees_with_history(evaluation):
    assert evaluation.agreement >= 0.75
