"""The example's SVG drawing (examples/pareto_svg.py), offline on hand-made points."""
import importlib.util
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("pareto_svg", os.path.join(HERE, "..", "examples", "pareto_svg.py"))
pareto_svg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pareto_svg)


class ParetoSvgTest(unittest.TestCase):
    def test_every_point_is_drawn_and_the_front_is_orange_and_joined(self):
        points = [
            {"cost": 1.0, "physics": 3.0, "onFront": True, "values": {"cost.budget": 1}},
            {"cost": 2.0, "physics": 1.0, "onFront": True, "values": {"cost.budget": 2}},
            {"cost": 2.5, "physics": 2.5, "onFront": False, "values": {"cost.budget": 3}},
        ]
        drawn = pareto_svg.svg(points, "t")
        self.assertEqual(drawn.count("<circle"), 3)
        self.assertEqual(drawn.count('fill="#d9480f"'), 2)
        self.assertEqual(drawn.count("<path"), 1)
        self.assertIn("budget=3", drawn)
