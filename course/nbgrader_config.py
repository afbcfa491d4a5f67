"""nbgrader's configuration for this exercise's course folder (run nbgrader from this folder).

source/, release/, submitted/, autograded/, feedback/ and gradebook.db are made by the commands
(`make release`, nbgrader's own) and are git-ignored; see the README's "nbgrader" section.
"""
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "hlcv-ex2"
# The student's .py files are the work: `autograde` must not overwrite them with the skeletons
# of source/ (it does overwrite every other file, e.g. a student's edited copy of autograder/).
c.Autograde.exclude_overwriting = {"ex2": ["chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py"]}
# Per-cell limit while autograding: the notebook's longest cell (the CIFAR-10 baseline) takes
# well under a minute; an endless cell is interrupted after this and costs only itself.
c.Execute.timeout = 180
# nbgrader copies everything beside the notebook; never a student's data or caches.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "data", "reports",
                            ".venv"]
