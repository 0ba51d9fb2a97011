"""Benchmark: the alignment model, realpolitik's vectorised ensemble against the same model in Mesa.

The baseline is the model as the field writes it: a plain Mesa model with one ``Agent`` per
state. Each agent holds its stance row toward the others and, each step, computes its new row
from the drivers with plain Python/NumPy on that row (reading the other agents' rows where a
driver needs them: reciprocity, the threat's intent, balance, entrapment, the pivot's quarrels). The update is
synchronous: every agent computes its new row from the old stances, then all agents adopt
theirs. Same rules, same inputs (``exogenous(scenario)``), same burn-in (40 noiseless steps at
the starting conditions, since the reference scenario gives no initial stances), same noise:
each Mesa run gets ``default_rng(child).standard_normal((steps, n, n))`` for the same
``SeedSequence`` child as realpolitik's run of the same index, drawn inside the timed region
as realpolitik draws it.

Before timing, the script checks that Mesa reproduces realpolitik:

* the stance matrix after every step (burn-in included) against ``realpolitik.sim.model.step``
  driven with the same noise, in float64: max |difference|;
* yearly means in float64 from those two trajectories: max |difference| (must be <= 1e-9);
* the yearly means that ``simulate`` returns (float32, accumulated as ``run_chunk`` does)
  against Mesa's yearly means accumulated the same way in float32.

Run-steps are counted as runs x the scenario's quarterly steps (172 for 1949-1991), burn-in
not counted, for both; each run also does 40 burn-in steps, so run-steps including burn-in
are x 212/172 for both, and the ratio is the same either way.

    PYTHONPATH=src python benchmarks/bench_sim_mesa.py [--runs 10000 1000] [--mesa-runs 10] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

# One BLAS thread, as in the other benchmarks: neither side should gain from BLAS threads
# oversubscribing the shared cores. An explicit OPENBLAS_NUM_THREADS in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import mesa  # noqa: E402
import numpy as np  # noqa: E402

from realpolitik.sim import ensemble as rp_ensemble  # noqa: E402
from realpolitik.sim.ensemble import simulate  # noqa: E402
from realpolitik.sim.model import SCHISM, Exogenous, exogenous, step  # noqa: E402
from realpolitik.sim.scenario import Scenario, load_scenario  # noqa: E402

BURN_IN = rp_ensemble._BURN_IN  # 40: the noiseless settling steps at the starting conditions


class State(mesa.Agent):
    """One state: its stance row toward every state (0 toward itself)."""

    def __init__(self, model: "AlignmentModel", index: int, code: str, stance: np.ndarray) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.stance = stance  # float64 (n,)
        self._next: np.ndarray | None = None

    def compute(self) -> None:
        """New stance row from the old stances of every agent (phase 1 of a synchronous step)."""
        m = self.model
        ex, t, p = m.ex, m.t, m.params
        i = self.index
        others = m.states
        n = len(others)
        row = self.stance
        toward_me = np.array([a.stance[i] for a in others])  # R[j, i]: j's stance toward me

        c = ex.capability[t]
        nuclear = ex.nuclear[t]
        deployment = ex.deployment[t]
        aid = ex.aid[t]
        positions = ex.ideology[t]
        not_pair = np.maximum(c.sum() - c[i] - c, 1e-12)  # Σ c_k over k ≠ i, j

        # threat to me from each state, then the two-front pull
        against_me = deployment[:, i]  # forces j has posted against me
        reach = np.minimum(1.0, ex.proximity[i] + against_me)
        offence = (1.0 + nuclear * (1.0 - nuclear[i]) + against_me) / 3.0
        intent = np.maximum(np.maximum(0.0, -toward_me), against_me)
        deterred = 1.0 - np.minimum(nuclear[i], nuclear)
        theta = intent * (c * reach * offence * deterred)
        stances = np.array([a.stance for a in others])  # R[j, k]: every agent's stance row
        excess = np.maximum(0.0, theta[None, :] - theta[:, None])  # [j, k]: max(0, θ_ik − θ_ij)
        threat = -theta + c * (excess * (1.0 - np.maximum(0.0, stances))).sum(axis=1)

        # ideology: affinity of my position with each state's, discounted by the threats I face from others
        economy, militancy, line = positions[:, 0], positions[:, 1], positions[:, 2]
        de = np.abs(economy[i] - economy)
        dm, dl = np.abs(militancy[i] - militancy), np.abs(line[i] - line)
        # the professed line counts in proportion to both being command economies; hostility across systems: militancy
        gap = dm + (1.0 - economy[i]) * (1.0 - economy) * (dl - dm)
        ideology = (1.0 - de) * np.maximum(-1.0, 1.0 - 2.0 * SCHISM * gap) - de * militancy[i]
        ideology *= 1.0 - np.minimum(1.0, theta.sum() - theta)  # threats from the others, not from j

        # coexistence: the shared interest of nuclear powers that do not preach revolution
        coexistence = np.minimum(nuclear[i], nuclear) * (1.0 - np.maximum(militancy[i], militancy))
        coexistence[i] = 0.0

        # balance: Σ_k c_k R_ik R_kj over the other agents' rows
        acc = np.zeros(n)
        for k, a in enumerate(others):
            acc += (c[k] * row[k]) * a.stance
        balance = acc / not_pair

        # patronage: aid both ways, less dependence on a stronger patron and entrapment
        hostility = np.maximum(0.0, -row)
        weight = c * (1.0 - hostility)  # c_k (1 − h_ik)
        quarrels = np.array([np.dot(a.stance.clip(max=0.0) * -1.0, weight) for a in others])
        quarrels -= c[i] * np.maximum(0.0, -toward_me)  # drop k = i: the client's hostility to me
        dependence = aid[:, i] * np.maximum(0.0, c - c[i]) / (c + c[i] + 1e-12)
        entrapment = aid[i] * quarrels / not_pair
        patronage = aid[i] + aid[:, i] - p["patronage_cost"] * (dependence + entrapment)

        # pivot: court each state in proportion to its quarrels with capable states I am not hostile to
        rows = np.maximum(0.0, -np.array([a.stance for a in others]))  # every agent's hostility row
        quarrel = (rows + rows.T) / 2.0  # q_jk
        pivot = (quarrel @ weight - c[i] * quarrel[:, i]) / not_pair

        # sponsorship: each state's aid to the states I am hostile to
        sponsorship = -np.minimum(1.0, aid @ hostility)

        threat[i] = balance[i] = patronage[i] = pivot[i] = sponsorship[i] = 0.0
        pull = (p["ideology"] * ideology + p["coexistence"] * coexistence + p["threat"] * threat
                + p["balance"] * balance + p["patronage"] * patronage + p["pivot"] * pivot
                + p["sponsorship"] * sponsorship)
        rho = p["reciprocity"]
        target = (1.0 - rho) * np.tanh(pull) + rho * toward_me

        new = row + p["speed"] * (target - row) + p["noise"] * m.shocks[i]
        np.clip(new, -1.0, 1.0, out=new)
        new[ex.war[t, i]] = -1.0
        new[i] = 0.0
        self._next = new

    def advance(self) -> None:
        """Adopt the new row (phase 2)."""
        self.stance = self._next


class AlignmentModel(mesa.Model):
    """The alignment model of ``realpolitik.sim.model`` as a plain Mesa model."""

    def __init__(self, scenario: Scenario, ex: Exogenous, noise: np.ndarray, *, record: bool = False) -> None:
        super().__init__(seed=0)  # Mesa's own RNG is unused: the noise is passed in
        self.ex = ex
        self.params = dict(scenario.parameters)
        self.per_year = scenario.steps_per_year
        self.noise = noise  # (steps, n, n): the run's draws, as realpolitik makes them
        n = len(ex.codes)
        initial = np.zeros((n, n))
        for (a, b), value in scenario.initial.items():
            initial[ex.codes.index(a), ex.codes.index(b)] = value
        self.states = [State(self, k, code, initial[k].copy()) for k, code in enumerate(ex.codes)]
        self.t = 0
        self.shocks = np.zeros((n, n))
        self.record = record
        self.path: list[np.ndarray] = []
        if not scenario.initial:  # settle the initial stances without noise, at step 0's conditions
            for _ in range(BURN_IN):
                self._advance_all()
        years = ex.steps // self.per_year
        self.yearly = np.zeros((years, n, n))
        self.yearly32 = np.zeros((years, n, n), dtype=np.float32)

    def _advance_all(self) -> None:
        self.agents.do("compute")
        self.agents.do("advance")
        if self.record:
            self.path.append(self.stances())

    def stances(self) -> np.ndarray:
        return np.array([a.stance for a in self.states])

    def step(self) -> None:
        t = self.t
        self.shocks = self.noise[t]
        self._advance_all()
        R = self.stances()
        y = t // self.per_year
        self.yearly[y] += R / self.per_year
        self.yearly32[y] += R / self.per_year  # as run_chunk accumulates its float32 output
        self.t += 1

    def run(self) -> None:
        for _ in range((self.ex.steps // self.per_year) * self.per_year):
            self.step()


def run_noise(child: np.random.SeedSequence, ex: Exogenous) -> np.ndarray:
    n = len(ex.codes)
    return np.random.default_rng(child).standard_normal((ex.steps, n, n))


def realpolitik_path(scenario: Scenario, ex: Exogenous, noise: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """One run through ``realpolitik.sim.model.step`` in float64, recording every step."""
    params = dict(scenario.parameters)
    per_year = scenario.steps_per_year
    R = rp_ensemble._initial(ex, scenario, 1, params)  # burn-in as run_chunk does it
    # _initial does not expose the burn-in path: redo it to record it
    n = len(ex.codes)
    path = []
    R0 = np.zeros((1, n, n))
    for (a, b), value in scenario.initial.items():
        R0[:, ex.codes.index(a), ex.codes.index(b)] = value
    if not scenario.initial:
        for _ in range(BURN_IN):
            R0 = step(R0, ex, 0, params, np.zeros_like(R0))
            path.append(R0[0].copy())
    assert np.array_equal(R0, R)
    years = ex.steps // per_year
    yearly = np.zeros((years, n, n))
    for t in range(years * per_year):
        R = step(R, ex, t, params, noise[t][None])
        path.append(R[0].copy())
        yearly[t // per_year] += R[0] / per_year
    return path, yearly


def check(scenario: Scenario, ex: Exogenous, seed: int, runs: int) -> dict[str, float]:
    """Mesa against realpolitik for the first ``runs`` runs of the ensemble with ``seed``."""
    children = np.random.SeedSequence(seed).spawn(runs)
    ens = simulate(scenario, runs=runs, seed=seed)
    worst = {"path": 0.0, "yearly64": 0.0, "yearly32_vs_simulate": 0.0, "simulate_vs_float64": 0.0}
    for r, child in enumerate(children):
        noise = run_noise(child, ex)
        model = AlignmentModel(scenario, ex, noise, record=True)
        model.run()
        rp_path, rp_yearly = realpolitik_path(scenario, ex, noise)
        assert len(rp_path) == len(model.path)
        worst["path"] = max(worst["path"], max(float(np.abs(a - b).max()) for a, b in zip(rp_path, model.path)))
        worst["yearly64"] = max(worst["yearly64"], float(np.abs(rp_yearly - model.yearly).max()))
        worst["yearly32_vs_simulate"] = max(
            worst["yearly32_vs_simulate"], float(np.abs(ens.stances[r].astype(np.float64) - model.yearly32).max())
        )
        worst["simulate_vs_float64"] = max(
            worst["simulate_vs_float64"], float(np.abs(ens.stances[r].astype(np.float64) - rp_yearly).max())
        )
    return worst


def time_mesa(scenario: Scenario, ex: Exogenous, seed: int, runs: int) -> float:
    children = np.random.SeedSequence(seed).spawn(runs)
    t0 = time.perf_counter()
    for child in children:
        AlignmentModel(scenario, ex, run_noise(child, ex)).run()
    return time.perf_counter() - t0


def time_realpolitik(scenario: Scenario, seed: int, runs: int) -> float:
    t0 = time.perf_counter()
    simulate(scenario, runs=runs, seed=seed)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[10_000, 1_000], help="realpolitik ensemble sizes")
    parser.add_argument("--mesa-runs", type=int, default=10, help="Mesa runs to time")
    parser.add_argument("--check-runs", type=int, default=3, help="runs compared step by step")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    scenario = load_scenario()
    ex = exogenous(scenario)
    per_year = scenario.steps_per_year
    steps = (ex.steps // per_year) * per_year
    burn = 0 if scenario.initial else BURN_IN
    print(f"Python {platform.python_version()}, numpy {np.__version__}, mesa {mesa.__version__}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    print(f"scenario {scenario.name}: {len(ex.codes)} states, {steps} quarterly steps (+{burn} burn-in) per run")

    worst = check(scenario, ex, args.seed, args.check_runs)
    print(f"agreement over {args.check_runs} runs (seed {args.seed}):")
    print(f"  max |R_mesa - R_realpolitik| over every step, float64: {worst['path']:.3g}")
    print(f"  max |yearly mean difference|, float64:                {worst['yearly64']:.3g}")
    print(f"  max |Mesa float32 yearly - simulate() output|:        {worst['yearly32_vs_simulate']:.3g}")
    print(f"  (simulate() float32 output vs float64 yearly means:   {worst['simulate_vs_float64']:.3g})")
    if worst["yearly64"] > 1e-9:
        raise SystemExit("Mesa and realpolitik disagree: not timing")

    simulate(scenario, runs=16, seed=args.seed)  # warm-up
    rows = []
    for runs in args.runs:
        secs = time_realpolitik(scenario, args.seed, runs)
        rows.append(("realpolitik simulate", runs, secs))
        print(f"realpolitik simulate, {runs:,} runs: {secs:.2f} s, {runs * steps / secs:,.0f} run-steps/s")
    AlignmentModel(scenario, ex, run_noise(np.random.SeedSequence(args.seed), ex)).run()  # warm-up
    secs = time_mesa(scenario, ex, args.seed, args.mesa_runs)
    mesa_rate = args.mesa_runs * steps / secs
    print(f"Mesa, {args.mesa_runs} runs: {secs:.2f} s ({secs / args.mesa_runs:.2f} s per run), "
          f"{mesa_rate:,.0f} run-steps/s")
    print(f"run-steps = runs x {steps} quarterly steps (burn-in not counted; x{(steps + burn) / steps:.3f} with it)")
    for name, runs, s in rows:
        rate = runs * steps / s
        print(f"  {name}, {runs:,} runs: {rate / mesa_rate:,.0f}x Mesa's run-steps/s")


if __name__ == "__main__":
    main()
