"""The alignment model: each driver on tiny hand-built cases, seeds and chunks, calibration and evaluation."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np
import pytest

import realpolitik as rp
from realpolitik import DataError
from realpolitik.sim.calibrate import (
    CORE_DYADS,
    bootstrap,
    calibrate,
    crps,
    evaluate,
    profile,
    refit_profile,
    target_outcomes,
    training_loss,
)
from realpolitik.sim.ensemble import run_chunk, simulate
from realpolitik.sim.model import (
    Exogenous,
    driver_terms,
    exogenous,
    ideology_affinity,
    ideology_timeline,
    step,
    target,
    third_party_terms,
    threat_to,
)
from realpolitik.sim.scenario import Shock, load_scenario

A, B, C, D = range(4)


def world(n=3, *, capability=None, ideology=None, nuclear=None, deployment=None, aid=None, proximity=0.2, war=None):
    """One step of an exogenous world built by hand (T = 1)."""
    cap = np.ones(n) if capability is None else np.asarray(capability, float)
    prox = np.full((n, n), proximity) if np.isscalar(proximity) else np.asarray(proximity, float)
    np.fill_diagonal(prox, 0.0)
    return Exogenous(
        codes=tuple("ABCDEFG"[:n]),
        times=np.array([2000.0]),
        capability=cap[None] / cap.max(),
        ideology=(np.zeros((n, 2)) if ideology is None else np.asarray(ideology, float))[None],
        nuclear=(np.zeros(n) if nuclear is None else np.asarray(nuclear, float))[None],
        deployment=(np.zeros((n, n)) if deployment is None else np.asarray(deployment, float))[None],
        aid=(np.zeros((n, n)) if aid is None else np.asarray(aid, float))[None],
        war=(np.zeros((n, n), bool) if war is None else np.asarray(war, bool))[None],
        proximity=prox,
    )


def stances(n, values):
    R = np.zeros((1, n, n))
    for (i, j), v in values.items():
        R[0, i, j] = v
    return R


PARAMS = {"ideology": 1.0, "coexistence": 1.0, "pivot": 1.0, "threat": 1.0, "balance": 1.0, "patronage": 1.0,
          "sponsorship": 1.0,
          "patronage_cost": 1.0, "reciprocity": 0.3, "speed": 0.2, "noise": 0.0}


# --- ideology -------------------------------------------------------------------------------


def test_every_shock_of_the_reference_scenario_reaches_the_step_grid():
    # the 1965 and 1971 Indo-Pakistani wars and China's 1979 war on Vietnam each fall between two
    # quarter starts: they once never happened in the model
    sc = load_scenario()
    ex = exogenous(sc)
    index = {c: k for k, c in enumerate(ex.codes)}
    for shock in (s for s in sc.shocks if s.kind in ("war", "aid", "deployment")):
        grid = {"war": ex.war, "aid": ex.aid, "deployment": ex.deployment}[shock.kind]
        seen = np.nonzero(grid[:, index[shock.actor], index[shock.target]])[0]
        assert len(seen), shock.id
    short = [s for s in sc.shocks if s.id == "indo-pakistani-war-1965"][0]
    quarter = np.nonzero(ex.war[:, index["IND"], index["PAK"]] & (ex.times < 1970))[0]
    assert ex.times[quarter].tolist() == [1965.5]  # the quarter from July 1965, which holds August-September
    assert short.start.month == 8


def test_ideology_same_line_is_full_affinity_and_a_half_gap_in_line_is_a_schism():
    aff = ideology_affinity(np.array([[0.0, 0.7], [0.0, 0.7], [0.0, 0.2], [0.0, 0.45]]))
    assert aff[0, 1] == pytest.approx(1.0)
    assert aff[0, 2] == pytest.approx(-1.0)  # gap 0.5 within one camp: revisionists against dogmatists
    assert aff[0, 3] == pytest.approx(0.0)  # gap 0.25: neither friend nor foe
    assert np.allclose(aff, aff.T)


def test_ideology_across_systems_is_never_positive_and_scales_with_own_militancy():
    aff = ideology_affinity(np.array([[1.0, 0.3], [0.0, 0.9], [0.0, 0.0]]))
    assert aff[0, 1] == pytest.approx(-0.3) and aff[1, 0] == pytest.approx(-0.9)  # directed
    assert aff[2, 0] == pytest.approx(0.0)  # a coexistence-minded state is neutral, not friendly
    assert (aff[[0, 0, 1, 2], [1, 2, 0, 0]] <= 0).all()


def test_the_professed_line_sets_the_schism_and_the_practised_militancy_the_hostility_across_camps():
    # A and B practise the same militancy but profess lines half the scale apart; C runs a market economy
    positions = np.array([[0.0, 0.4, 0.9], [0.0, 0.4, 0.4], [1.0, 0.3, 0.3]])
    aff = ideology_affinity(positions)
    assert aff[A, B] == pytest.approx(-1.0)  # a schism over doctrine, whatever the practice
    assert aff[A, C] == pytest.approx(-0.4)  # across systems, A's practised militancy, not its line
    alike = ideology_affinity(positions[:, :2])  # without a line the line is the militancy
    assert alike[A, B] == pytest.approx(1.0)
    assert np.array_equal(ideology_affinity(np.c_[positions[:, :2], positions[:, 1]]), alike)


def test_a_line_counts_in_proportion_to_both_states_being_command_economies():
    # A professes a line 0.25 above the militancy it practises; B and C sit on A's militancy
    positions = np.array([[0.0, 0.3, 0.55], [0.0, 0.3, 0.3], [0.5, 0.3, 0.3], [1.0, 0.3, 0.3]])
    aff = ideology_affinity(positions)
    plain = ideology_affinity(positions[:, :2])  # the same states without a line of their own
    assert aff[0, 1] == pytest.approx(0.0) and plain[0, 1] == pytest.approx(1.0)  # between two parties: the line
    # toward a mixed economy the line counts by (1 − e_A)(1 − e_C) = ½ of its gap: (1 − ½)·(1 − 4·0.125) − ½·0.3
    assert aff[0, 2] == pytest.approx(0.5 * 0.5 - 0.5 * 0.3) and plain[0, 2] == pytest.approx(0.5 - 0.15)
    # a mixed economy's own line has no referent toward a market economy: their militancies are alike
    mixed = ideology_affinity(np.array([[0.5, 0.3, 0.8], [1.0, 0.3, 0.3]]))
    assert mixed[0, 1] == pytest.approx(0.5 * 1.0 - 0.5 * 0.3)


def _prc_ideology(sc, shocks, **actor):
    """The PRC's (militancy, line) per step, with its own ideology shocks replaced by ``shocks``."""
    prc = sc.codes.index("PRC")
    actors = list(sc.actors)
    actors[prc] = replace(actors[prc], **actor)
    kept = [s for s in sc.shocks if not (s.actor == "PRC" and s.kind == "ideology")]
    ex = exogenous(replace(sc, actors=tuple(actors), shocks=tuple(sorted(kept + shocks, key=lambda s: s.start))))
    return ex, ex.ideology[:, prc, 1:]


