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
# timestamp.txt (on the hub, the time the exchange received it: course/hub_exchange.py).  The due
# dates come from [schedule] in course.toml (course/schedule.py) and go into the gradebook before
# grading (an assignment without one keeps the gradebook's own, if any).
# Each started day late costs 10 % of the notebook's score (course.grader.late.LatePenalty).
import sys  # noqa: E402
if here not in sys.path:
    sys.path.insert(0, here)  # this course's package, wherever nbgrader runs from
from course.schedule import due_dates  # noqa: E402
c.DueDates.due_dates = due_dates(here)
c.AssignLatePenalties.plugin_class = "course.grader.late.LatePenalty"
c.LatePenalty.percent_per_day = 10
# Feedback also blanks output lines that quote a hidden test (a warning prints its source line).
c.GenerateFeedback.preprocessors.insert(1, "course.grader.redact.RedactHiddenLines")
