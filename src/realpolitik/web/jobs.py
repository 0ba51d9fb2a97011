"""Background jobs for long simulations: a bounded thread pool, progress, and a bounded store.

A request starts a job and gets its id at once; the page polls the job for progress and
fetches the result when it is done, so the server never holds a request open for the
length of a simulation. Simulations run in threads (numpy releases the GIL in its
kernels), so the event loop keeps answering. At most ``max_active`` jobs are queued or
running; at most ``max_stored`` are kept, the oldest finished ones evicted first.

A job's thread changes its fields under the manager's lock, and the manager hands out only
copies made under that lock: a reader never sees a job half finished (status "done" but no
result yet, or "done" for a job cancelled as it finished).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Cancelled", "Job", "JobManager", "Progress", "TooBusy"]

log = logging.getLogger(__name__)

#: ``progress(done, total)``: what a job's work calls as it advances.
Progress = Callable[[int, int], None]

ACTIVE = ("queued", "running")


class TooBusy(Exception):
    """As many jobs are queued or running as the manager allows."""


class Cancelled(Exception):
    """Raised inside a job's work when the job was cancelled, to stop it between chunks."""


@dataclass
class Job:
    """One unit of background work and what is known about it so far."""

    id: str
    total: int
    payload: Any = None  # what the job was asked to do, echoed back to the client
    status: str = "queued"
    done: int = 0
    created: float = field(default_factory=time.time)
    finished: float | None = None
    result: Any = None
    error: str | None = None
    cancel_requested: bool = False

    @property
    def progress(self) -> float:
        if self.status == "done":
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class JobManager:
    """Runs work in a thread pool and keeps the jobs' state for polling.

    Every method returns a snapshot of the job (a copy taken under the lock), never the
    job the worker thread is changing; poll :meth:`snapshot` to follow a job.
    """

    def __init__(self, *, workers: int = 2, max_active: int = 4, max_stored: int = 32) -> None:
        if workers < 1 or max_active < 1 or max_stored < max_active:
            raise ValueError("need workers >= 1, max_active >= 1 and max_stored >= max_active")
        self.max_active, self.max_stored, self.workers = max_active, max_stored, workers
        self._pool: ThreadPoolExecutor | None = None  # started on the first job, again after a shutdown
        self._jobs: dict[str, Job] = {}  # insertion order is age
        self._lock = threading.Lock()

    def submit(self, work: Callable[[Progress], Any], *, total: int, payload: Any = None) -> Job:
        """Queue ``work(progress)`` and return the new job's snapshot.

        Raises :class:`TooBusy` when ``max_active`` jobs are queued or running.
        """
        with self._lock:
            if sum(j.active for j in self._jobs.values()) >= self.max_active:
                raise TooBusy(f"{self.max_active} simulations are already queued or running; try again shortly")
            self._evict()
            job = Job(uuid.uuid4().hex, total, payload)
            self._jobs[job.id] = job
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="realpolitik-job")
            self._pool.submit(self._run, job, work)
            return replace(job)

    def _evict(self) -> None:
        """Drop the oldest finished jobs until there is room for one more (lock held)."""
        for job_id in [j.id for j in self._jobs.values() if not j.active]:
            if len(self._jobs) < self.max_stored:
                break
            del self._jobs[job_id]

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> None:
        with self._lock:
            if job.cancel_requested:
                return
            job.status = "running"

        def progress(done: int, total: int) -> None:
            with self._lock:
                job.done = done
                if job.cancel_requested:
                    raise Cancelled()

        try:
            result = work(progress)
        except Cancelled:
            outcome: dict[str, Any] = {"status": "cancelled"}
        except Exception as exc:  # the job records any failure; the server goes on
            log.exception("job %s failed", job.id)
            outcome = {"status": "failed", "error": str(exc) or type(exc).__name__}
        else:
            outcome = {"status": "done", "result": result, "done": job.total}
        with self._lock:  # every field at once: a snapshot sees the job running or finished, nothing between
            if job.cancel_requested and outcome["status"] == "done":  # cancelled as it finished
                outcome = {"status": "cancelled"}
            for key, value in outcome.items():
                setattr(job, key, value)
            job.finished = time.time()

    def snapshot(self, job_id: str) -> Job | None:
        """A copy of the job as it stands, or None when it never existed or was evicted."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else replace(job)

    def snapshots(self) -> list[Job]:
        """Copies of every stored job, oldest first."""
        with self._lock:
            return [replace(job) for job in self._jobs.values()]

    def cancel(self, job_id: str) -> Job | None:
        """Stop a queued or running job (it stops after its current chunk); forget a finished one.

        Returns the job's snapshot as the request left it, or None for an unknown job.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.active:
                job.cancel_requested = True
                if job.status == "queued":
                    job.status, job.finished = "cancelled", time.time()
            else:
                del self._jobs[job_id]
            return replace(job)

    def shutdown(self) -> None:
        """Cancel every pending job and stop the pool without waiting for running work.

        A job submitted afterwards starts a fresh pool: an app's lifespan may end and begin
        again (a test client entered twice), and the jobs must not stop for good.
        """
        with self._lock:
            for job in self._jobs.values():
                if job.active:
                    job.cancel_requested = True
                if job.status == "queued":  # its work will never start: it would count as active forever
                    job.status, job.finished = "cancelled", time.time()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
