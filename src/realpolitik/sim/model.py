"""The alignment model: stances move toward what ideology, coexistence, threat, balance, patronage, the pivot,
sponsorship and reciprocity call for.

State: a directed stance R[i, j] in [-1, 1] for every pair of states, for many runs at
once (arrays shaped runs × n × n). Each step (a quarter by default) every state moves its
stance toward each other state part of the way toward a target, with seeded noise:

    R ← clip(R + speed · (T − R) + noise · ε, −1, 1),   ε ~ N(0, 1) per run, step and dyad,
    T = (1 − ρ) · tanh(w_ideology·(1 − s)·I + w_coexistence·C + w_threat·Θ + w_balance·B + w_patronage·P
                       + w_pivot·V + w_sponsorship·S) + ρ · Rᵀ,

with ρ the ``reciprocity`` parameter, a share in [0, 1). Every driver is scaled to about
[−1, 1] so that the weights can be compared. The drivers, for i's stance toward j (c is
capability relative to the strongest state, h_ij = max(0, −R_ij) is i's hostility to j):

* **ideology** — economy e (0 command, 1 market), militancy m (the posture a state
  practises toward the other camp: 0 peaceful coexistence, 1 revolutionary militancy) and
  line ℓ (the doctrine its party professes within its own camp's quarrel, on the same
  scale), moved by dated leadership shocks. The line is the militancy unless the scenario
  sets it apart, for a party whose practice toward the other camp and whose doctrine within
  its own moved apart: one number could not hold China's turn toward Washington in 1969–72
  while it denounced Moscow's "revisionism" (docs/scenario-audits.md). With Δe, Δm, Δℓ the
  gaps between i and j,

      I_ij = (1 − Δe)·max(−1, 1 − 2·SCHISM·g_ij) − Δe·m_i,   SCHISM = 2,
      g_ij = Δm + (1 − e_i)(1 − e_j)·(Δℓ − Δm).

  A line is a party's stand in the communist movement's own quarrel, so it has a referent
  only toward another ruling communist party: the gap g reads the line in proportion to
  both states being command economies, and the militancy elsewhere (where no line is set
  apart, g = Δm = Δℓ). Within one economic system affinity falls with the gap and reaches
  −1 at a gap of one half: the dispute over peaceful coexistence, de-Stalinisation and the Great
  Leap was the ideological core of the Sino-Soviet split (Zagoria 1962; Lüthi 2008), and
  a schism within a camp is fought harder than the quarrel with the other camp (Coser
  1956: the closer the relation, the more intense the conflict; the "revisionist"
  renegade). Across systems affinity is never positive and hostility grows with i's own
  militancy toward the other camp: the doctrine of peaceful coexistence decoupled the
  difference of systems from the expectation of war.

  A state indulges its ideology only as far as it is secure: i's affinity toward j is
  multiplied by 1 − s_ij, with s_ij = min(1, Σ_{k ≠ j} θ_ik) the threat i faces from
  states other than j (below). Walt (1987) found ideological solidarity strongest among
  secure states and the first thing sacrificed when a threat is grave: a threatened state
  takes partners whatever their creed — the article's "realpolitik beating ideology". The
  threat from j itself is left out, so it never softens i's ideological enmity toward the
  state that threatens it. The rule adds no parameter: θ is the threat driver's.
* **coexistence** — the shared interest of two nuclear powers in not fighting
  (Schelling & Halperin 1961: arms control as cooperation between adversaries):

      C_ij = min(nuclear_i, nuclear_j) · (1 − max(m_i, m_j)).

  Mutual vulnerability makes restraint a common interest in proportion to the weaker
  deterrent, and the interest is acted on in proportion to the less coexistence-minded
  side's doctrine: Stalin's militancy left little of it, Khrushchev's peaceful
  coexistence (which rested on the destructiveness of nuclear war), the test-ban treaty
  and Gorbachev's new thinking more. Deterrence removes the threat between nuclear
  powers; this driver is what, beyond its absence, can make them cooperate.
* **threat** (Walt 1987: aggregate power, proximity, offensive power, aggressive
  intentions). The threat to i from j is

      θ_ij = c_j · reach_ij · offence_ji · intent_ji · (1 − min(nuclear_i, nuclear_j)),
      reach_ij = min(1, proximity_ij + deployment_ji),
      offence_ji = (1 + nuclear_j·(1 − nuclear_i) + deployment_ji) / 3,
      intent_ji = max(h_ji, deployment_ji),

  with deployment_ji the forces j has posted against i: they bring j within reach, add
  to its offensive power and signal intent whatever j declares (Jervis 1976: states read
  intentions from military posture). ``nuclear`` is a force level in [0, 1] (1 a secure
  retaliatory force); the last factor is mutual deterrence (Jervis 1989; Gaddis 1986):
  between two nuclear powers war is not a usable threat in proportion to the weaker
  side's deterrent, so the superpowers' rivalry runs through ideology, balance and
  patronage, while a small, vulnerable force (China's in 1969, Gerson 2010) leaves most
  of the threat in place. A threat drives i against its source and toward the capable
  states that can stand with i against it:

      Θ_ij = −θ_ij + c_j · Σ_{k ≠ i, j} max(0, θ_ik − θ_ij) · (1 − max(0, R_jk)).

  The second term is balancing against the greater threat (Walt 1987): i is drawn toward
  j against k in proportion to how much more k threatens it than j does — a lesser threat
  can be a partner against a greater one, a greater one cannot — and only as far as j is
  not k's friend, since an ally of the threat is no counterweight to it. This is the
  two-front logic of the triangle: "Beijing could not challenge both superpowers
  simultaneously", and chose the lesser danger; "fearful of facing both China and the US,
  the Soviets began making tentative offers to America". The threat feeds on hostility,
  so enmity with a capable neighbour reinforces itself (the security dilemma, Jervis
  1978).
* **balance** (Heider 1946; Cartwright & Harary 1956): the enemy of my enemy —
  B_ij = Σ_k c_k R_ik R_kj / Σ_{k ≠ i, j} c_k.
* **patronage**: aid binds both patron and client (aid_ij + aid_ji) but has costs,
  weighted by ``patronage_cost`` (Snyder 1984, the alliance security dilemma):
  the client's *dependence* on a far stronger patron, aid_ji · max(0, c_j − c_i)/(c_j + c_i),
  and the patron's *entrapment* in the client's quarrels that it does not share,
  aid_ij · Σ_{k ≠ i, j} c_k h_jk (1 − h_ik) / Σ_{k ≠ i, j} c_k — Moscow's fear of being
  dragged into war over Taiwan in 1958 (Sheng 2008).
* **pivot** (Dittmer 1981; Simmel 1908's *tertius gaudens*, the third who profits from a
  quarrel of two others): i courts j in proportion to j's quarrels with capable third
  parties that i is not hostile to,

      V_ij = Σ_{k ≠ i, j} c_k (1 − h_ik) q_jk / Σ_{k ≠ i, j} c_k,   q_jk = (h_jk + h_kj) / 2.

  A state on good terms with both sides of a quarrel holds the pivot of a romantic
  triangle, the best-placed role, since each wing must bid for it; so a state that is not
  itself in the quarrel is drawn toward both quarrellers. This is the opposite of what
  balance predicts for the same configuration (the friend of my friend's enemy), and the
  two are fitted side by side.
* **sponsorship** (the patron of my enemy): i reads j's aid to the states i is hostile to
  as j's hostile intent,

      S_ij = −min(1, Σ_{k ≠ i, j} aid_jk · h_ik).

  Walt (1987) reads aggressive intentions from what a state does, and arming one's
  enemies is among the plainest of deeds: American backing of Taiwan stood between
  Washington and Beijing from 1950, Soviet aid to India after the 1959 border clash fed
  Beijing's quarrel with Moscow (Lüthi 2008), and in 1978 Soviet backing of Vietnam made
  Beijing's quarrel with Hanoi one with Moscow too (Ross 1988). It is the third side of patronage's
  triad of patron, client and the client's enemy: entrapment is what the client's quarrel
  costs the patron's stance toward the client, sponsorship what it costs the enemy's
  stance toward the patron. Balance reaches the same triads only through the client's
  capability, which leaves small clients unseen.
* **reciprocity** (Goldstein & Freeman 1990): i answers j's stance toward i. It enters as
  a share ρ of the target rather than inside the tanh, so it matches the two directions
  of a dyad without amplifying their mean: inside the tanh a weight above one makes
  every dyad bistable and locks stances at ±1 whatever the other drivers do.

Wars between third parties hold both stances of the dyad at −1 while they last. The
model never sets a stance otherwise: the core dyads move only through the drivers.

References
----------
Cartwright, D., & Harary, F. (1956). Structural Balance: A Generalization of Heider's
Theory. *Psychological Review* 63(5), 277-293.
Coser, L. A. (1956). *The Functions of Social Conflict*. Free Press.
Crawford, T. W. (2011). Preventing Enemy Coalitions: How Wedge Strategies Shape Power
Politics. *International Security* 35(4), 155-189.
Dittmer, L. (1981). The Strategic Triangle. *World Politics* 33(4), 485-515.
Gaddis, J. L. (1986). The Long Peace. *International Security* 10(4), 99-142.
Gerson, M. S. (2010). *The Sino-Soviet Border Conflict: Deterrence, Escalation, and the
Threat of Nuclear War in 1969*. Center for Naval Analyses.
Goldstein, J. S., & Freeman, J. R. (1990). *Three-Way Street*. University of Chicago Press.
Heider, F. (1946). Attitudes and Cognitive Organization. *Journal of Psychology* 21.
Jervis, R. (1976). *Perception and Misperception in International Politics*. Princeton.
Jervis, R. (1978). Cooperation under the Security Dilemma. *World Politics* 30(2), 167-214.
Jervis, R. (1989). *The Meaning of the Nuclear Revolution*. Cornell University Press.
Lüthi, L. M. (2008). *The Sino-Soviet Split*. Princeton University Press.
Ross, R. S. (1988). *The Indochina Tangle: China's Vietnam Policy, 1975–1979*. Columbia University Press.
Schelling, T. C., & Halperin, M. H. (1961). *Strategy and Arms Control*. Twentieth Century Fund.
Sheng, M. (2008). Mao and China's Relations with the Superpowers in the 1950s. *Modern China* 34(4).
Simmel, G. (1908). *Soziologie*. Duncker & Humblot.
Snyder, G. H. (1984). The Security Dilemma in Alliance Politics. *World Politics* 36(4), 461-495.
Walt, S. M. (1987). *The Origins of Alliances*. Cornell University Press.
Zagoria, D. S. (1962). *The Sino-Soviet Conflict, 1956-1961*. Princeton University Press.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .scenario import Scenario

__all__ = [
    "SCHISM",
    "TARGET_DRIVERS",
    "Exogenous",
    "coexistence_interest",
    "driver_terms",
    "exogenous",
    "ideology_affinity",
    "ideology_timeline",
    "step",
    "target",
    "third_party_terms",
    "threat_to",
]

#: Within one economic system affinity reaches −1 at a gap g of 1 / (2·SCHISM) = ½ (in line, between two parties).
SCHISM = 2.0
#: The drivers summed inside the tanh of the target; reciprocity is mixed in outside it.
TARGET_DRIVERS = ("ideology", "threat", "balance", "patronage", "coexistence", "pivot", "sponsorship")


@dataclass(frozen=True)
class Exogenous:
    """The scenario laid out on the step grid: what the model does not decide."""

    codes: tuple[str, ...]
    times: np.ndarray  # (T,) decimal year at the start of each step
    capability: np.ndarray  # (T, n) relative to the strongest state
    ideology: np.ndarray  # (T, n, 3): economy, militancy, line
    nuclear: np.ndarray  # (T, n) deliverable force in [0, 1], 1 a secure second strike
    deployment: np.ndarray  # (T, n, n) forces of i posted against j
    aid: np.ndarray  # (T, n, n) from patron i to client j
    war: np.ndarray  # (T, n, n) bool, symmetric
    proximity: np.ndarray  # (n, n)

    @property
    def steps(self) -> int:
        return len(self.times)


def _decimal(d) -> float:
    """A date as a decimal year on the months' grid, so the 1st of a month falls on its month's step in any year."""
    return d.year + (d.month - 1 + (d.day - 1) / calendar.monthrange(d.year, d.month)[1]) / 12


def exogenous(scenario: Scenario, *, start: float | None = None, end: float | None = None) -> Exogenous:
    """Lay the scenario's capabilities, positions and shocks out on its step grid."""
    codes = tuple(scenario.codes)
    n = len(codes)
    index = {c: k for k, c in enumerate(codes)}
    per_year = scenario.steps_per_year
    first = scenario.start if start is None else start
    last = scenario.end + 1 if end is None else end
    times = first + np.arange(int(round((last - first) * per_year))) / per_year
    T = len(times)

    capability = np.empty((T, n))
    for k, actor in enumerate(scenario.actors):
        years = np.array(list(actor.capability), dtype=float)
        shares = np.array(list(actor.capability.values()))
        capability[:, k] = np.interp(times, years, shares)
    capability /= capability.max(axis=1, keepdims=True)

    ideology = np.empty((T, n, 3))
    ideology[:, :, 0] = [a.economy for a in scenario.actors]
    ideology[:, :, 1] = [a.militancy for a in scenario.actors]
    ideology[:, :, 2] = [a.militancy if a.line is None else a.line for a in scenario.actors]
    nuclear = np.zeros((T, n))
    for k, actor in enumerate(scenario.actors):
        if actor.nuclear is not None:
            nuclear[times >= actor.nuclear, k] = 1.0
    deployment = np.zeros((T, n, n))
    aid = np.zeros((T, n, n))
    war = np.zeros((T, n, n), dtype=bool)
    # by start, so that a later deployment or ideology replaces an earlier one; on one date a shock that sets
    # the line comes after one that moves the militancy (and the line with it), whatever the file's order
    for shock in sorted(scenario.shocks, key=lambda s: (s.start, s.line is not None)):
        t0 = _decimal(shock.start)
        t1 = np.inf if shock.end is None else _decimal(shock.end)
        active = (times >= t0 - 1e-9) & (times <= t1)
        if not active.any():  # shorter than a step and between two step starts: the step it falls in sees it
            active = (times <= t0 + 1e-9) & (times + 1.0 / per_year > t1)
        after = times >= t0 - 1e-9
        i = index[shock.actor]
        j = index.get(shock.target) if shock.target else None
        if shock.kind == "ideology":  # a regime with an end holds only while it lasts: after it, each step
            # keeps what the other shocks give it (a nested regime or a shock of the same step is not undone)
            held = after if shock.end is None else active
            if shock.economy is not None:
                ideology[held, i, 0] = shock.economy
            if shock.militancy is not None:  # the professed line moves with the practised militancy ...
                ideology[held, i, 1:] = shock.militancy
            if shock.line is not None:  # ... unless the shock sets it apart
                ideology[held, i, 2] = shock.line
        elif shock.kind == "nuclear":  # level: the deliverable force, 1 a secure second strike (default)
            nuclear[after, i] = 1.0 if shock.level is None else shock.level
        elif shock.kind == "deployment":
            deployment[active, i, j] = shock.level
        elif shock.kind == "aid":  # concurrent programmes add up (the 1957 nuclear accord on top of the 1950 treaty)
            aid[active, i, j] = np.minimum(1.0, aid[active, i, j] + shock.level)
        elif shock.kind == "war":
            war[active, i, j] = war[active, j, i] = True

    proximity = np.full((n, n), scenario.proximity_default)
    for pair, value in scenario.proximity.items():
        a, b = (index[c] for c in pair)
        proximity[a, b] = proximity[b, a] = value
    np.fill_diagonal(proximity, 0.0)
    return Exogenous(codes, times, capability, ideology, nuclear, deployment, aid, war, proximity)


