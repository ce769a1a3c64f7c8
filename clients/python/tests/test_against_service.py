"""The client against a real detopt service with a worker.

The service is started by the JUnit test ``PythonClientTest`` (optimizer-service), which runs
``python3 -m unittest`` with ``DETOPT_TEST_URL`` and one token per role in the environment.
"""
import copy
import csv
import io
import os
import sys
import unittest
import uuid

import detopt
from detopt import Client, Conflict, Forbidden, MissingDependency, NotFound, Unauthorized, ValidationError

URL = os.environ.get("DETOPT_TEST_URL")

BRANCHING = {
    "name": "python client",
    "simulator": {"name": "branching", "config": {"splitProbability": 1.0}},
    "parameters": [{"name": "theta", "initial": 3.0, "lower": 0.0}],
    "estimator": {"kind": "stochastic-ad", "reuseUniforms": True},
    "objective": {"type": "expected-loss", "observable": "loss"},
    "optimizer": {"type": "adam", "learningRate": 0.05},
    "eventsPerStep": 40, "eventsPerBatch": 10, "maxSteps": 6, "seed": 31,
}


def setUpModule():
    if not URL:
        raise RuntimeError("DETOPT_TEST_URL is not set: these tests run against a service started by "
                           "PythonClientTest (./mvnw -pl optimizer-service -am verify -Dtest=PythonClientTest "
                           "-Dsurefire.failIfNoSpecifiedTests=false)")


def client(role="operator"):
    return Client(URL, os.environ["DETOPT_TEST_%s_TOKEN" % role.upper()])


class MeTest(unittest.TestCase):
    def test_roles(self):
        me = client("operator").me()
        self.assertEqual((me.role, me.can_read, me.can_write, me.can_manage_tokens, me.can_work),
                         ("operator", True, True, False, False))
        viewer = client("viewer").me()
        self.assertEqual((viewer.role, viewer.can_write), ("viewer", False))


class SimulatorsTest(unittest.TestCase):
    def test_the_built_in_simulators_are_listed_for_a_viewer(self):
        simulators = {s["name"]: s for s in client("viewer").simulators()}
        for name in ("gaussian", "branching", "calorimeter"):
            self.assertIn(name, simulators)
            self.assertFalse(simulators[name]["external"])
        self.assertIn("pathwise", simulators["gaussian"]["estimators"])


class ErrorsTest(unittest.TestCase):
    def test_an_invalid_spec_names_every_field(self):
        spec = copy.deepcopy(BRANCHING)
        spec["eventsPerBatch"] = 0
        spec["parameters"][0]["initial"] = -1.0
        with self.assertRaises(ValidationError) as caught:
            client().create_study(spec)
        e = caught.exception
        self.assertEqual(e.status, 422)
        fields = [error.field for error in e.errors]
        self.assertIn("eventsPerBatch", fields)
        self.assertIn("parameters[0].initial", fields)
        self.assertTrue(e.errors[0].message)
        self.assertEqual(e.problem["status"], 422)

    def test_an_unknown_field_is_named(self):
        with self.assertRaises(ValidationError) as caught:
            client().create_study(dict(BRANCHING, colour="blue"))
        self.assertEqual(caught.exception.errors[0].field, "colour")

    def test_malformed_json_is_a_bad_request(self):
        with self.assertRaises(detopt.BadRequest) as caught:
            client().create_study('{"name": ')
        self.assertEqual(caught.exception.status, 400)

    def test_a_wrong_token_is_unauthorized(self):
        with self.assertRaises(Unauthorized) as caught:
            Client(URL, "not-a-token").me()
        self.assertEqual(caught.exception.status, 401)

    def test_a_viewer_may_not_create(self):
        with self.assertRaises(Forbidden) as caught:
            client("viewer").create_study(BRANCHING)
        self.assertEqual(caught.exception.status, 403)

    def test_an_unknown_study_is_not_found(self):
        with self.assertRaises(NotFound):
            client().study(str(uuid.uuid4()))

    def test_an_illegal_transition_is_a_conflict_naming_status(self):
        study = client().create_study(BRANCHING)
        with self.assertRaises(Conflict) as caught:
            study.resume()
        self.assertEqual(caught.exception.errors[0].field, "status")
        study.cancel()
        self.assertEqual(study.info["status"], "CANCELLED")

    def test_an_unreachable_service_is_a_transport_error(self):
        with self.assertRaises(detopt.TransportError):
            Client("http://127.0.0.1:9", "x", timeout=5).me()


