"""Offline tests: the event-stream reader and the problem-document exceptions."""
import io
import json
import unittest

from detopt import ApiError, Conflict, FieldError, ServerError, ValidationError, read_events, step_row
from detopt.errors import error_for
from detopt.progress import Progress


class ReadEventsTest(unittest.TestCase):
    def test_events_comments_and_multiline_data(self):
        stream = io.BytesIO(b": keep-alive\n\n"
                            b"event:study\nid:v3\ndata:{\"a\":1}\n\n"
                            b"event: log\r\ndata: line one\r\ndata: line two\r\n\r\n"
                            b"data:incomplete, dropped")
        events = list(read_events(stream))
        self.assertEqual([(e.event, e.data, e.id) for e in events], [
            ("study", '{"a":1}', "v3"), ("log", "line one\nline two", "v3")])


class ErrorForTest(unittest.TestCase):
    def test_a_problem_document_becomes_a_typed_exception_with_its_fields(self):
        body = json.dumps({"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
                           "detail": "invalid spec", "errors": [{"field": "eventsPerBatch", "message": "must be positive"}]})
        error = error_for(422, body.encode(), "", "POST", "http://x/api/v1/studies")
        self.assertIsInstance(error, ValidationError)
        self.assertIsInstance(error, ApiError)
        self.assertEqual(error.status, 422)
        self.assertEqual(error.errors, [FieldError("eventsPerBatch", "must be positive")])
        self.assertEqual(error.errors[0].field, "eventsPerBatch")
        self.assertIn("eventsPerBatch: must be positive", str(error))

    def test_a_body_that_is_not_a_problem_keeps_its_text(self):
        error = error_for(502, b"<html>bad gateway</html>", "Bad Gateway")
        self.assertIsInstance(error, ServerError)
        self.assertEqual((error.status, error.title, error.detail, error.errors), (502, "Bad Gateway",
                                                                                   "<html>bad gateway</html>", []))
        self.assertIsInstance(error_for(409, b"", "Conflict"), Conflict)


class StepRowTest(unittest.TestCase):
    def test_columns_are_named_as_in_the_csv_export(self):
        record = {"step": 2, "theta": {"mu": 0.5, "sigma": 1.0}, "physics": 1.5, "physicsStderr": 0.1, "cost": 0.0,
                  "penalty": 0.0, "total": 1.5, "gradient": {"mu": -0.25}, "gradientStderr": {"mu": 0.01},
                  "gradientNorm": 0.25, "events": 100, "eventsTotal": 300, "lambda": None}
        self.assertEqual(step_row(record, {"mu": 0.75, "sigma": 1.0}), {
            "step": 2, "physics": 1.5, "physics_stderr": 0.1, "cost": 0.0, "penalty": 0.0, "total": 1.5,
            "gradient_norm": 0.25, "events": 100, "events_total": 300, "lambda": None, "theta.mu": 0.5,
            "theta.sigma": 1.0, "gradient.mu": -0.25, "gradient_stderr.mu": 0.01, "theta_after.mu": 0.75,
            "theta_after.sigma": 1.0})
        self.assertIsNone(step_row(record)["theta_after.mu"])
        self.assertIn("theta.a_b", step_row(dict(record, theta={"a b": 1.0}, gradient={}, gradientStderr={})))

    def test_categorical_probabilities_follow_the_csv_columns(self):
        record = {"step": 0, "theta": {"e": 1000.0}, "physics": 0.05, "physicsStderr": 0.01, "cost": 2.0,
                  "penalty": 0.1, "total": 0.15, "gradient": {}, "gradientStderr": {}, "gradientNorm": 0.3,
                  "events": 100, "eventsTotal": 100, "lambda": 0.05,
                  "categoricals": {"absorber": {"choices": ["Pb", "Cu"], "probabilities": [0.25, 0.75],
                                                "logits": [0.0, 1.0986], "gradient": [0.1, -0.1],
                                                "gradientStderr": [0.02, 0.02], "events": [24, 76]}}}
        row = step_row(record)
        self.assertEqual(list(row)[-2:], ["probability.absorber.Pb", "probability.absorber.Cu"])
        self.assertEqual((row["probability.absorber.Pb"], row["probability.absorber.Cu"]), (0.25, 0.75))


class ProgressTest(unittest.TestCase):
    def test_one_line_redrawn_in_place(self):
        out = io.StringIO()
        bar = Progress(4, "study", out, use_tqdm=False)
        bar.update(1, "RUNNING", 2.5)
        bar.update(4, "COMPLETED", 0.125)
        bar.close()
        self.assertEqual(out.getvalue(),
                         "\rstudy [#######.......................] 1/4 steps RUNNING loss=2.5"
                         "\rstudy [##############################] 4/4 steps COMPLETED loss=0.125\n")


if __name__ == "__main__":
    unittest.main()