def ideology_timeline(scenario: Scenario) -> pd.DataFrame:
    """Each actor's ideology (economy, militancy, line) from each step where it changes, as the model sees it.

    Read off the step grid, so a shock shows from the first step it reaches, and a regime
    that ends shows what holds after it.
    """
    ex = exogenous(scenario)
    rows = []
    for k, code in enumerate(ex.codes):
        series = ex.ideology[:, k]
        changed = np.r_[True, (np.diff(series, axis=0) != 0).any(axis=1)]
        for t in np.nonzero(changed)[0]:
            year = ex.times[t]
            rows.append({"actor": code, "from": f"{int(year)}-{int(round((year % 1) * 12)) + 1:02d}",
                         "economy": series[t, 0], "militancy": series[t, 1], "line": series[t, 2]})
    return pd.DataFrame(rows, columns=["actor", "from", "economy", "militancy", "line"])


def ideology_affinity(positions: np.ndarray) -> np.ndarray:
    """I[i, j] = (1 − Δe)·max(−1, 1 − 2·SCHISM·g) − Δe·m_i for positions shaped n × (economy, militancy[, line]).

    The gap g = Δm + (1 − e_i)(1 − e_j)(Δℓ − Δm) reads the line in proportion to both states
    being command economies: a party's line in the communist movement's quarrel has a
    referent only toward another ruling communist party, and the militancy gap stands in
    elsewhere. Without a line column the line is the militancy, and g = Δm.
    """
    economy, militancy = positions[:, 0], positions[:, 1]
    line = positions[:, 2] if positions.shape[1] > 2 else militancy
    de = np.abs(economy[:, None] - economy[None, :])
    dm = np.abs(militancy[:, None] - militancy[None, :])
    dl = np.abs(line[:, None] - line[None, :])
    both_command = (1.0 - economy[:, None]) * (1.0 - economy[None, :])
    gap = dm + both_command * (dl - dm)
    return (1.0 - de) * np.maximum(-1.0, 1.0 - 2.0 * SCHISM * gap) - de * militancy[:, None]


