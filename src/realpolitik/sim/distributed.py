"""Run ensemble chunks on a Dask cluster: a given scheduler address, or a LocalCluster started here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._errors import RealpolitikError
from .scenario import Scenario

__all__ = ["map_chunks"]


def map_chunks(
    run_chunk: Callable[..., np.ndarray],
    scenario: Scenario,
    jobs: Sequence[tuple[Sequence[np.random.SeedSequence], Mapping[str, float | np.ndarray]]],
    *,
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    runs: int,
) -> list[np.ndarray]:
    """Compute ``run_chunk(scenario, seeds, params=values)`` for every job on Dask, results in job order.

    Each chunk carries its own seed sequences and per-run parameters, so the results equal
    a local run's; the scenario is sent to the workers once.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is a dependency, but say what to do if absent
        raise RealpolitikError("the dask executor needs dask[distributed]: pip install 'dask[distributed]'") from None
    cluster = None
    try:
        if address is None:
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise RealpolitikError(f"cannot reach the Dask scheduler {address}: {exc}") from None
    try:
        shared = client.scatter(scenario, broadcast=True)
        futures = [client.submit(run_chunk, shared, list(seeds), params=dict(values), pure=False)
                   for seeds, values in jobs]
        position = {f.key: k for k, f in enumerate(futures)}
        results: list[np.ndarray | None] = [None] * len(futures)
        done = 0
        for future in as_completed(futures):
            k = position[future.key]
            results[k] = future.result()
            done += len(jobs[k][0])
            if progress:
                progress(done, runs)
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