def test_a_militancy_shock_moves_the_line_with_it_unless_the_line_is_set_apart():
    ex, ml = _prc_ideology(load_scenario(), [
        Shock("coexist", "ideology", "PRC", date(1955, 4, 1), militancy=0.5),
        Shock("polemic", "ideology", "PRC", date(1960, 1, 1), line=1.0),
        Shock("interlude", "ideology", "PRC", date(1962, 1, 1), date(1964, 12, 31), militancy=0.2),
    ], militancy=0.8, line=0.95)

    def at(year):
        return ml[np.searchsorted(ex.times, year)].tolist()

    assert at(1950) == [0.8, 0.95]  # the actor's own line
    assert at(1956) == [0.5, 0.5]  # a militancy shock without a line moves both
    assert at(1961) == [0.5, 1.0]  # a line shock moves the line alone
    assert at(1963) == [0.2, 0.2]
    assert at(1966) == [0.5, 1.0]  # the interlude ends: both back to where they were


def test_shocks_on_one_date_give_the_same_positions_in_either_order_and_the_line_shock_is_kept():
    sc = load_scenario()
    militancy = Shock("coexist", "ideology", "PRC", date(1955, 4, 1), militancy=0.3)
    line = Shock("polemic", "ideology", "PRC", date(1955, 4, 1), line=0.9)
    regime = Shock("interlude", "ideology", "PRC", date(1955, 4, 1), date(1956, 12, 31), line=1.0)
    for pair in ([militancy, line], [line, militancy], [militancy, regime], [regime, militancy]):
        ex, ml = _prc_ideology(sc, pair)
        at = np.searchsorted(ex.times, 1955.25)
        expected = [0.3, 0.9] if line in pair else [0.3, 1.0]
        assert ml[at].tolist() == expected, [s.id for s in pair]
        assert ml[np.searchsorted(ex.times, 1957.0)].tolist() == ([0.3, 0.9] if line in pair else [0.3, 0.3])


def test_a_regime_ends_back_to_what_holds_then_not_to_what_held_before_it():
    sc = load_scenario()
    outer = Shock("outer", "ideology", "PRC", date(1952, 1, 1), date(1958, 12, 31), militancy=0.2)
    inner = Shock("inner", "ideology", "PRC", date(1954, 1, 1), date(1955, 12, 31), line=0.9)
    same_quarter = Shock("permanent", "ideology", "PRC", date(1960, 2, 1), militancy=0.3)  # both first reach
    late = Shock("regime", "ideology", "PRC", date(1960, 3, 1), date(1961, 12, 31), line=1.0)  # the April step
    ex, ml = _prc_ideology(sc, [outer, inner, same_quarter, late], militancy=0.8, line=None)

    def at(year):
        return ml[np.searchsorted(ex.times, year)].tolist()

    assert at(1950) == [0.8, 0.8] and at(1953) == [0.2, 0.2] and at(1954) == [0.2, 0.9]
    assert at(1956) == [0.2, 0.2]  # the inner regime ends inside the outer one
    assert at(1959) == [0.8, 0.8]  # the outer one ends: what held before it
    assert at(1960.25) == [0.3, 1.0] and at(1962) == [0.3, 0.3]  # the permanent shock of the same step stays


def test_a_shock_on_the_first_of_a_quarter_reaches_that_quarter_in_a_leap_year_too():
    sc = load_scenario()
    ex = exogenous(sc)
    prc = sc.codes.index("PRC")
    assert ex.nuclear[np.searchsorted(ex.times, 1964.75), prc] > 0  # china-bomb, "1964-10", a leap year
    assert ex.nuclear[np.searchsorted(ex.times, 1964.5), prc] == 0
    # a regime given to "1964-09" ends on its last day: it holds in the July quarter, not in October's
    regime = Shock("probe", "deployment", "IND", date(1964, 4, 1), date(1964, 9, 30), target="PAK", level=0.5)
    posted = exogenous(replace(sc, shocks=(*sc.shocks, regime))).deployment[:, sc.codes.index("IND"),
                                                                           sc.codes.index("PAK")]
    assert posted[np.searchsorted(ex.times, [1964.0, 1964.25, 1964.5, 1964.75])].tolist() == [0, 0.5, 0.5, 0]
    monthly = exogenous(replace(sc, step="month"))
    for year in (1964, 1965):  # the 1st of a month reaches its own month's step, in a leap year and not
        for month in (2, 3, 9, 10, 11, 12):
            shock = Shock("probe", "nuclear", "IND", date(year, month, 1), level=0.5)
            ex = exogenous(replace(sc, step="month", shocks=(*sc.shocks, shock)))
            t = np.searchsorted(ex.times, year + (month - 1) / 12 - 1e-9)
            assert ex.nuclear[t, sc.codes.index("IND")] == 0.5 and monthly.nuclear[t, sc.codes.index("IND")] == 0
            assert ex.nuclear[t - 1, sc.codes.index("IND")] == 0


