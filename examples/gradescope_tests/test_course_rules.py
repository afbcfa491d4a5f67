"""A sample of a course's own Gradescope tests, written with gradescope-utils' decorators.

Pack them with `make gradescope TESTS=examples/gradescope_tests` (or a folder of your own): each
test then runs on every submission, in the grader's sandbox, and appears in results.json beside the
harness's checks with the weight, visibility and number its decorators give. A test runs with the
student's files in its working folder and importable by name (`import chain_rule`); import them
inside the test, so that a file that fails to import costs the tests that use it, not the module.
The first line of a test's docstring is the name students see.

These add 2 points to the autograder's total (33 + 2): set the Gradescope assignment's points
to match.
"""
import ast
import unittest
from pathlib import Path

from gradescope_utils.autograder_utils.decorators import leaderboard, number, visibility, weight


class CourseRules(unittest.TestCase):

    @weight(1.0)
    @number("90.1")
    @visibility("visible")
    def test_loss_prints_nothing(self):
        """Style: TwoLayerNet.loss() calls no print() (it runs thousands of times in a training)"""
        tree = ast.parse(Path("two_layer_net.py").read_text())
        loss = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "loss")
        prints = [call.lineno for call in ast.walk(loss)
                  if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "print"]
        self.assertEqual(prints, [], f"remove the print() call(s) on line(s) {prints} of two_layer_net.py")

    @weight(0.5)
    @number("90.2")
    @visibility("after_due_date")
    def test_chain_rule_by_hand(self):
        """Q0 by hand: for W = [[2]] and x = [3], the gradient of f(g(x)) = (W x^2)^2 is 4 W^2 x^3 = 432"""
        import numpy as np
        from chain_rule import grad_f_of_g
        np.testing.assert_allclose(grad_f_of_g(np.array([[2.0]]), np.array([3.0])), [432.0], rtol=1e-9)

    @weight(0.5)
    @number("90.3")
    @visibility("hidden")
    def test_hidden_layer_is_reasonable(self):
        """Q3b: the two-layer net's hidden layer has at most 1000 units"""
        from hyperparams import two_layer_net
        self.assertLessEqual(int(two_layer_net()["hidden_size"]), 1000)

    @leaderboard("hidden units (Q3b)", "desc")
    def test_hidden_units_on_the_leaderboard(self, set_leaderboard_value=None):
        """Q3b's hidden size, as a leaderboard column"""
        from hyperparams import two_layer_net
        set_leaderboard_value(int(two_layer_net()["hidden_size"]))
