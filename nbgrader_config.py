"""nbgrader settings for the course.  nbgrader must be run from this folder."""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "dl-course"
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
# A checkpoint over this size (KB) is not copied into autograded/ (08 grades it from submitted/).
c.CourseDirectory.max_file_size = 100_000
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.log"]

# The assignments, in teaching order (also used by `python -m course`).
c.CourseDirectory.assignment_id = ""

# Execution: a cell may take 60 s (grading mode keeps every cell far below);
# a cell that runs longer is interrupted and scores 0, and the rest of the notebook goes on.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 120

# A deleted or edited test cell is put back from the gradebook's copy.
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden-test source or hidden-test tracebacks.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# The exchange (release, fetch, submit, collect, feedback): DLCOURSE_EXCHANGE when it is set,
# the class's shared one (`python -m course hub` sets it for every user's server; docs/deploy.md),
# else one inside the course, for one person (`make lab`).
c.Exchange.root = os.environ.get("DLCOURSE_EXCHANGE") or os.path.join(here, ".exchange")
c.Exchange.path_includes_course = True

# Late submissions (python -m course grade; docs/grading.md).  A submission's time is its
# timestamp.txt (nbgrader's exchange and zip_collect write it).  These due dates go into the
# gradebook before grading (an assignment not named here keeps the gradebook's own, if any).
# Each started day late costs 10 % of the notebook's score (course.grader.late.LatePenalty).
c.DueDates.due_dates = {  # Fridays, 23:59 in Tokyo (14:59 UTC)
    "01_perceptron": "2026-04-24 14:59:00 UTC",
    "02_activations": "2026-05-01 14:59:00 UTC",
    "03_loss_and_gradients": "2026-05-08 14:59:00 UTC",
    "04_backprop": "2026-05-15 14:59:00 UTC",
    "05_chainer_style": "2026-05-22 14:59:00 UTC",
    "06_pytorch_and": "2026-05-29 14:59:00 UTC",
    "07_pytorch_regression": "2026-06-05 14:59:00 UTC",
    "07b_training_practice": "2026-06-09 14:59:00 UTC",   # a short one: the Tuesday after 07
    "08_cnn_cifar10": "2026-06-12 14:59:00 UTC",
    "08b_gpu": "2026-06-16 14:59:00 UTC",                 # optional: the Tuesday after 08
    "09_tensorflow_keras": "2026-06-19 14:59:00 UTC",   # the optional appendix
    "10_tensorflow_v1": "2026-06-26 14:59:00 UTC",
}
c.AssignLatePenalties.plugin_class = "course.grader.late.LatePenalty"
c.LatePenalty.percent_per_day = 10
# Feedback also blanks output lines that quote a hidden test (a warning prints its source line).
c.GenerateFeedback.preprocessors.insert(1, "course.grader.redact.RedactHiddenLines")