def test_the_ideology_timeline_labels_each_change_by_its_step():
    sc = load_scenario()
    labels = ideology_timeline(sc).set_index("actor")
    assert labels.loc["PRK", "from"].tolist() == ["1949-01", "1966-10"]  # August 1966 reaches the October step
    for grid, expected in (("month", "1966-08"), ("year", "1967-01")):
        assert ideology_timeline(replace(sc, step=grid)).set_index("actor").loc["PRK", "from"].tolist() == [
            "1949-01", expected]


def test_the_ideology_timeline_rebuilds_every_step_the_model_sees():
    sc = load_scenario()
    ex = exogenous(sc)
    timeline = ideology_timeline(sc)
    steps = [f"{int(y)}-{int(round((y % 1) * 12)) + 1:02d}" for y in ex.times]
    for k, code in enumerate(ex.codes):
        rows = timeline[timeline["actor"] == code]
        at = np.searchsorted(steps, rows["from"].to_numpy(), side="left")  # the step each change starts at
        rebuilt = rows[["economy", "militancy", "line"]].to_numpy()[np.searchsorted(at, np.arange(ex.steps),
                                                                                    side="right") - 1]
        assert np.array_equal(rebuilt, ex.ideology[:, k]), code
    assert len(timeline) < ex.steps * len(ex.codes) / 10  # changes only


def test_a_threatened_state_discounts_ideology_in_proportion_to_the_threat():
    # A and C share a line; B, capable and next door, is hostile to A: A's affinity for C shrinks
    positions = [[0.0, 0.8], [1.0, 0.2], [0.0, 0.8]]
    near = np.full((3, 3), 1.0)
    safe = driver_terms(stances(3, {}), world(3, ideology=positions, proximity=near), 0, 1.0)["ideology"][0]
    assert safe[A, C] == pytest.approx(1.0)
    R = stances(3, {(B, A): -0.5})
    ex = world(3, ideology=positions, proximity=near)
    threatened = driver_terms(R, ex, 0, 1.0)["ideology"][0]
    security = min(1.0, threat(ex, R)[A].sum())
    assert 0 < security < 1
    assert threatened[A, C] == pytest.approx(1.0 - security)  # realpolitik before ideology (Walt 1987)
    assert threatened[C, A] == pytest.approx(1.0)  # C faces no threat and keeps its affinity
    posted = [[0, 0, 0], [1, 0, 0], [0, 0, 0]]  # B's nuclear-armed forces at unarmed A's border
    overwhelmed = driver_terms(stances(3, {(B, A): -1.0}), world(3, ideology=positions, proximity=near,
                                                              nuclear=[0, 1, 0], deployment=posted), 0, 1.0)
    assert overwhelmed["ideology"][0, A, C] == pytest.approx(0.0)
    # B's threat does not soften A's enmity toward B's own creed (only threats from others would)
    assert overwhelmed["ideology"][0, A, B] == pytest.approx(safe[A, B]) and safe[A, B] < 0


def test_every_driver_equals_its_formula_summed_term_by_term():
    """Five states, random stances and inputs: the vectorised drivers against plain loops over the formulas."""
    rng = np.random.default_rng(3)
    n = 5
    cap = rng.uniform(0.1, 1.0, n)
    positions = rng.uniform(0, 1, (n, 2))
    nuclear = np.array([1.0, 0.3, 0.0, 1.0, 0.0])
    deployment = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.4)
    aid = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(deployment, 0.0)
    np.fill_diagonal(aid, 0.0)
    prox = rng.uniform(0, 1, (n, n))
    prox = (prox + prox.T) / 2
    ex = world(n, capability=cap, ideology=positions, nuclear=nuclear, deployment=deployment, aid=aid, proximity=prox)
    R = rng.uniform(-1, 1, (1, n, n))
    R[0][np.diag_indices(n)] = 0.0
    terms = driver_terms(R, ex, 0, 0.7)
    c, r, h = ex.capability[0], R[0], np.maximum(0.0, -R[0])
    theta = threat(ex, R)
    affinity = ideology_affinity(positions)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            thirds = [k for k in range(n) if k not in (i, j)]
            norm = sum(c[k] for k in thirds)
            reach = min(1.0, prox[i, j] + deployment[j, i])
            offence = (1 + nuclear[j] * (1 - nuclear[i]) + deployment[j, i]) / 3
            intent = max(h[j, i], deployment[j, i])
            deterred = 1 - min(nuclear[i], nuclear[j])
            assert theta[i, j] == pytest.approx(c[j] * reach * offence * intent * deterred)
            pressed = min(1.0, sum(theta[i, k] for k in range(n) if k != j))
            assert terms["ideology"][0, i, j] == pytest.approx((1 - pressed) * affinity[i, j])
            counterweight = sum(max(0.0, theta[i, k] - theta[i, j]) * (1 - max(0.0, r[j, k])) for k in thirds)
            assert terms["threat"][0, i, j] == pytest.approx(-theta[i, j] + c[j] * counterweight)
            assert terms["balance"][0, i, j] == pytest.approx(sum(c[k] * r[i, k] * r[k, j] for k in thirds) / norm)
            quarrels = sum(c[k] * h[j, k] * (1 - h[i, k]) for k in thirds) / norm
            dependence = aid[j, i] * max(0.0, c[j] - c[i]) / (c[j] + c[i])
            expected = aid[i, j] + aid[j, i] - 0.7 * (dependence + aid[i, j] * quarrels)
            assert terms["patronage"][0, i, j] == pytest.approx(expected)
            pivot = sum(c[k] * (1 - h[i, k]) * (h[j, k] + h[k, j]) / 2 for k in thirds) / norm
            assert terms["pivot"][0, i, j] == pytest.approx(pivot)
            sponsored = min(1.0, sum(aid[j, k] * h[i, k] for k in thirds))
            assert terms["sponsorship"][0, i, j] == pytest.approx(-sponsored)
            coexist = min(nuclear[i], nuclear[j]) * (1 - max(positions[i, 1], positions[j, 1]))
            assert terms["coexistence"][0, i, j] == pytest.approx(coexist)


