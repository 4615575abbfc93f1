"""The state of the run or plan being recorded, turned into events.

SQLMesh reports a run through two channels: the notification target (run and
apply start / end / failure, failing audits) and the console (plan contents,
planned intervals, per-model timing, skipped and failed models). Both call
the `on_*` methods below; each is wrapped so that nothing escapes.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import threading
import typing as t
import uuid

from . import _facts as facts
from ._sink import Sink

logger = logging.getLogger("runlens_sqlmesh")


def guarded(fn: t.Callable) -> t.Callable:
    @functools.wraps(fn)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            logger.warning("runlens: recording %s failed: %r", fn.__name__, e, exc_info=True)
            return None

    return wrapper


# The log lines SQLMesh writes (logger "sqlmesh") in a worker thread while it
# evaluates a model become that execution's log.
_capture = threading.local()
MAX_LOG_LINES = 500
MAX_LINE_CHARS = 4000


class _CaptureHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            lines = getattr(_capture, "lines", None)
            if lines is None or len(lines) >= MAX_LOG_LINES:
                return
            from datetime import datetime, timezone

            lines.append(
                {
                    "at": facts.rfc3339(datetime.fromtimestamp(record.created, tz=timezone.utc)),
                    "level": record.levelname,
                    "message": record.getMessage()[:MAX_LINE_CHARS],
                }
            )
        except Exception:
            pass

    def handleError(self, record: logging.LogRecord) -> None:
        pass


_HANDLER: t.Optional[_CaptureHandler] = None


def install_log_capture() -> None:
    """Adds the capturing handler to SQLMesh's logger (once); it changes no
    level, so it sees what SQLMesh's logging configuration lets through."""
    global _HANDLER
    if _HANDLER is None:
        _HANDLER = _CaptureHandler()
        logging.getLogger("sqlmesh").addHandler(_HANDLER)


class _Run:
    def __init__(self, environment: str) -> None:
        self.id = uuid.uuid4().hex
        self.environment = environment
        self.at = facts.now()
        self.file: t.Optional[str] = None  # set once the first events are written
        self.buffer: t.List[t.Dict[str, t.Any]] = []
        self.planned: t.Dict[str, t.List[t.Tuple[t.Optional[str], t.Optional[str]]]] = {}
        self.started_batches: t.Dict[str, int] = {}
        self.finished: t.Dict[t.Tuple[str, t.Optional[str], t.Optional[str]], t.Dict[str, t.Any]] = {}
        self.failed_models: t.List[str] = []
        self.snapshots: t.Dict[str, t.Any] = {}


class _Plan:
    def __init__(self, plan_id: str, environment: str) -> None:
        self.id = plan_id
        self.environment = environment
        self.at = facts.now()
        self.payload: t.Dict[str, t.Any] = {}


