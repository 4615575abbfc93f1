"""Records SQLMesh runs and plans for runlens.

In the project's `config.py`::

    from runlens_sqlmesh import record
    config = record(config, store="path/to/store")

Each `sqlmesh run` / `sqlmesh plan` then writes run events (docs/events.md
of runlens) to `<store>/.runlens-events/` and folds them into the store with
`runlens-ingest events <file> --store <store>` (`RUNLENS_INGEST`, else
`runlens-ingest` on PATH) while it happens. Whatever goes wrong in the
recorder is logged and never fails nor stops SQLMesh.
"""

from __future__ import annotations

import logging
import os
import typing as t

from ._recorder import Recorder, all_recorders, install_log_capture, recorder_for

__all__ = ["record"]
__version__ = "0.1.0"

logger = logging.getLogger("runlens_sqlmesh")


def record(config: t.Any, store: t.Union[str, "os.PathLike[str]"], events_dir: t.Optional[str] = None) -> t.Any:
    """Installs the recorder into a SQLMesh `Config` and returns that config.

    store: the runlens store folder (created by the ingest when missing); a
        relative path is relative to the folder of the calling file (the
        project's config.py), so it does not depend on where sqlmesh runs.
    events_dir: where the event files go; default `<store>/.runlens-events`.
    """
    try:
        store = os.fspath(store)
        if not os.path.isabs(store):
            import sys

            caller = sys._getframe(1).f_globals.get("__file__")
            if caller:
                store = os.path.join(os.path.dirname(os.path.abspath(caller)), store)
        rec = recorder_for(store, events_dir)
        _install_console()
        install_log_capture()
        target = _target_class()(store=rec.store)
        targets = getattr(config, "notification_targets", None)
        if targets is None:
            logger.warning("runlens: %r has no notification_targets; not recording", type(config))
            return config
        if not any(getattr(x, "store", None) == rec.store for x in targets):
            # Appended in place: assigning would re-validate the list against
            # SQLMesh's union of built-in targets, which does not know ours.
            targets.append(target)
    except Exception as e:
        logger.warning("runlens: cannot install the recorder: %r", e, exc_info=True)
    return config


# -- the notification target --------------------------------------------------

_TARGET_CLASS: t.Optional[type] = None


def _target_class() -> type:
    global _TARGET_CLASS
    if _TARGET_CLASS is not None:
        return _TARGET_CLASS
    from pydantic import Field
    from sqlmesh.core.notification_target import BaseNotificationTarget, NotificationEvent

    events = frozenset(
        e
        for e in NotificationEvent
        if e.value in {"apply_start", "apply_end", "apply_failure", "run_start", "run_end", "run_failure", "audit_failure"}
    )

    class RunlensNotificationTarget(BaseNotificationTarget):
        """Run and apply start / end / failure and failing audits, to the recorder."""

        type_: t.Literal["runlens"] = Field(alias="type", default="runlens")
        notify_on: t.FrozenSet[NotificationEvent] = events
        store: str

        def _rec(self) -> Recorder:
            return recorder_for(self.store)

        def send(self, *args: t.Any, **kwargs: t.Any) -> None:
            pass

        def notify_run_start(self, environment: str = "prod", *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_run_start(environment)

        def notify_run_end(self, *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_run_end("complete", None)

        def notify_run_failure(self, exc: t.Any = None, *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_run_end("failed", str(exc) if exc else None)

        def notify_apply_start(self, environment: str = "", plan_id: str = "", *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_apply_start(environment, plan_id)

        def notify_apply_end(self, environment: str = "", plan_id: str = "", *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_apply_end(plan_id, "complete", None)

        def notify_apply_failure(
            self, environment: str = "", plan_id: str = "", exc: t.Any = None, *args: t.Any, **kwargs: t.Any
        ) -> None:
            self._rec().on_apply_end(plan_id, "failed", str(exc) if exc else "the plan failed")

        def notify_audit_failure(self, audit_error: t.Any = None, *args: t.Any, **kwargs: t.Any) -> None:
            self._rec().on_audit_failure(audit_error)

    _TARGET_CLASS = RunlensNotificationTarget
    return _TARGET_CLASS


# -- the console --------------------------------------------------------------


def _arg(args: t.Tuple[t.Any, ...], kwargs: t.Dict[str, t.Any], i: int, name: str) -> t.Any:
    if name in kwargs:
        return kwargs[name]
    return args[i] if len(args) > i else None


def _each(method: str, *args: t.Any) -> None:
    for rec in all_recorders():
        try:
            getattr(rec, method)(*args)
        except Exception as e:  # the recorder's methods are guarded; this is a second net
            logger.warning("runlens: %s failed: %r", method, e)


class _RecordingConsole:
    """Mixed in front of whatever console SQLMesh made (terminal, notebook,
    markdown for CI...): observes, then lets the console do its job with the
    same arguments."""

    def start_plan_evaluation(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        _each("on_plan_evaluation", _arg(args, kwargs, 0, "plan"))
        return super().start_plan_evaluation(*args, **kwargs)  # type: ignore[misc]

    def start_evaluation_progress(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        all_snapshots = None
        try:
            import sys

            caller = sys._getframe(1).f_locals.get("self")
            snaps = getattr(caller, "snapshots", None)
            if isinstance(snaps, dict):
                all_snapshots = list(snaps.values())
        except Exception:
            pass
        _each(
            "on_evaluation_start",
            _arg(args, kwargs, 0, "batched_intervals"),
            _arg(args, kwargs, 1, "environment_naming_info"),
            _arg(args, kwargs, 2, "default_catalog"),
            all_snapshots,
        )
        return super().start_evaluation_progress(*args, **kwargs)  # type: ignore[misc]

    def start_snapshot_evaluation_progress(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        _each("on_model_start", _arg(args, kwargs, 0, "snapshot"))
        return super().start_snapshot_evaluation_progress(*args, **kwargs)  # type: ignore[misc]

    def update_snapshot_evaluation_progress(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        _each(
            "on_model_finish",
            _arg(args, kwargs, 0, "snapshot"),
            _arg(args, kwargs, 1, "interval"),
            _arg(args, kwargs, 3, "duration_ms"),
            _arg(args, kwargs, 4, "num_audits_passed"),
            _arg(args, kwargs, 5, "num_audits_failed"),
        )
        return super().update_snapshot_evaluation_progress(*args, **kwargs)  # type: ignore[misc]

    def log_skipped_models(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        _each("on_skipped", _arg(args, kwargs, 0, "snapshot_names"))
        return super().log_skipped_models(*args, **kwargs)  # type: ignore[misc]

    def log_failed_models(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        _each("on_failed", _arg(args, kwargs, 0, "errors"))
        return super().log_failed_models(*args, **kwargs)  # type: ignore[misc]


def _install_console() -> None:
    """Puts a recording subclass of the current console in its place, keeping
    its state (the CLI made it with the user's options before the config
    loaded; the Context picks the console up after)."""
    from sqlmesh.core.console import get_console, set_console

    current = get_console()
    if isinstance(current, _RecordingConsole):
        return
    base = type(current)
    cls = type(f"Recording{base.__name__}", (_RecordingConsole, base), {})
    new = object.__new__(cls)
    new.__dict__.update(current.__dict__)
    set_console(new)