def test_coexistence_binds_nuclear_powers_in_proportion_to_their_moderation():
    positions = [[1.0, 0.3], [0.0, 0.35], [0.0, 1.0]]
    terms = driver_terms(stances(3, {}), world(3, ideology=positions, nuclear=[1, 1, 1]), 0, 1.0)
    co = terms["coexistence"][0]
    assert co[A, B] == pytest.approx(0.65) and co[B, A] == pytest.approx(0.65)  # limited by the more militant
    assert co[A, C] == pytest.approx(0.0)  # a revolutionary power makes no bargain
    assert np.diag(co).tolist() == [0.0, 0.0, 0.0]
    small = driver_terms(stances(3, {}), world(3, ideology=positions, nuclear=[1, 0.3, 0]), 0, 1.0)["coexistence"][0]
    assert small[A, B] == pytest.approx(0.3 * 0.65)  # scaled by the weaker deterrent
    assert small[A, C] == 0.0  # no shared nuclear risk with an unarmed state


def test_the_pivot_courts_both_sides_of_a_quarrel_it_stays_out_of():
    R = stances(3, {(B, C): -0.8, (C, B): -0.4})  # B and C quarrel; A is on no one's side
    pivot = driver_terms(R, world(3, capability=[1, 1, 0.5]), 0, 1.0)["pivot"][0]
    assert pivot[A, B] == pytest.approx(0.5 * 0.6 / 0.5)  # c_C · q_BC / c_C: courts B, at odds with C
    assert pivot[A, C] == pytest.approx(1.0 * 0.6 / 1.0)  # and C, at odds with B
    assert pivot[B, C] == pytest.approx(0.0)  # a party to the quarrel is no pivot: A quarrels with no one
    hostile = driver_terms(stances(3, {(B, C): -0.8, (C, B): -0.4, (A, C): -1.0}),
                           world(3, capability=[1, 1, 0.5]), 0, 1.0)["pivot"][0]
    assert hostile[A, B] == pytest.approx(0.0)  # A's own enmity to C: that is balance, not the pivot
    assert np.diag(hostile).tolist() == [0.0, 0.0, 0.0]


def test_third_party_terms_add_up_to_the_drivers_that_run_through_third_states():
    """Random world, two runs: summed over k, each term is the driver less the part that belongs to no third state."""
    rng = np.random.default_rng(7)
    n = 6
    aid = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.5)
    deployment = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.3)
    np.fill_diagonal(aid, 0.0)
    np.fill_diagonal(deployment, 0.0)
    ex = world(n, capability=rng.uniform(0.1, 1, n), ideology=rng.uniform(0, 1, (n, 2)), aid=aid,
               nuclear=[1, 0.3, 0, 0, 1, 0], deployment=deployment, proximity=0.5)
    R = rng.uniform(-1, 1, (2, n, n))
    R[:, np.arange(n), np.arange(n)] = 0.0
    whole = driver_terms(R, ex, 0, 0.8)
    parts = {name: term.sum(axis=3) for name, term in third_party_terms(R, ex, 0, 0.8).items()}
    for name in ("balance", "pivot", "sponsorship"):
        np.testing.assert_allclose(parts[name], whole[name], atol=1e-12)
    assert (whole["sponsorship"] == -1.0).any()  # the cap is reached somewhere and still adds up
    own = -threat_to(R, ex, 0)
    own[:, np.arange(n), np.arange(n)] = 0.0
    np.testing.assert_allclose(parts["threat"] + own, whole["threat"], atol=1e-12)
    c = ex.capability[0]
    dependence = aid.T * np.maximum(0.0, c[None, :] - c[:, None]) / (c[None, :] + c[:, None] + 1e-12)
    own = (aid + aid.T) - 0.8 * dependence
    np.fill_diagonal(own, 0.0)
    np.testing.assert_allclose(parts["patronage"] + own[None], whole["patronage"], atol=1e-12)
    split = third_party_terms(R, ex, 0, 0.8)
    for term in split.values():  # nothing is attributed to the dyad's own two states
        assert not term[:, np.arange(n), :, np.arange(n)].any() and not term[:, :, np.arange(n), np.arange(n)].any()
    sponsored = np.maximum(0.0, -R)[:, :, None, :] * aid[None, None, :, :]  # aid_jk · h_ik
    capped = sponsored.sum(axis=3) > 1
    shares, weights = split["sponsorship"][capped], sponsored[capped]  # the capped dyads, each a row over k
    np.testing.assert_allclose(shares / shares.sum(axis=1, keepdims=True), weights / weights.sum(axis=1, keepdims=True),
                               atol=1e-12)  # the cap is shared out in proportion


def test_each_third_state_s_share_is_what_the_drivers_lose_without_it():
    """Knock state k out (its stances zeroed): each driver loses exactly k's share, so no share sits on the wrong k."""
    rng = np.random.default_rng(11)
    n = 6
    aid = rng.uniform(0, 0.3, (n, n)) * (rng.random((n, n)) < 0.4)  # sponsorship below its cap
    np.fill_diagonal(aid, 0.0)
    ex = world(n, capability=rng.uniform(0.1, 1, n), aid=aid, nuclear=[1, 0.3, 0, 0, 1, 0], proximity=0.5)
    R = rng.uniform(-1, 1, (3, n, n))
    R[:, np.arange(n), np.arange(n)] = 0.0
    split, whole = third_party_terms(R, ex, 0, 0.8), driver_terms(R, ex, 0, 0.8)
    for k in range(n):
        without = R.copy()
        without[:, k, :] = without[:, :, k] = 0.0
        lost = driver_terms(without, ex, 0, 0.8)
        pair = np.ones((n, n), bool)
        pair[k] = pair[:, k] = False
        for name, term in split.items():
            np.testing.assert_allclose((whole[name] - lost[name])[:, pair], term[..., k][:, pair], atol=1e-12)