class LifecycleTest(unittest.TestCase):
    def test_pause_resume_cancel(self):
        spec = dict(BRANCHING, name="python pause", maxSteps=100000, eventsPerStep=2, eventsPerBatch=2)
        study = client().create_study(spec)
        self.assertEqual(study.info["status"], "CREATED")
        self.assertEqual(study.start().info["status"], "RUNNING")
        self.assertEqual(study.pause().info["status"], "PAUSED")
        self.assertEqual(study.status, "PAUSED")
        with self.assertRaises(TimeoutError):  # a paused study does not finish
            study.wait(progress=False, timeout=1.5)
        self.assertEqual(study.resume().info["status"], "RUNNING")
        self.assertEqual(study.cancel().info["status"], "CANCELLED")
        self.assertEqual(study.wait(progress=False, timeout=30).info["status"], "CANCELLED")
        self.assertIn(study.id, [s.id for s in client("viewer").studies(status="CANCELLED")])
        study.delete()
        with self.assertRaises(NotFound):
            client().study(study.id)


class SpecSourcesTest(unittest.TestCase):
    def test_a_spec_from_a_file_path_or_json_text(self):
        import json
        import pathlib
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            path = pathlib.Path(directory) / "spec.json"
            path.write_text(json.dumps(dict(BRANCHING, name="from a file")), encoding="utf-8")
            for source in (path, str(path), json.dumps(dict(BRANCHING, name="from a file"))):
                study = client().create_study(source)
                self.assertEqual((study.name, study.info["maxSteps"]), ("from a file", 6))
                study.delete()


class RunStudyTest(unittest.TestCase):
    """Create, start, watch to the end and read the results, as in the README's notebook example."""

    @classmethod
    def setUpClass(cls):
        cls.study = client().create_study(BRANCHING).start()
        cls.progress = io.StringIO()
        cls.study.wait(progress=True, timeout=120, stream=cls.progress)

    def test_wait_follows_the_stream_to_the_end_with_a_progress_line(self):
        self.assertEqual(self.study.info["status"], "COMPLETED")
        self.assertIn("6/6 steps COMPLETED", self.progress.getvalue())
        self.assertTrue(self.progress.getvalue().endswith("\n"))

    def test_steps_best_and_exports_agree_exactly(self):
        viewer_study = client("viewer").study(self.study.id)
        steps = viewer_study.steps(page_size=4)  # two pages
        self.assertEqual([s["step"] for s in steps], list(range(6)))
        self.assertEqual(steps[-1]["eventsTotal"], 6 * 40)
        best = viewer_study.best()
        lowest = min(steps, key=lambda s: s["total"])
        self.assertEqual((best.step, best.total, best.theta), (lowest["step"], lowest["total"], lowest["theta"]))

        exported = viewer_study.export("json")
        self.assertEqual(exported["steps"], steps)
        self.assertEqual(exported["study"]["id"], self.study.id)

        rows = list(csv.DictReader(io.StringIO(viewer_study.export("csv"))))
        expected = viewer_study.rows()
        self.assertEqual(expected[-1]["theta_after.theta"], viewer_study.info["state"]["theta"]["theta"])
        self.assertEqual(expected[0]["theta_after.theta"], steps[1]["theta"]["theta"])
        self.assertEqual(len(rows), len(expected))
        for row, want in zip(rows, expected):
            self.assertEqual(set(row), set(want))
            for column, value in want.items():
                got = row[column]
                if value is None:
                    self.assertEqual(got, "")
                else:
                    self.assertEqual(type(value)(got), value, column)  # exact round trip

    def test_export_to_a_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "study.csv")
            self.assertEqual(self.study.export("csv", path=path), path)
            with open(path, encoding="utf-8") as f:
                self.assertTrue(f.readline().startswith("step,physics,physics_stderr,cost,penalty,total"))

    def test_to_pandas(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaises(MissingDependency) as caught:
                self.study.to_pandas()
            self.assertIn("pip install pandas", str(caught.exception))
            self.assertIsInstance(caught.exception, ImportError)
            return
        frame = self.study.to_pandas()
        self.assertEqual(list(frame["step"]), list(range(6)))
        self.assertEqual(list(frame["total"]), [s["total"] for s in self.study.steps()])


if __name__ == "__main__":
    unittest.main()