def coexistence_interest(nuclear: np.ndarray, militancy: np.ndarray) -> np.ndarray:
    """C[i, j] = min(nuclear_i, nuclear_j) · (1 − max(m_i, m_j)): the shared interest of two nuclear powers."""
    pair = np.minimum(nuclear[:, None], nuclear[None, :]) * (1.0 - np.maximum(militancy[:, None], militancy[None, :]))
    np.fill_diagonal(pair, 0.0)
    return pair


def threat_to(R: np.ndarray, ex: Exogenous, t: int) -> np.ndarray:
    """θ[r, i, j]: the threat to i from j (Walt 1987), in [0, 1]."""
    c = ex.capability[t]
    against_me = ex.deployment[t].T  # [i, j]: j's forces posted against i
    reach = np.minimum(1.0, ex.proximity + against_me)
    nuclear = ex.nuclear[t]
    offence = (1.0 + nuclear[None, :] * (1.0 - nuclear[:, None]) + against_me) / 3.0
    hostile_to_me = np.maximum(0.0, -np.swapaxes(R, 1, 2))  # [r, i, j] = j's hostility toward i
    intent = np.maximum(hostile_to_me, against_me[None])  # forces posted against i signal intent too
    deterred = 1.0 - np.minimum(nuclear[:, None], nuclear[None, :])  # mutual deterrence
    return intent * (c[None, :] * reach * offence * deterred)[None]