def test_sponsorship_turns_a_state_against_the_patron_of_its_enemy():
    aid = np.zeros((3, 3))
    aid[B, C] = 0.6  # B arms C
    R = stances(3, {(A, C): -0.5})  # A is hostile to C
    sponsorship = driver_terms(R, world(3, aid=aid), 0, 1.0)["sponsorship"][0]
    assert sponsorship[A, B] == pytest.approx(-0.3)  # aid_BC · h_AC
    assert sponsorship[B, A] == 0.0 and sponsorship[C, B] == 0.0  # nothing where no one arms my enemy
    friendly = driver_terms(stances(3, {(A, C): 0.5}), world(3, aid=aid), 0, 1.0)["sponsorship"][0]
    assert friendly[A, B] == 0.0  # arming my friend is no hostile sign (patronage and balance read friendships)
    aid[B, A] = 1.0  # aid to me does not count against B
    assert driver_terms(R, world(3, aid=aid), 0, 1.0)["sponsorship"][0][A, B] == pytest.approx(-0.3)
    four = np.zeros((4, 4))
    four[B, C] = four[B, 3] = 0.8  # B arms two of A's enemies: the pull is capped at −1
    hostile = stances(4, {(A, C): -1.0, (A, 3): -1.0})
    assert driver_terms(hostile, world(4, aid=four), 0, 1.0)["sponsorship"][0][A, B] == pytest.approx(-1.0)


# --- threat ---------------------------------------------------------------------------------


def threat(ex, R):
    return threat_to(R, ex, 0)[0]


def test_threat_needs_hostility_or_forces_posted():
    R = stances(2, {(B, A): 0.0})
    assert threat(world(2), R)[A, B] == 0.0
    assert threat(world(2), stances(2, {(B, A): -0.5}))[A, B] > 0
    assert threat(world(2, deployment=[[0, 0], [0.5, 0]]), R)[A, B] > 0  # forces posted against A signal intent


def test_threat_grows_with_capability_proximity_and_deployment():
    R = stances(3, {(B, A): -0.6, (C, A): -0.6})
    base = threat(world(3, capability=[1, 0.5, 0.5]), R)
    assert threat(world(3, capability=[1, 0.5, 0.25]), R)[A, C] < base[A, B]
    near = np.full((3, 3), 0.2)
    near[A, B] = near[B, A] = 1.0
    assert threat(world(3, capability=[1, 0.5, 0.5], proximity=near), R)[A, B] > base[A, B]
    posted = np.zeros((3, 3))
    posted[B, A] = 0.8
    assert threat(world(3, capability=[1, 0.5, 0.5], deployment=posted), R)[A, B] > base[A, B]


def test_nuclear_arms_add_offence_against_the_unarmed_and_deter_the_armed():
    R = stances(2, {(B, A): -1.0})
    none = threat(world(2), R)[A, B]
    unarmed = threat(world(2, nuclear=[0, 1]), R)[A, B]
    assert unarmed > none  # B's bomb threatens unarmed A
    assert threat(world(2, nuclear=[1, 1]), R)[A, B] == 0.0  # mutual deterrence
    assert 0 < threat(world(2, nuclear=[0.3, 1]), R)[A, B] < unarmed  # a small force deters in part


def test_two_front_logic_pulls_a_threatened_state_toward_a_counterweight():
    R = stances(3, {(C, A): -1.0})  # C is hostile to A; B is neutral
    near = np.full((3, 3), 1.0)
    terms = driver_terms(R, world(3, capability=[1, 1, 1], proximity=near), 0, 1.0)
    assert terms["threat"][0, A, C] < 0  # balance against the threat
    assert terms["threat"][0, A, B] > 0  # and court the other power
    weak = driver_terms(R, world(3, capability=[1, 0.1, 1], proximity=near), 0, 1.0)
    assert 0 < weak["threat"][0, A, B] < terms["threat"][0, A, B]  # the more, the more capable it is
    # an ally of the threat is no counterweight: B, C's friend, draws A no more
    equal = world(3, capability=[1, 1, 1], proximity=near)
    allied = driver_terms(stances(3, {(C, A): -1.0, (B, C): 1.0}), equal, 0, 1.0)
    assert allied["threat"][0, A, B] == pytest.approx(0.0)
    # balance against the greater threat: when B threatens A more than C does, A is drawn toward C, not B
    both = stances(3, {(C, A): -0.4, (B, A): -1.0})
    pulls = driver_terms(both, equal, 0, 1.0)["threat"][0]
    theta = threat(equal, both)
    assert theta[A, B] > theta[A, C] > 0
    assert pulls[A, C] == pytest.approx(-theta[A, C] + (theta[A, B] - theta[A, C]))
    assert pulls[A, B] == pytest.approx(-theta[A, B])  # no pull toward the greater threat


# --- balance --------------------------------------------------------------------------------


def test_balance_the_enemy_of_my_enemy_is_my_friend():
    R = stances(3, {(A, C): -1.0, (C, B): -1.0})
    assert driver_terms(R, world(3), 0, 1.0)["balance"][0, A, B] > 0
    R = stances(3, {(A, C): -1.0, (C, B): 1.0})  # the friend of my enemy
    assert driver_terms(R, world(3), 0, 1.0)["balance"][0, A, B] < 0
    R = stances(3, {(A, C): 1.0, (C, B): 1.0})  # the friend of my friend
    assert driver_terms(R, world(3), 0, 1.0)["balance"][0, A, B] > 0


def test_balance_weighs_third_states_by_capability():
    R = stances(4, {(A, C): -1.0, (C, B): -1.0, (A, D): 1.0, (D, B): -1.0})
    strong_c = driver_terms(R, world(4, capability=[1, 1, 1, 0.1]), 0, 1.0)["balance"][0, A, B]
    strong_d = driver_terms(R, world(4, capability=[1, 1, 0.1, 1]), 0, 1.0)["balance"][0, A, B]
    assert strong_c > 0 > strong_d


# --- patronage ------------------------------------------------------------------------------


def test_aid_binds_patron_and_client():
    aid = np.zeros((2, 2))
    aid[A, B] = 0.8
    P = driver_terms(np.zeros((1, 2, 2)), world(2, aid=aid), 0, 0.0)["patronage"][0]
    assert P[A, B] == pytest.approx(0.8) and P[B, A] == pytest.approx(0.8)


