"""Where events go: one JSON Lines file per run or plan, folded into the store
by `runlens-ingest events <file> --store <store>`.

Nothing here may fail or block the caller for long: every error is logged
and swallowed. Ingests run in a background thread, at most about once a
second; `finish` runs the last one for a file and waits for it a bounded
time (the ingest keeps going on its own when that time is up, even after
SQLMesh exits).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import typing as t

logger = logging.getLogger("runlens_sqlmesh")

# How often at most the background thread calls the ingest.
THROTTLE_S = 1.0
# How long `finish` waits for the last ingest of a run or plan.
FINISH_WAIT_S = 3.0

_said: t.Set[str] = set()
_said_lock = threading.Lock()


def say_once(key: str, message: str) -> None:
    """Prints `message` to stderr (and logs it) the first time `key` is seen;
    later only logs it at debug level."""
    with _said_lock:
        first = key not in _said
        _said.add(key)
    if not first:
        logger.debug("runlens: %s", message)
        return
    logger.info("runlens: %s", message)
    try:
        print(f"runlens: {message}", file=sys.stderr, flush=True)
    except Exception:  # a closed stderr is no reason to fail a run
        pass


def find_ingest() -> t.Optional[str]:
    """`RUNLENS_INGEST` when set, else `runlens-ingest` on PATH, else None."""
    configured = os.environ.get("RUNLENS_INGEST")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        found = shutil.which(configured)
        if found:
            return found
        say_once(
            "ingest-configured-missing",
            f"RUNLENS_INGEST={configured!r} is not an executable; "
            "events are written but not folded into the store",
        )
        return None
    found = shutil.which("runlens-ingest")
    if not found:
        say_once(
            "ingest-missing",
            "runlens-ingest was not found (set RUNLENS_INGEST or put it on PATH); "
            "events are written but not folded into the store",
        )
    return found


class Sink:
    def __init__(self, store: str, events_dir: str) -> None:
        self.store = store
        self.events_dir = events_dir
        self._cv = threading.Condition()
        self._dirty: t.List[str] = []  # files with events not yet ingested
        self._last_ingest = 0.0
        self._inflight: t.Optional[subprocess.Popen] = None
        self._thread: t.Optional[threading.Thread] = None
        self._write_lock = threading.Lock()
        self._broken_files: t.Set[str] = set()

    # -- writing -----------------------------------------------------------

    def new_file(self, stamp: str, kind: str, ident: str) -> str:
        return os.path.join(self.events_dir, f"{stamp}-{kind}-{ident}.jsonl")

    def write(self, path: str, events: t.Sequence[t.Dict[str, t.Any]]) -> bool:
        """Appends events to `path`, one line each, in one write."""
        if not events or path in self._broken_files:
            return False
        text = "".join(
            json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events
        )
        try:
            with self._write_lock:
                os.makedirs(self.events_dir, exist_ok=True)
                with open(path, "a", encoding="utf-8") as f:
                    f.write(text)
            return True
        except Exception as e:
            self._broken_files.add(path)
            say_once(
                f"write:{self.events_dir}",
                f"cannot write run events to {path} ({e}); this run is not recorded",
            )
            return False

    # -- ingesting ---------------------------------------------------------

    def poke(self, path: str) -> None:
        """Asks for an ingest of `path` soon (at most about once a second)."""
        if path in self._broken_files:
            return
        with self._cv:
            if path not in self._dirty:
                self._dirty.append(path)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="runlens-ingest", daemon=True
                )
                self._thread.start()
            self._cv.notify_all()

    def _loop(self) -> None:
        while True:
            try:
                with self._cv:
                    while not self._dirty:
                        self._cv.wait()
                    wait = self._last_ingest + THROTTLE_S - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                with self._cv:
                    files, self._dirty = self._dirty, []
                for path in files:
                    self._ingest(path, wait_s=None)
            except Exception as e:  # keep the thread alive whatever happens
                logger.warning("runlens: background ingest failed: %s", e)
                time.sleep(THROTTLE_S)

    def finish(self, path: str, wait_s: float = FINISH_WAIT_S) -> None:
        """The last ingest of `path`: runs now and waits at most `wait_s`."""
        if path in self._broken_files:
            return
        deadline = time.monotonic() + wait_s
        with self._cv:
            if path in self._dirty:
                self._dirty.remove(path)
            inflight = self._inflight
        if inflight is not None:
            try:
                inflight.wait(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:
                pass
        self._ingest(path, wait_s=max(0.1, deadline - time.monotonic()))

    def _ingest(self, path: str, wait_s: t.Optional[float]) -> None:
        binary = find_ingest()
        if binary is None:
            return
        self._last_ingest = time.monotonic()
        try:
            # Output to an unlinked temporary file, not a pipe, and a session
            # of its own: an ingest not waited for finishes after SQLMesh exits.
            output = tempfile.TemporaryFile()
            proc = subprocess.Popen(
                [binary, "events", path, "--store", self.store],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        except Exception as e:
            say_once(f"spawn:{binary}", f"cannot start {binary} ({e})")
            return
        with self._cv:
            self._inflight = proc
        try:
            code = proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            # Left running on its own: the store's lock keeps it safe.
            logger.info("runlens: %s is still folding %s; not waiting for it", binary, path)
            return
        except Exception as e:
            logger.warning("runlens: ingest of %s failed: %s", path, e)
            return
        finally:
            with self._cv:
                if self._inflight is proc:
                    self._inflight = None
        try:
            output.seek(0)
            text = output.read().decode("utf-8", errors="replace").strip()
            output.close()
        except Exception:
            text = ""
        if code != 0:
            say_once(
                f"ingest-failed:{self.store}",
                f"{binary} events {path} --store {self.store} exited with {code}: {text[-2000:]}",
            )
        else:
            logger.debug("runlens: ingested %s: %s", path, text)