def driver_terms(R: np.ndarray, ex: Exogenous, t: int, patronage_cost: float | np.ndarray) -> dict[str, np.ndarray]:
    """Each driver's pull on every directed stance at step t (arrays shaped like R)."""
    c = ex.capability[t]
    n = len(c)
    Rt = np.swapaxes(R, 1, 2)  # Rt[r, i, j] = R[r, j, i]
    theta = threat_to(R, ex, t)
    total = theta.sum(axis=2, keepdims=True)  # all the threats i faces
    threat = -theta + c[None, None, :] * _counterweight(theta, R)
    # what threatens i from elsewhere makes it care less about j's creed; j's own threat does not soften it
    pressed = np.minimum(1.0, total - theta)
    ideology = (1.0 - pressed) * ideology_affinity(ex.ideology[t])[None]
    coexistence = np.broadcast_to(coexistence_interest(ex.nuclear[t], ex.ideology[t][:, 1]), R.shape)

    others = c.sum() - c[:, None] - c[None, :]  # Σ c_k over k ≠ i, j
    others = np.maximum(others, 1e-12)
    balance = ((R * c) @ R) / others[None]  # Σ_k R_ik c_k R_kj, as one batched matrix product

    aid = ex.aid[t]
    hostility = np.maximum(0.0, -R)  # [r, i, j]: i's hostility toward j
    hostile_to_me = np.swapaxes(hostility, 1, 2)  # [r, i, j]: j's hostility toward i
    aloof = (1.0 - hostility) * c  # [r, i, k]: c_k (1 − h_ik), a capable k that i is not hostile to
    dependence = aid.T * np.maximum(0.0, c[None, :] - c[:, None]) / (c[None, :] + c[:, None] + 1e-12)
    # entrapment of patron i in client j's quarrels with k that i does not share
    entrapment = aid[None] * _quarrels_apart(aloof, hostility, c) / others[None]
    patronage = (aid + aid.T)[None] - patronage_cost * (dependence[None] + entrapment)
    # the pivot's courtship of j, at odds with a capable k that i is not hostile to
    pivot = _quarrels_apart(aloof, (hostility + hostile_to_me) / 2.0, c) / others[None]
    # j's aid to the states i is hostile to: the patron of my enemy (k = i, j add nothing: h_ii = aid_jj = 0)
    sponsorship = -np.minimum(1.0, hostility @ aid.T)

    idx = np.arange(n)
    for term in (threat, balance, patronage, pivot, sponsorship):
        term[:, idx, idx] = 0.0
    return {"ideology": ideology, "coexistence": coexistence, "threat": threat, "balance": balance,
            "patronage": patronage, "pivot": pivot, "sponsorship": sponsorship, "reciprocity": Rt}