def test_dependence_costs_the_weaker_client():
    aid = np.zeros((2, 2))
    aid[A, B] = 0.8
    R = np.zeros((1, 2, 2))
    equal = driver_terms(R, world(2, capability=[1, 1], aid=aid), 0, 1.0)["patronage"][0]
    weak_client = driver_terms(R, world(2, capability=[1, 0.2], aid=aid), 0, 1.0)["patronage"][0]
    assert equal[B, A] == pytest.approx(0.8)
    assert weak_client[B, A] < 0.8
    assert weak_client[A, B] == pytest.approx(0.8)  # the patron bears no dependence


def test_entrapment_costs_the_patron_of_a_quarrelsome_client():
    aid = np.zeros((3, 3))
    aid[A, B] = 0.8  # A patron, B client
    calm = driver_terms(stances(3, {}), world(3, aid=aid), 0, 1.0)["patronage"][0, A, B]
    quarrel = stances(3, {(B, C): -1.0})  # the client quarrels with C; A does not share it
    trapped = driver_terms(quarrel, world(3, aid=aid), 0, 1.0)["patronage"][0, A, B]
    shared = driver_terms(stances(3, {(B, C): -1.0, (A, C): -1.0}), world(3, aid=aid), 0, 1.0)["patronage"][0, A, B]
    assert trapped < shared == pytest.approx(calm)
    costly = driver_terms(quarrel, world(3, aid=aid), 0, 3.0)["patronage"][0, A, B]
    assert costly < trapped  # patronage_cost weighs the cost


# --- reciprocity, target, step --------------------------------------------------------------


def test_reciprocity_matches_directions_without_locking_in():
    R = stances(2, {(A, B): 0.9, (B, A): 0.9})
    ex = world(2)
    inert = {**PARAMS, "ideology": 0.0, "threat": 0.0, "balance": 0.0, "patronage": 0.0,  # nothing else pulls
             "sponsorship": 0.0}
    for rho in (0.0, 0.5, 0.9):
        T = target(R, ex, 0, {**inert, "reciprocity": rho})
        assert T[0, A, B] == pytest.approx(rho * 0.9)  # mutual amity decays: reciprocity alone does not sustain it
    R = stances(2, {(A, B): 0.8, (B, A): -0.4})
    T = target(R, ex, 0, {**inert, "reciprocity": 0.5})
    assert T[0, A, B] == pytest.approx(-0.2) and T[0, B, A] == pytest.approx(0.4)


def test_wars_hold_third_party_dyads_at_minus_one_and_nothing_else():
    war = np.zeros((3, 3), bool)
    war[B, C] = war[C, B] = True
    ex = world(3, war=war)
    R = step(stances(3, {(A, B): 0.5}), ex, 0, PARAMS, np.zeros((1, 3, 3)))
    assert R[0, B, C] == R[0, C, B] == -1.0
    assert -1.0 < R[0, A, B] < 1.0 and np.all(np.diag(R[0]) == 0)


def test_a_war_on_a_core_dyad_is_refused_by_the_loader(tmp_path):
    text = (resources.files("realpolitik") / "data/scenarios/cold_war.toml").read_text(encoding="utf-8")
    text += '\n[[shocks]]\nid = "made-up"\nkind = "war"\nactor = "USSR"\ntarget = "PRC"\nstart = "1969-03"\n'
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="protected"):
        load_scenario(path)


def test_every_reference_shock_is_cited_and_none_is_a_war_on_a_core_dyad():
    scenario = load_scenario()
    bib = (resources.files("realpolitik") / "data/references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    core = {frozenset(d) for d in CORE_DYADS}
    for shock in scenario.shocks:
        cited = [k.strip() for k in shock.citation.split(";") if k.strip()]
        assert cited and set(cited) <= keys, shock.id
        if shock.kind == "war":
            assert frozenset((shock.actor, shock.target)) not in core, shock.id


# --- ensembles: seeds and chunks ------------------------------------------------------------


@lru_cache(maxsize=1)
def reference():
    return load_scenario()


@lru_cache(maxsize=1)
def history():
    return rp.relations(rp.datasets.cold_war_triangle(), actors=list(reference().codes))


def test_the_same_seed_gives_the_same_ensemble_and_another_seed_another():
    sc = reference()
    a = simulate(sc, runs=6, seed=3)
    b = simulate(sc, runs=6, seed=3)
    c = simulate(sc, runs=6, seed=4)
    assert np.array_equal(a.stances, b.stances)
    assert not np.array_equal(a.stances, c.stances)


def test_chunking_does_not_change_the_runs():
    sc = reference()
    whole = simulate(sc, runs=7, seed=11, chunk=256)
    parts = simulate(sc, runs=7, seed=11, chunk=3)
    assert np.allclose(whole.stances, parts.stances)
    seeds = np.random.SeedSequence(11).spawn(7)
    assert np.allclose(run_chunk(sc, seeds[4:6], ex=exogenous(sc)), whole.stances[4:6])


# --- calibration ----------------------------------------------------------------------------


def test_crps_matches_its_definition():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(9, 4)), rng.normal(size=4)
    brute = np.abs(x - y).mean(0) - np.abs(x[:, None] - x[None]).sum((0, 1)) / (2 * 9 * 8)
    assert np.allclose(crps(x, y), brute)
    assert crps(np.array([[0.0], [0.0]]), np.array([0.5]))[0] == pytest.approx(0.5)


def test_calibration_is_seeded_and_stays_in_its_bounds():
    sc = reference()
    bounds = {"ideology": (0.0, 2.0), "speed": (0.1, 0.5)}
    kwargs = dict(train=(1949, 1955), runs=4, seed=5, maxiter=2, popsize=3, bounds=bounds, check_runs=8)
    a = calibrate(sc, history(), **kwargs)
    b = calibrate(sc, history(), **kwargs)
    assert a.parameters == b.parameters and a.loss == b.loss
    assert 0 <= a.parameters["ideology"] <= 2 and 0.1 <= a.parameters["speed"] <= 0.5
    assert a.parameters["threat"] == sc.parameters["threat"]  # not fitted: kept
    assert "differential_evolution" in a.method and a.fitted == ("ideology", "speed")