class Recorder:
    """One per store."""

    def __init__(self, store: str, events_dir: t.Optional[str] = None) -> None:
        self.store = os.path.abspath(store)
        self.sink = Sink(self.store, os.path.abspath(events_dir or os.path.join(self.store, ".runlens-events")))
        self.lock = threading.RLock()
        self.local = threading.local()
        self.run: t.Optional[_Run] = None
        self.plan: t.Optional[_Plan] = None
        self.default_catalog: t.Optional[str] = None
        atexit.register(self.at_exit)

    # -- helpers -----------------------------------------------------------

    def _name(self, fqn: t.Any) -> str:
        return facts.model_name(fqn, self.default_catalog)

    def _emit(self, run: _Run, events: t.List[t.Dict[str, t.Any]]) -> None:
        """Adds events of `run` (its id set here); written once the run is
        known to do something (see `on_evaluation_start`)."""
        now = facts.now()
        events = [
            {"type": e["type"], "run_id": run.id, "at": e.get("at") or now, **e} for e in events
        ]
        if run.file is None:
            run.buffer.extend(events)
            return
        if self.sink.write(run.file, events):
            self.sink.poke(run.file)

    def _open(self, run: _Run) -> None:
        """Writes the buffered events of `run` to its file."""
        if run.file is not None:
            return
        run.file = self.sink.new_file(_stamp(run.at), "run", run.id)
        events, run.buffer = run.buffer, []
        self.sink.write(run.file, events)

    # -- runs --------------------------------------------------------------

    @guarded
    def on_run_start(self, environment: t.Any) -> None:
        with self.lock:
            run = _Run(str(environment or "prod"))
            self.run = run
            self._emit(run, [{"type": "run_started", "at": run.at, "environment": run.environment}])

    @guarded
    def on_evaluation_start(
        self,
        batched_intervals: t.Any,
        environment_naming_info: t.Any,
        default_catalog: t.Optional[str],
        all_snapshots: t.Optional[t.Iterable[t.Any]],
    ) -> None:
        with self.lock:
            run = self.run
            if run is None or self.plan is not None:
                return  # a plan's backfill: not a run
            if default_catalog:
                self.default_catalog = default_catalog
            env = getattr(environment_naming_info, "name", None)
            if env and run.file is None:
                run.environment = str(env)
                run.buffer[0]["environment"] = run.environment
            executions = []
            for snapshot, intervals in dict(batched_intervals or {}).items():
                name = self._name(snapshot.name)
                run.snapshots[name] = snapshot
                spans = [facts.interval(i) for i in intervals]
                run.planned[name] = spans
                executions.extend(
                    {"model": name, "interval_start": s, "interval_end": e} for s, e in spans
                )
            models: t.Dict[str, t.Dict[str, t.Any]] = {}
            for snapshot in list(all_snapshots or []) + list(run.snapshots.values()):
                if not getattr(snapshot, "is_model", True):
                    continue
                m = facts.model(snapshot, self.default_catalog)
                if m is not None:
                    models[m["name"]] = m
            planned: t.Dict[str, t.Any] = {"type": "executions_planned", "executions": executions}
            if models:
                planned["models"] = sorted(models.values(), key=lambda m: m["name"])
            self._emit(run, [planned])
            self._open(run)
            assert run.file is not None
            self.sink.poke(run.file)  # the first ingest starts at once: the run shows

    @guarded
    def on_model_start(self, snapshot: t.Any) -> None:
        with self.lock:
            run = self.run
            if run is None or self.plan is not None:
                return
            name = self._name(snapshot.name)
            self.local.started = (name, facts.now())
            _capture.lines = []
            spans = run.planned.get(name) or []
            k = run.started_batches.get(name, 0)
            run.started_batches[name] = k + 1
            if k < len(spans):
                s, e = spans[k]
                self._emit(
                    run,
                    [{"type": "execution_started", "model": name, "interval_start": s, "interval_end": e}],
                )

    @guarded
    def on_audit_failure(self, audit_error: t.Any) -> None:
        """A failing audit, reported in the worker thread evaluating its model."""
        with self.lock:
            if self.run is None or self.plan is not None:
                return
        failures = getattr(self.local, "audit_failures", None)
        if failures is None:
            failures = self.local.audit_failures = []
        failures.append(audit_error)

    @guarded
    def on_model_finish(
        self,
        snapshot: t.Any,
        interval: t.Any,
        duration_ms: t.Optional[int],
        num_audits_passed: t.Optional[int],
        num_audits_failed: t.Optional[int],
    ) -> None:
        failures = getattr(self.local, "audit_failures", None) or []
        self.local.audit_failures = []
        started = getattr(self.local, "started", None)
        self.local.started = None
        log = getattr(_capture, "lines", None) or []
        _capture.lines = None
        with self.lock:
            run = self.run
            if run is None or self.plan is not None:
                return
            name = self._name(snapshot.name)
            run.snapshots.setdefault(name, snapshot)
            s, e = facts.interval(interval)
            at = facts.now()
            ev: t.Dict[str, t.Any] = {
                "type": "execution_finished",
                "at": at,
                "model": name,
                "interval_start": s,
                "interval_end": e,
                "status": "complete" if duration_ms is not None else "failed",
            }
            if started is not None and started[0] == name:
                ev["start"] = started[1]
            if duration_ms is not None:
                ev["duration_ms"] = int(duration_ms)
            if log:
                ev["log"] = log
            run.finished[(name, s, e)] = ev
            events = [ev]
            failing = set()
            for err in failures:
                audit = str(getattr(err, "audit_name", "") or "")
                if not audit:
                    continue
                failing.add(audit)
                blocking = facts.audit_blocking(snapshot, audit)
                a: t.Dict[str, t.Any] = {
                    "type": "audit_result",
                    "at": at,
                    "name": audit,
                    "model": name,
                    "status": "failed",
                    "interval_start": s,
                    "interval_end": e,
                    "error": str(err),
                }
                if blocking is not None:
                    a["blocking"] = blocking
                count = getattr(err, "count", None)
                if isinstance(count, int):
                    a["failing_rows"] = count
                try:
                    a["query"] = err.sql(pretty=True)
                except Exception:
                    pass
                events.append(a)
            # Passed audits: SQLMesh only counts them; they can be named when
            # the counts add up to the model's audits.
            audits = facts.audit_names(snapshot)
            if (
                duration_ms is not None
                and audits is not None
                and num_audits_failed == len(failing)
                and (num_audits_passed or 0) + (num_audits_failed or 0)
                == len(audits) + _skipped_audits(snapshot)
            ):
                for audit, blocking in audits:
                    if audit in failing:
                        continue
                    events.append(
                        {
                            "type": "audit_result",
                            "at": at,
                            "name": audit,
                            "model": name,
                            "status": "complete",
                            "blocking": blocking,
                            "failing_rows": 0,
                            "interval_start": s,
                            "interval_end": e,
                        }
                    )
            self._emit(run, events)

    @guarded
    def on_skipped(self, snapshot_names: t.Iterable[t.Any]) -> None:
        with self.lock:
            run = self.run
            if run is None or self.plan is not None:
                return
            events = []
            for fqn in sorted(str(n) for n in snapshot_names or []):
                name = self._name(fqn)
                for s, e in run.planned.get(name) or [(None, None)]:
                    if (name, s, e) in run.finished:
                        continue
                    ev = {"type": "model_skipped", "model": name, "reason": "an upstream model failed"}
                    if s is not None:
                        ev["interval_start"], ev["interval_end"] = s, e
                    events.append(ev)
            self._emit(run, events)

    @guarded
    def on_failed(self, errors: t.Iterable[t.Any]) -> None:
        with self.lock:
            run = self.run
            if run is None or self.plan is not None:
                return
            events = []
            for error in errors or []:
                node = getattr(error, "node", None)
                fqn = getattr(node, "snapshot_name", None) or getattr(node, "name", None)
                if fqn is None:
                    continue
                name = self._name(fqn)
                if name not in run.failed_models:
                    run.failed_models.append(name)
                text = facts.error_text(error)
                node_interval = getattr(node, "interval", None)
                spans = (
                    [facts.interval(node_interval)]
                    if node_interval is not None
                    else (run.planned.get(name) or [])
                )
                for s, e in spans:
                    before = run.finished.get((name, s, e)) or {}
                    ev = {
                        "type": "execution_finished",
                        "at": before.get("at") or facts.now(),
                        "model": name,
                        "interval_start": s,
                        "interval_end": e,
                        "status": "failed",
                        "error": text,
                    }
                    if before.get("start"):
                        ev["start"] = before["start"]
                    # Its log: what SQLMesh logged while it ran, then the error.
                    ev["log"] = list(before.get("log") or []) + [
                        {"at": ev["at"], "level": "ERROR", "message": text}
                    ]
                    run.finished[(name, s, e)] = ev
                    events.append(ev)
                    # A blocking audit failure: its audits, marked blocking.
                    cause = error.__cause__
                    for err in getattr(cause, "errors", None) or []:
                        audit = getattr(err, "audit_name", None)
                        if not audit:
                            continue
                        a = {
                            "type": "audit_result",
                            "at": ev["at"],
                            "name": str(audit),
                            "model": name,
                            "status": "failed",
                            "blocking": True,
                            "interval_start": s,
                            "interval_end": e,
                            "error": str(err),
                        }
                        if isinstance(getattr(err, "count", None), int):
                            a["failing_rows"] = err.count
                        try:
                            a["query"] = err.sql(pretty=True)
                        except Exception:
                            pass
                        events.append(a)
            self._emit(run, events)

    @guarded
    def on_run_end(self, status: str, error: t.Optional[str]) -> None:
        with self.lock:
            run = self.run
            if run is None:
                return
            self.run = None
            if run.file is None and status == "complete":
                return  # nothing to do: SQLMesh evaluated nothing; not a run worth showing
            if status == "failed" and (not error or error.startswith("See console logs")):
                error = (
                    f"{len(run.failed_models)} model{'s' if len(run.failed_models) != 1 else ''} failed: "
                    + ", ".join(run.failed_models)
                    if run.failed_models
                    else (error or "the run failed")
                )
            ev: t.Dict[str, t.Any] = {"type": "run_finished", "status": status}
            if error:
                ev["error"] = error
            self._emit(run, [ev])
            self._open(run)
            path = run.file
        if path is not None:
            self.sink.finish(path)

    # -- plans -------------------------------------------------------------

    @guarded
    def on_apply_start(self, environment: t.Any, plan_id: t.Any) -> None:
        with self.lock:
            self.plan = _Plan(str(plan_id), str(environment))

    @guarded
    def on_plan_evaluation(self, plan: t.Any) -> None:
        with self.lock:
            p = self.plan
            if p is None or str(getattr(plan, "plan_id", "")) != p.id:
                return
            new = list(getattr(plan, "new_snapshots", None) or [])
            for s in new:
                cat = getattr(getattr(s, "node", None), "default_catalog", None)
                if cat:
                    self.default_catalog = cat
                    break
            env = getattr(plan, "environment", None)
            before = {
                self._name(s.name)
                for s in (getattr(env, "previous_finalized_snapshots", None) or [])
            }
            now_in = {self._name(s.name) for s in (getattr(env, "snapshots", None) or [])}
            direct = {self._name(s.name) for s in plan.directly_modified_snapshots}
            indirect = {
                self._name(s.name)
                for ids in (plan.indirectly_modified_snapshots or {}).values()
                for s in ids
            }
            removed = {self._name(s.name) for s in plan.removed_snapshots}
            added = (direct | now_in) - before if env is not None else set()
            p.payload = {
                "added": sorted(added),
                "removed": sorted(removed - now_in),
                "directly_modified": sorted(direct - added),
                "indirectly_modified": sorted(indirect - added - direct),
            }
            s = facts.from_timelike(getattr(plan, "start", None))
            e = facts.from_timelike(getattr(plan, "end", None))
            if s:
                p.payload["interval_start"] = s
            if e:
                p.payload["interval_end"] = e

    @guarded
    def on_apply_end(self, plan_id: t.Any, status: str, error: t.Optional[str]) -> None:
        with self.lock:
            p = self.plan
            self.plan = None
            if p is None or p.id != str(plan_id):
                return
            ev: t.Dict[str, t.Any] = {
                "type": "plan_applied",
                "plan_id": p.id,
                "at": facts.now(),
                "environment": p.environment,
                "start": p.at,
                "status": status,
                **p.payload,
            }
            if error:
                ev["error"] = error
            path = self.sink.new_file(_stamp(p.at), "plan", p.id)
            written = self.sink.write(path, [ev])
        if written:
            self.sink.finish(path)

    # -- the end of the process ---------------------------------------------

    @guarded
    def at_exit(self) -> None:
        """A run or plan still going when the process ends (Ctrl-C, a crash):
        recorded as failed rather than left in progress for ever."""
        with self.lock:
            run, plan = self.run, self.plan
        if run is not None and run.file is not None:
            self.on_run_end("failed", "the process ended before the run finished")
        if plan is not None:
            self.on_apply_end(plan.id, "failed", "the process ended before the plan was applied")


def _stamp(at: str) -> str:
    """`2026-11-29T01:02:03.456Z` -> `20261129T010203Z` (file names sort by time)."""
    return at.replace("-", "").replace(":", "").split(".")[0].rstrip("Z") + "Z"


def _skipped_audits(snapshot: t.Any) -> int:
    try:
        return sum(1 for a, _ in snapshot.node.audits_with_args if getattr(a, "skip", False))
    except Exception:
        return 0


_RECORDERS: t.Dict[str, Recorder] = {}
_RECORDERS_LOCK = threading.Lock()


def recorder_for(store: str, events_dir: t.Optional[str] = None) -> Recorder:
    key = os.path.abspath(store)
    with _RECORDERS_LOCK:
        r = _RECORDERS.get(key)
        if r is None:
            r = _RECORDERS[key] = Recorder(key, events_dir)
        return r


def all_recorders() -> t.List[Recorder]:
    with _RECORDERS_LOCK:
        return list(_RECORDERS.values())