def third_party_terms(R: np.ndarray, ex: Exogenous, t: int, patronage_cost: float) -> dict[str, np.ndarray]:
    """The drivers that run through third states, split by that state: arrays [run, i, j, k].

    Summed over k they give ``driver_terms``' balance, pivot and sponsorship, its threat
    without the −θ_ij term and its patronage without the aid and the client's dependence; the
    rest belongs to no third state. Sponsorship's cap at −1 is shared out in proportion. This
    spells out per k what ``driver_terms`` sums with matrix products (for reading runs, not for
    simulating them: it holds runs × n³ numbers), with one scalar ``patronage_cost`` for all runs.
    """
    c = ex.capability[t]
    n = len(c)
    others = np.maximum(c.sum() - c[:, None] - c[None, :], 1e-12)[None, :, :, None]  # Σ c_k over k ≠ i, j
    third = (1.0 - np.eye(n))[None, :, None, :]  # k ≠ i
    ck = c[None, None, None, :]
    ik = R[:, :, None, :]  # R_ik
    jk = R[:, None, :, :]  # R_jk
    kj = np.swapaxes(R, 1, 2)[:, None, :, :]  # R_kj
    h_ik, h_jk, h_kj = (np.maximum(0.0, -x) for x in (ik, jk, kj))
    theta = threat_to(R, ex, t)
    excess = np.maximum(0.0, theta[:, :, None, :] - theta[:, :, :, None])  # θ_ik − θ_ij
    aid = ex.aid[t]
    sponsored = aid[None, None, :, :] * h_ik  # aid_jk · h_ik
    terms = {
        "threat": c[None, None, :, None] * excess * (1.0 - np.maximum(0.0, jk)),
        "balance": ck * ik * kj / others,
        "patronage": -patronage_cost * aid[None, :, :, None] * ck * h_jk * (1.0 - h_ik) * third / others,
        "pivot": ck * (1.0 - h_ik) * (h_jk + h_kj) / 2.0 * third / others,
        "sponsorship": -sponsored / np.maximum(1.0, sponsored.sum(axis=3, keepdims=True)),
    }
    idx = np.arange(n)
    for term in terms.values():
        term[:, idx, idx] = 0.0
    return terms