def test_an_ordering_prior_holds_in_the_fit_and_its_refits_and_binds_where_the_search_would_break_it():
    sc = reference()
    kwargs = dict(train=(1949, 1955), runs=4, seed=5, maxiter=3, popsize=4, check_runs=8,
                  bounds={"threat": (0.0, 1.0), "ideology": (0.0, 4.0)})
    free = calibrate(sc, history(), **kwargs)
    assert free.parameters["ideology"] > free.parameters["threat"]  # the same search, unheld, breaks it
    ordered = calibrate(sc, history(), at_least=[("threat", "ideology")], **kwargs)
    assert ordered.parameters["threat"] >= ordered.parameters["ideology"]
    assert "subject to threat ≥ ideology" in ordered.method and ordered.at_least == (("threat", "ideology"),)
    pasted = tomllib.loads(ordered.toml())  # the table a user pastes, with how it was fitted above it
    assert pasted["parameters"] == pytest.approx(ordered.parameters, rel=1e-3)
    assert ordered.toml().startswith("# fitted on 1949-1955 to 3 dyads; threat >= ideology: training CRPS ")
    assert "; threat >= ideology" not in free.toml()
    refits = bootstrap(sc, history(), 2, dyads=[("USSR", "PRC"), ("USA", "PRC"), ("USA", "USSR")],
                       at_least=[("threat", "ideology")], **kwargs)
    assert (refits["threat"] >= refits["ideology"]).all() and set(refits["at_least"]) == {"threat>=ideology"}
    for bad in ([("threat", "threat")], [("threat", "balance")], [("threat",)], ("threat", "ideology")):
        with pytest.raises(rp.RealpolitikError, match="two different fitted parameters"):
            calibrate(sc, history(), at_least=bad, **kwargs)
    impossible = dict(kwargs, bounds={"threat": (0.0, 1.0), "ideology": (2.0, 4.0)})
    with pytest.raises(rp.RealpolitikError, match="cannot hold within their bounds"):
        calibrate(sc, history(), at_least=[("threat", "ideology")], **impossible)


def test_a_refit_profile_holds_the_parameter_and_refits_the_others_as_calibrate_would():
    sc = reference()
    search = dict(train=(1949, 1955), runs=4, seed=5, maxiter=2, popsize=4, check_runs=8)
    table = refit_profile(sc, history(), "threat", [0.0, 0.8], bounds={"threat": (0.0, 1.0), "ideology": (0.0, 4.0)},
                          **search)
    assert table["value"].tolist() == [0.0, 0.8] and table["threat"].tolist() == [0.0, 0.8]
    assert (table["balance"] == sc.parameters["balance"]).all()  # not searched: kept
    held = calibrate(sc.with_parameters(threat=0.8), history(), bounds={"ideology": (0.0, 4.0)}, **search)
    assert table.loc[1, "ideology"] == held.parameters["ideology"] and table.loc[1, "loss"] == held.loss
    with pytest.raises(rp.RealpolitikError, match="'charisma' is not a fitted parameter"):
        refit_profile(sc, history(), "charisma", [1.0], **search)
    with pytest.raises(rp.RealpolitikError, match="no other parameter"):
        refit_profile(sc, history(), "threat", [1.0], bounds={"threat": (0.0, 1.0)}, **search)
    with pytest.raises(rp.RealpolitikError, match="threat"):
        refit_profile(sc, history(), "threat", [20.0], **search)  # out of the parameter's range


def test_a_search_that_ends_outside_the_ordering_is_an_error_not_a_fit(monkeypatch):
    import scipy.optimize

    def infeasible(objective, bounds, **kwargs):  # what differential evolution can return (success=False)
        return scipy.optimize.OptimizeResult(x=np.array([0.5, 3.0]), fun=1.0, nfev=1, success=False)

    monkeypatch.setattr(scipy.optimize, "differential_evolution", infeasible)
    with pytest.raises(rp.RealpolitikError, match=r"outside the ordering \(threat 0.5 < ideology 3\)"):
        calibrate(reference(), history(), train=(1949, 1952), runs=2, check_runs=2, at_least=[("threat", "ideology")],
                  bounds={"threat": (0.0, 1.0), "ideology": (0.0, 4.0)})


def test_bootstrap_refits_on_dyads_drawn_with_replacement():
    sc = reference()
    dyads = [("USSR", "PRC"), ("USA", "PRC"), ("USA", "USSR"), ("PRC", "IND")]
    kwargs = dict(train=(1949, 1955), runs=4, maxiter=1, popsize=3, check_runs=4,
                  bounds={"ideology": (0.0, 4.0), "pivot": (0.0, 8.0)})
    table = bootstrap(sc, history(), 3, dyads=dyads, seed=2, **kwargs)
    assert list(table["replicate"]) == [0, 1, 2]
    for row in table.itertuples():
        drawn = [tuple(d.split("–")) for d in row.dyads.split(";")]
        assert len(drawn) == len(dyads) and set(drawn) <= set(dyads)
        alone = calibrate(sc, history(), dyads=drawn, seed=2, **kwargs)  # each replicate is a plain refit
        assert row.ideology == alone.parameters["ideology"] and row.loss == alone.loss
    assert table["dyads"].nunique() > 1  # the draws differ
    assert (table["threat"] == sc.parameters["threat"]).all()  # not fitted: kept
    again = bootstrap(sc, history(), 3, dyads=dyads, seed=2, **kwargs)
    assert again.equals(table)
    with pytest.raises(rp.RealpolitikError, match="at least one replicate"):
        bootstrap(sc, history(), 0, dyads=dyads)


def test_shipped_parameters_fit_the_training_window_better_than_no_drivers():
    sc = reference()
    shipped = training_loss(sc, history(), runs=16)
    inert = training_loss(sc, history(), {"ideology": 0, "threat": 0, "balance": 0, "patronage": 0}, runs=16)
    assert shipped["mse"] < inert["mse"] and shipped["crps"] < inert["crps"]


