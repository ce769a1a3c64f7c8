"""Campaigns through the client against the real service: groups, compare, fork, extend, notes."""
import copy
import os
import unittest
import uuid

from detopt import Client, Conflict, Group, ValidationError

from tests.test_against_service import BRANCHING, URL, client  # noqa: F401  (setUpModule there checks URL)


def setUpModule():
    if not URL:
        raise RuntimeError("DETOPT_TEST_URL is not set: run through PythonClientTest")


SMALL = dict(copy.deepcopy(BRANCHING), eventsPerStep=8, eventsPerBatch=4, maxSteps=3)


class GroupTest(unittest.TestCase):
    def test_a_seed_sweep_runs_with_its_band_and_front(self):
        group = client().create_group(SMALL, {"seed": [1, 2, 3]}, start=True, name="py seeds")
        self.assertIsInstance(group, Group)
        self.assertEqual(len(group.info["members"]), 3)
        self.assertEqual(group.info["name"], "py seeds")
        group.wait(timeout=120)
        self.assertEqual(group.status_summary, {"COMPLETED": 3})
        band = group.info["seedBands"][0]
        self.assertEqual(len(band["members"]), 3)
        self.assertEqual([p["step"] for p in band["steps"]], [0, 1, 2])
        for point in band["steps"]:
            self.assertLessEqual(point["lowerQuartile"], point["median"])
            self.assertLessEqual(point["median"], point["upperQuartile"])
        # No cost model: every best design costs 0, so the front is the lowest physics loss.
        lowest = min(p["physics"] for p in group.info["points"])
        self.assertEqual([p["physics"] for p in group.pareto_front()], [lowest] * len(group.pareto_front()))
        self.assertIn(group.id, [g["id"] for g in client("viewer").groups()])
        self.assertEqual(client("viewer").group(group.id).id, group.id)

        first, second = group.studies()[:2]
        comparison = client("viewer").compare(first, second)
        self.assertEqual(comparison["byStep"]["x"], [0, 1, 2])
        self.assertEqual(comparison["byEvents"]["x"], [8, 16, 24])
        self.assertEqual(comparison["studies"][0]["finalTheta"], first.info["state"]["theta"])

    def test_a_groups_accounting_is_the_sum_of_its_members(self):
        group = client().create_group(SMALL, {"seed": [4, 5]}, start=True, name="py accounted")
        group.wait(timeout=120)
        account = client("viewer").group(group.id).accounting()
        members = account["members"]
        self.assertEqual(sorted(members), sorted(m["id"] for m in group.info["members"]))
        total = account["accounting"]
        for key in ("cpuSeconds", "cpuSecondsLost", "coreHours"):
            self.assertAlmostEqual(total[key], sum(m[key] for m in members.values()), places=9)
        for key in ("preemptions", "leaseExpiries", "failures"):
            self.assertEqual(total[key], sum(m[key] for m in members.values()))
        self.assertEqual(group.refresh().info["accounting"], total)

    def test_pause_resume_and_cancel_act_on_every_member(self):
        group = client().create_group(SMALL, {"seed": [7, 8]})
        self.assertEqual(group.info["statusSummary"], {"CREATED": 2})
        self.assertEqual(group.start().info["statusSummary"], {"RUNNING": 2})
        self.assertEqual(group.pause().info["statusSummary"], {"PAUSED": 2})
        self.assertEqual(group.resume().info["statusSummary"].get("PAUSED"), None)
        self.assertEqual(group.cancel().info["statusSummary"].get("CANCELLED"), 2)

    def test_an_unknown_path_or_a_wrong_type_names_vary_path(self):
        with self.assertRaises(ValidationError) as caught:
            client().create_group(SMALL, {"colour": [1]})
        self.assertEqual(caught.exception.errors[0].field, "vary.colour")
        with self.assertRaises(ValidationError) as caught:
            client().create_group(SMALL, {"seed": ["one"]})
        self.assertEqual(caught.exception.errors[0].field, "vary.seed[0]")


class ForkExtendNotesTest(unittest.TestCase):
    def test_fork_repeats_the_later_steps_and_extend_continues(self):
        study = client().create_study(SMALL).start().wait(progress=False, timeout=120)
        self.assertEqual(study.info["stopReason"], "max-steps")
        with self.assertRaises(ValidationError) as caught:
            study.fork(9)
        self.assertEqual(caught.exception.errors[0].field, "fromStep")
        fork = study.fork(0).wait(progress=False, timeout=120)
        self.assertEqual(fork.info["parentId"], study.id)
        self.assertEqual(fork.steps(), study.steps())
        self.assertEqual(fork.info["state"], study.refresh().info["state"])

        study.extend(max_steps=5)
        self.assertEqual(study.info["status"], "RUNNING")
        with self.assertRaises(Conflict):
            study.extend(max_steps=9)
        study.wait(progress=False, timeout=120)
        self.assertEqual(len(study.steps()), 5)

    def test_notes_and_tags(self):
        tag = "py-" + uuid.uuid4().hex[:8]
        study = client().create_study(SMALL)
        study.set_notes(description="first try of " + tag, tags=[tag, "python"])
        self.assertEqual(study.info["tags"], [tag, "python"])
        self.assertEqual([s.id for s in client("viewer").studies_tagged(tag=tag)], [study.id])
        self.assertEqual([s.id for s in client("viewer").studies_tagged(text="FIRST TRY OF " + tag)], [study.id])
        study.set_notes(description=None)
        self.assertIsNone(study.info["description"])
        self.assertEqual(study.export()["study"]["tags"], [tag, "python"])
        study.cancel()