def _counterweight(theta: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Σ_k max(0, θ_ik − θ_ij) · (1 − max(0, R_jk)): k's threat to i beyond j's own, where j is not k's friend.

    k = i adds nothing (θ_ii = 0) nor does k = j (no excess); one k at a time keeps the
    temporaries runs × n × n, which is twice as fast as the runs × n × n × n einsum.
    """
    not_friend = 1.0 - np.maximum(0.0, R)  # [r, j, k]
    total = np.zeros_like(theta)
    for k in range(theta.shape[2]):
        total += np.maximum(0.0, theta[:, :, k : k + 1] - theta) * not_friend[:, None, :, k]
    return total


def _quarrels_apart(aloof: np.ndarray, quarrel: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Σ_{k ≠ i, j} c_k (1 − h_ik) · quarrel[j, k]: j's quarrels with third parties that i stays out of.

    ``aloof[r, i, k]`` is c_k (1 − h_ik); ``quarrel`` is zero on its diagonal, so k = j adds
    nothing, and the k = i term, c_i · quarrel[j, i], is taken out.
    """
    quarrel_t = np.swapaxes(quarrel, 1, 2)  # [r, k, j] = quarrel[r, j, k]
    return aloof @ quarrel_t - c[None, :, None] * quarrel_t


def target(R: np.ndarray, ex: Exogenous, t: int, params: Mapping[str, float | np.ndarray]) -> np.ndarray:
    """The stance each state is drawn toward at step t (a parameter is a number, or an array shaped runs × 1 × 1)."""
    terms = driver_terms(R, ex, t, params["patronage_cost"])
    pull = sum(params[name] * terms[name] for name in TARGET_DRIVERS)
    rho = params["reciprocity"]
    return (1.0 - rho) * np.tanh(pull) + rho * terms["reciprocity"]


def step(R: np.ndarray, ex: Exogenous, t: int, params: Mapping[str, float | np.ndarray], shocks: np.ndarray
         ) -> np.ndarray:
    """One step: move part of the way to the target, add noise, hold wars at −1."""
    new = R + params["speed"] * (target(R, ex, t, params) - R) + params["noise"] * shocks
    np.clip(new, -1.0, 1.0, out=new)
    war = ex.war[t]
    if war.any():
        new[:, war] = -1.0
    idx = np.arange(R.shape[1])
    new[:, idx, idx] = 0.0
    return new