def test_profile_is_the_training_loss_split_by_dyad():
    sc = reference()
    shipped = sc.parameters["pivot"]
    table = profile(sc, history(), "pivot", [0.0, shipped], runs=8, train=(1949, 1960))
    assert list(table["dyad"].unique()) == ["USSR–PRC", "USA–PRC", "USA–USSR", "all"]
    at_shipped = table[table["value"] == shipped].set_index("dyad")
    loss = training_loss(sc, history(), runs=8, train=(1949, 1960))
    assert at_shipped.loc["all", "crps"] == pytest.approx(loss["crps"])
    per_dyad = at_shipped.drop("all")
    # the overall loss is the mean over dyad-years: each dyad weighs by its observed years
    assert at_shipped.loc["all", "crps"] == pytest.approx(np.average(per_dyad["crps"], weights=per_dyad["years"]))
    silent = table[table["value"] == 0.0].set_index("dyad")
    assert not np.allclose(silent["crps"], at_shipped["crps"])  # the pivot moves the fit
    with pytest.raises(rp.RealpolitikError, match="unknown parameter 'charisma'"):
        profile(sc, history(), "charisma", [1.0], runs=2)
    with pytest.raises(DataError, match="speed"):
        profile(sc, history(), "speed", [3.0], runs=2)  # out of its range, as the scenario itself refuses
    with pytest.raises(rp.RealpolitikError, match="two runs"):
        profile(sc, history(), "pivot", [1.0], runs=1)


def test_a_directed_profile_scores_each_direction_against_its_own_record():
    sc = reference()
    shipped = sc.parameters["pivot"]
    table = profile(sc, history(), "pivot", [shipped], runs=8, train=(1949, 1960), directed=True)
    assert list(table["dyad"]) == ["USSR→PRC", "PRC→USSR", "USA→PRC", "PRC→USA", "USA→USSR", "USSR→USA", "all"]
    directed = training_loss(sc, history(), runs=8, train=(1949, 1960), directed=True)
    undirected = training_loss(sc, history(), runs=8, train=(1949, 1960))
    assert table.set_index("dyad").loc["all", "crps"] == pytest.approx(directed["crps"])
    # a direction is a sparser record than the mean of two, and the model must match who moved
    assert directed["crps"] > undirected["crps"]


def test_profile_by_year_is_each_dyad_split_into_its_observed_years():
    sc = reference()
    values = [0.0, sc.parameters["pivot"]]
    per_dyad = profile(sc, history(), "pivot", values, runs=8, train=(1949, 1960)).set_index(["dyad", "value"])
    cells = profile(sc, history(), "pivot", values, runs=8, train=(1949, 1960), by_year=True)
    assert set(cells.columns) == {"dyad", "value", "year", "crps", "record", "observed"}
    assert cells["year"].between(1949, 1960).all() and cells["record"].between(-1, 1).all()
    for (dyad, value), group in cells.groupby(["dyad", "value"]):
        assert group["crps"].mean() == pytest.approx(per_dyad.loc[(dyad, value), "crps"])
        assert len(group) == per_dyad.loc[(dyad, value), "years"]
    observed = history().symmetric()
    soviet = observed[(observed.a == "PRC") & (observed.b == "USSR")].set_index("period")["stance"]
    row = cells[(cells.dyad == "USSR–PRC") & (cells.year == 1955)].iloc[0]
    assert row["observed"] == pytest.approx(soviet["1955"])  # history's own yearly stance


def test_evaluation_of_parameter_sets_scores_the_mixed_ensemble():
    sc = reference()
    sets = [{"threat": 0.0}, {"threat": 2.0}]
    scored = evaluate(sc, history(), runs=6, seed=3, parameter_sets=sets)
    assert scored.summary().startswith(f"6 runs of cold_war (seed 3), taking turns over {len(sets)} parameter sets.")
    assert np.array_equal(scored.ensemble.stances, simulate(sc, runs=6, seed=3, parameter_sets=sets).stances)
    assert not np.array_equal(scored.ensemble.stances, simulate(sc, runs=6, seed=3).stances)


def test_evaluation_of_any_observed_dyads_scores_the_record_too():
    sc = reference()
    dyads = [("USSR", "PRC"), ("USA", "IND"), ("USSR", "ROK")]  # the last has no event before 1970
    fit = evaluate(sc, history(), runs=12, seed=3, dyads=dyads).fit.set_index(["dyad", "window"])
    assert {"corr", "rmse", "corr_record", "rmse_record", "crps", "coverage"} <= set(fit.columns)
    assert fit.loc[("USSR–ROK", "train"), "years"] == 0 and np.isnan(fit.loc[("USSR–ROK", "train"), "crps"])
    assert fit.loc[("USSR–ROK", "test"), "years"] > 5 and fit.loc[("USSR–ROK", "test"), "rmse_record"] >= 0
    assert fit.loc[("USSR–PRC", "train"), "corr_record"] > 0.5  # the split, as recorded, is in the training years


def test_target_outcomes_read_yearly_paths():
    sc = reference()
    ens = simulate(sc, runs=3, seed=0)
    out = target_outcomes(ens)
    assert list(out.columns[:4]) == ["split_alliance", "split_enmity", "rapprochement", "normalisation"]
    assert len(out) == 3 and out["all"].dtype == bool


def test_evaluation_reports_fit_targets_and_triangle_for_both_windows():
    ev = evaluate(reference(), history(), runs=6, seed=2)
    assert set(ev.fit["window"]) == {"train", "test"} and len(ev.fit) == 6
    assert ev.fit["rmse"].between(0, 2).all() and ev.fit["coverage"].between(0, 1).all()
    assert list(ev.targets["target"]) == ["split_alliance", "split_enmity", "rapprochement", "normalisation", "all"]
    assert ev.targets["share"].between(0, 1).all()
    assert list(ev.triangle["year"]) == list(range(1949, 1992))
    assert 0 <= ev.agreement <= 1 and ev.run_agreement.shape == (6,)
    assert "Share of runs" in ev.summary()
    assert ev.summary().startswith("6 runs of cold_war (seed 2), with the scenario's weights.")
