"""Unit tests of runlens_sqlmesh that a real run cannot easily provoke: the
console passes every argument on (including ones a newer SQLMesh adds), a
recorder that breaks never reaches SQLMesh, names are normalised, a missing
ingest is said once.

    tests/sqlmesh/.venv/bin/python -m unittest tests/sqlmesh/test_recorder.py
"""

import contextlib
import io
import os
import tempfile
import unittest
from unittest import mock

import runlens_sqlmesh
from runlens_sqlmesh import _facts, _recorder, _sink


class Base:
    """Stands for SQLMesh's console: remembers what it was called with."""

    def __init__(self):
        self.calls = []
        self.verbosity = 3

    def update_snapshot_evaluation_progress(self, *args, **kwargs):
        self.calls.append(("update", args, kwargs))
        return "parent result"

    def log_failed_models(self, errors):
        self.calls.append(("failed", (errors,), {}))

    def start_evaluation_progress(self, batched_intervals, environment_naming_info, default_catalog, audit_only=False):
        self.calls.append(("start", (batched_intervals,), {"audit_only": audit_only}))


class ConsoleTest(unittest.TestCase):
    def setUp(self):
        from sqlmesh.core import console

        self.saved = console.get_console()
        console.set_console(Base())
        runlens_sqlmesh._install_console()
        self.console = console.get_console()

    def tearDown(self):
        from sqlmesh.core import console

        console.set_console(self.saved)

    def test_the_recording_console_is_the_old_one_with_its_state(self):
        self.assertIsInstance(self.console, Base)
        self.assertIsInstance(self.console, runlens_sqlmesh._RecordingConsole)
        self.assertEqual(self.console.verbosity, 3)
        # Installing again keeps the same console (a config loaded twice).
        runlens_sqlmesh._install_console()
        from sqlmesh.core import console

        self.assertIs(console.get_console(), self.console)

    def test_every_argument_reaches_the_parent_even_unknown_ones(self):
        got = self.console.update_snapshot_evaluation_progress(
            object(), (0, 86400000), 0, 12, 1, 0, audit_only=False, a_future_argument=[1]
        )
        self.assertEqual(got, "parent result")
        name, args, kwargs = self.console.calls[-1]
        self.assertEqual((name, args[1:], kwargs), ("update", ((0, 86400000), 0, 12, 1, 0), {"audit_only": False, "a_future_argument": [1]}))

    def test_a_recorder_that_breaks_does_not_reach_sqlmesh(self):
        store = tempfile.mkdtemp()
        rec = _recorder.recorder_for(store)
        rec.on_run_start("prod")
        with mock.patch.object(_facts, "interval", side_effect=RuntimeError("boom")) as broken, \
                contextlib.redirect_stderr(io.StringIO()):
            self.console.start_evaluation_progress({mock.Mock(name="snapshot"): [(0, 1)]}, None, None, audit_only=True)
            self.console.log_failed_models(["not an error object"])
        self.assertTrue(broken.called, "the recorder ran into the error")
        self.assertEqual([c[0] for c in self.console.calls], ["start", "failed"])
        self.assertEqual(self.console.calls[0][2], {"audit_only": True})
        rec.run = None


class FactsTest(unittest.TestCase):
    def test_model_names_lose_quotes_and_the_default_catalog(self):
        self.assertEqual(_facts.model_name('"db"."sqlmesh_example"."full_model"', "db"), "sqlmesh_example.full_model")
        self.assertEqual(_facts.model_name('"other"."s"."m"', "db"), "other.s.m")
        self.assertEqual(_facts.model_name('"s"."m"', None), "s.m")

    def test_times(self):
        self.assertEqual(_facts.interval((1762387200000, 1762473600000)), ("2025-11-06T00:00:00Z", "2025-11-07T00:00:00Z"))
        self.assertEqual(_facts.interval(None), (None, None))
        self.assertEqual(_facts.from_timelike("2026-11-05"), "2026-11-05T00:00:00Z")


class SinkTest(unittest.TestCase):
    def test_a_missing_ingest_is_said_once_and_events_are_still_written(self):
        store = tempfile.mkdtemp()
        sink = _sink.Sink(store, os.path.join(store, ".runlens-events"))
        path = sink.new_file("20261129T000000Z", "run", "0" * 32)
        err = io.StringIO()
        with mock.patch.dict(os.environ, {"RUNLENS_INGEST": os.path.join(store, "nowhere")}), \
                contextlib.redirect_stderr(err):
            _sink._said.clear()
            for _ in range(3):
                self.assertTrue(sink.write(path, [{"type": "run_started"}]))
                sink.finish(path, wait_s=1)
        self.assertEqual(err.getvalue().count("runlens: RUNLENS_INGEST="), 1, err.getvalue())
        with open(path) as f:
            self.assertEqual(f.read().count("\n"), 3)

    def test_a_failing_ingest_is_reported_with_its_output(self):
        store = tempfile.mkdtemp()
        script = os.path.join(store, "ingest")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho 'cannot lock the store' >&2\nexit 3\n")
        os.chmod(script, 0o755)
        sink = _sink.Sink(store, os.path.join(store, ".runlens-events"))
        path = sink.new_file("20261129T000000Z", "run", "1" * 32)
        sink.write(path, [{"type": "run_started"}])
        err = io.StringIO()
        with mock.patch.dict(os.environ, {"RUNLENS_INGEST": script}), contextlib.redirect_stderr(err):
            _sink._said.clear()
            sink.finish(path, wait_s=5)
        self.assertIn("exited with 3: cannot lock the store", err.getvalue())


if __name__ == "__main__":
    unittest.main()
