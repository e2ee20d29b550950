"""The class report: where the class struggled, what to look at, where the time went.

``reports/grading/index.html`` (and ``index.md``, same content) covers every
assignment in the gradebook, not only the last run's: one table of every roster
student across assignments (missing submissions count 0), then per assignment the
score histogram, the pass rate of every test cell (lowest first), flagged
submissions with their reasons (the gradebook's flags, whichever run set them),
late submissions with their penalty, and the similarity report of
``python -m course similarity`` where one was made; then the slowest notebooks and
the time per grading stage.  ``results.json`` beside it holds every submission's
latest full record (from whichever run graded it).
"""
from __future__ import annotations

import html
import statistics
import json
from pathlib import Path

STRUGGLE = 0.5  # a test cell passed by fewer than half the class is highlighted


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def progress_line(done: int, total: int, r: dict) -> str:
    got = [g.get("auto_score") or 0 for nb in r.get("notebooks", {}).values() for g in nb["grades"].values()]
    top = [g.get("max_score") or 0 for nb in r.get("notebooks", {}).values() for g in nb["grades"].values()]
    score = f"{sum(got):g}/{sum(top):g}" if top else "not graded"
    why = "; ".join(i["code"] for i in r.get("issues", []) if i["level"] in ("error", "warning"))
    secs = r.get("timings", {}).get("total_s", 0)
    return (f"[{done:>3}/{total}] {r['student']:<20} {r['assignment']:<24} {score:>10} "
            f"{'!' if r.get('flagged') else ' '} {secs:6.1f} s  {why}")


def _reasons(r: dict) -> list[tuple[str, str]]:
    return [(i["level"], i["message"]) for i in r.get("issues", []) if i["level"] in ("error", "warning")]


def _late_text(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    return f"{days} d {rest // 3600} h" if days else f"{rest // 3600} h {rest % 3600 // 60} min"


def load_records(path: Path) -> dict:
    """``results.json``: the latest record of every submission, keyed ``assignment/student``."""
    return json.loads(path.read_text()) if path.is_file() else {}


def flag_reasons(table: dict, records: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(assignment, student, [(level, reason)]) for every submission flagged in the gradebook."""
    out = []
    for aid in sorted(table):
        for sid, e in sorted(table[aid]["students"].items()):
            if e["flagged"]:
                why = _reasons(records.get(f"{aid}/{sid}", {}))
                out.append((aid, sid, why or [("warning", "flagged in the gradebook (in formgrader, or by an earlier "
                                                           "run; the latest run found nothing: unflag it there)")]))
    return out


def _cell(entry: dict | None, top: float) -> str:
    """One student's result in the table across assignments: score/max, ! flagged, L late, or missing."""
    if entry is None or entry["missing"]:
        return "missing"
    return f"{entry['score']:g}/{top:g}" + ("!" if entry["flagged"] else "") + ("L" if entry["late_penalty"] else "")


def _across(table: dict) -> tuple[list[str], list[list[str]]]:
    """The per-student table across every assignment: header and rows (with the total)."""
    aids = sorted(table)
    students = sorted({s for a in table.values() for s in a["students"]})
    rows = []
    for s in students:
        entries = [table[a]["students"].get(s) for a in aids]
        total = sum(e["score"] for e in entries if e)
        rows.append([s] + [_cell(e, table[a]["max_score"]) for a, e in zip(aids, entries)]
                    + [f"{total:g}/{sum(table[a]['max_score'] for a in aids):g}"])
    return ["student", *aids, "total"], rows


def print_summary(results: list[dict], table: dict, run: dict, say, records: dict | None = None) -> None:
    head, rows = _across(table)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    say("")
    for row in [head, *rows]:
        say(f"{row[0]:<{widths[0]}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(row[1:], widths[1:])))
    say("(! flagged, L late, missing: no submission, counts 0)")
    flags = flag_reasons(table, records or {})
    if flags:
        say(f"\nFlagged ({len(flags)}):")
        for aid, sid, why in flags:
            for _level, message in why:
                say(f"  {sid} / {aid}: {message}")
    late = [(a, s, e) for a in sorted(table) for s, e in table[a]["students"].items() if e["seconds_late"] > 0]
    if late:
        say(f"\nLate ({len(late)}):")
        for a, s, e in late:
            say(f"  {s} / {a}: {_late_text(e['seconds_late'])} late, -{e['late_penalty']:g} points")
    graded = [r for r in results if not r.get("reused")]
    if graded:
        say(f"\n{len(graded)} graded in {run['wall_s']:.1f} s with {run['jobs']} worker(s): "
            f"{run['wall_s'] / len(graded):.2f} s per submission")


# --- the written report -------------------------------------------------------------
class _Doc:
    """Markdown and HTML built side by side from the same calls."""

    def __init__(self, title: str):
        self.md = [f"# {title}", ""]
        self.html = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                     "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
                     "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;"
                     "padding:3px 8px;text-align:left}th{background:#f2f2f2}.low{background:#fde2e2}"
                     ".error{color:#b00020}.warning{color:#8a5a00}img{max-width:100%}"
                     ".pair td{vertical-align:top;width:50%}.pair pre{white-space:pre-wrap;margin:0}"
                     "</style></head><body>",
                     f"<h1>{html.escape(title)}</h1>"]

    def h(self, level: int, text: str):
        self.md += [f"{'#' * level} {text}", ""]
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def p(self, text: str):
        self.md += [text, ""]
        self.html.append(f"<p>{html.escape(text)}</p>")

    def img(self, path: str, alt: str):
        self.md += [f"![{alt}]({path})", ""]
        self.html.append(f"<img src='{html.escape(path)}' alt='{html.escape(alt)}'>")

    def table(self, head: list[str], rows: list[list], classes: list[str] | None = None):
        if not rows:
            return
        self.md += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        self.md += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows] + [""]
        body = "".join(f"<tr class='{(classes or [''] * len(rows))[i]}'>" +
                       "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                       for i, row in enumerate(rows))
        self.html.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
                         + body + "</table>")

    def side_by_side(self, left: tuple[str, str], right: tuple[str, str]):
        """Two code regions next to each other (Markdown: one after the other). (title, code) each."""
        for title, code in (left, right):
            self.md += [f"**{title}**", "", "```python", code.replace("```", "` ` `"), "```", ""]
        self.html.append("<table class='pair'><tr>" + "".join(
            f"<th>{html.escape(t)}</th>" for t, _ in (left, right)) + "</tr><tr>" + "".join(
            f"<td><pre>{html.escape(c)}</pre></td>" for _, c in (left, right)) + "</tr></table>")

    def save(self, folder: Path):
        (folder / "index.md").write_text("\n".join(self.md) + "\n", encoding="utf-8")
        (folder / "index.html").write_text("\n".join(self.html) + "</body></html>\n", encoding="utf-8")


def _plot(aid: str, entry: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = entry["max_score"] or 1
    scores = [100 * s["score"] / top for s in entry["students"].values()]
    cells = sorted(entry["cells"], key=lambda c: c["passed"] / c["graded"] if c["graded"] else 0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, max(3.2, 0.32 * len(cells) + 1.2)),
                                      gridspec_kw={"width_ratios": [1, 1.3]})
    left.hist(scores, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4878a8", edgecolor="white")
    left.set(xlabel="score (% of maximum, after late penalty)", ylabel="students", xlim=(0, 100),
             title=f"{aid}: scores of {len(scores)} students")
    left.yaxis.get_major_locator().set_params(integer=True)
    rates = [c["passed"] / c["graded"] if c["graded"] else 0 for c in cells]
    right.barh([c["cell"] for c in cells], [100 * r for r in rates],
               color=["#c44e52" if r < STRUGGLE else "#55a868" for r in rates])
    for y, (c, r) in enumerate(zip(cells, rates)):
        right.text(min(100 * r + 1, 88), y, f"{c['passed']}/{c['graded']}", va="center", fontsize=8)
    right.set(xlabel="students passing (%)", xlim=(0, 100), title="pass rate per test cell (lowest first)")
    right.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(folder: Path, results: list[dict], table: dict, run: dict | None, records: dict | None = None) -> Path:
    """The class report over every assignment in *table* (:func:`.gradebook.scores`).  *results*: this
    run's records; *run*: this run's settings and time, None when no grading ran (the report is only
    rewritten, e.g. after ``python -m course similarity``); *records*: ``results.json``."""
    from .. import hub_exchange, similarity

    folder.mkdir(parents=True, exist_ok=True)
    records = records or {}
    doc = _Doc("Class grading report")
    students = {s for a in table.values() for s in a["students"]}
    graded_now = [r for r in results if not r.get("reused")]
    doc.p(f"The gradebook: {len(table)} assignment(s), {len(students)} student(s) (the roster and everyone "
          "who handed something in; a missing submission counts 0).")
    if run:
        doc.p(f"This run: {len(results)} submission(s); {len(graded_now)} graded ({run['wall_s']:.1f} s, "
              f"{run['jobs']} worker(s), {run['cpus']} CPUs, sandbox {'on' if run['sandbox'] else 'OFF'}); "
              "the others were unchanged since the last run.")
    doc.h(2, "Students across assignments")
    head, rows = _across(table)
    doc.table(head, rows)
    doc.p("score/maximum after the late penalty; ! flagged, L late, missing: no submission (counts 0).")
    flags = flag_reasons(table, records)
    for aid, entry in sorted(table.items()):
        studs = entry["students"]
        top = entry["max_score"] or 1
        pcts = [s["score"] / top for s in studs.values()]
        flagged = [(sid, why) for a, sid, why in flags if a == aid]
        missing = sorted(s for s, e in studs.items() if e["missing"])
        doc.h(2, aid)
        doc.p(f"{len(studs)} students ({len(missing)} missing); maximum {entry['max_score']:g} points; mean "
              f"{_pct(statistics.mean(pcts)) if pcts else '-'}, median "
              f"{_pct(statistics.median(pcts)) if pcts else '-'}; {len(flagged)} flagged; "
              f"due {entry['duedate'] or 'no due date'} (UTC).")
        if studs:
            _plot(aid, entry, folder / f"{aid}.png")
            doc.img(f"{aid}.png", f"score histogram and pass rate per test cell of {aid}")
        doc.h(3, "Pass rate per test cell (lowest first)")
        cells = sorted(entry["cells"], key=lambda c: c["passed"] / c["graded"] if c["graded"] else 0)
        doc.table(["test cell", "points", "passed", "pass rate"],
                  [[c["cell"], f"{c['points']:g}", f"{c['passed']}/{c['graded']}",
                    _pct(c["passed"] / c["graded"]) if c["graded"] else "-"] for c in cells],
                  ["low" if c["graded"] and c["passed"] / c["graded"] < STRUGGLE else "" for c in cells])
        doc.h(3, "Scores")
        doc.table(["student", "score", "raw", "late penalty", "status"],
                  [[s, f"{e['score']:g}", f"{e['raw']:g}", f"{e['late_penalty']:g}",
                    "missing" if e["missing"] else "flagged" if e["flagged"] else ""]
                   for s, e in sorted(studs.items())])
        if flagged:
            doc.h(3, "Flagged submissions")
            doc.table(["student", "level", "reason"],
                      [[sid, lvl, msg] for sid, why in flagged for lvl, msg in why],
                      [lvl for _, why in flagged for lvl, _ in why])
        refused = hub_exchange.refused(str(folder.parent.parent), aid)
        if refused:
            doc.h(3, "Refused at collect (handed in under another student's name)")
            doc.p("Never graded; the folders stay in the exchange's inbound/ as evidence.")
            doc.table(["named", "folder", "owned by", "why"],
                      [[r.get("named", ""), r.get("folder", ""), r.get("owner", ""), r.get("why", "")] for r in refused],
                      ["error"] * len(refused))
        late = [(s, e) for s, e in sorted(studs.items()) if e["seconds_late"] > 0]
        if late:
            doc.h(3, "Late submissions")
            doc.p("Policy: nbgrader_config.py (c.DueDates, c.LatePenalty); lateness from timestamp.txt.")
            doc.table(["student", "submitted (UTC)", "late by", "penalty (points)"],
                      [[s, str(e["timestamp"]), _late_text(e["seconds_late"]), f"{e['late_penalty']:g}"]
                       for s, e in late])
        similarity.report_section(doc, folder.parent / "similarity" / f"{aid}.json")
    timed = [r for r in results if r.get("timings", {}).get("total_s")]
    if timed:
        doc.h(2, "Slowest notebooks")
        slow = sorted(timed, key=lambda r: -r["timings"]["total_s"])[:10]
        doc.table(["student", "assignment", "total s", "kernel start s", "first cell (imports) s",
                   "other cells s", "slowest cell"],
                  [[r["student"], r["assignment"], f"{r['timings']['total_s']:.1f}",
                    f"{r['timings'].get('kernel_start_s', 0):.1f}", f"{r['timings'].get('first_cell_s', 0):.1f}",
                    f"{r['timings'].get('run_s', 0) - r['timings'].get('first_cell_s', 0):.1f}",
                    _slowest_cell(r)] for r in slow])
        doc.h(2, "Where the time went (submissions graded in this run)")
        now = [r for r in timed if not r.get("reused")] or timed
        stages = [("checking the submission", "precheck_s"), ("kernel start (sandbox + ipykernel)", "kernel_start_s"),
                  ("first cell (imports)", "first_cell_s"), ("other cells", None),
                  ("nbgrader bookkeeping (copies, gradebook)", "db"), ("feedback HTML", "feedback_s"),
                  ("merging into the gradebook (main process)", "merge_s")]
        rows = []
        for label, key in stages:
            vals = [_stage(r["timings"], key) for r in now]
            rows.append([label, f"{statistics.mean(vals):.2f}", f"{max(vals):.2f}"])
        doc.table(["stage", "mean s per submission", "max s"], rows)
    doc.save(folder)
    return folder / "index.html"


def _stage(t: dict, key: str | None) -> float:
    if key is None:
        return max(0.0, t.get("run_s", 0) - t.get("first_cell_s", 0))
    if key == "db":
        return max(0.0, t.get("autograde_s", 0) - t.get("kernel_start_s", 0) - t.get("run_s", 0))
    return t.get(key, 0.0)


def _slowest_cell(r: dict) -> str:
    cells = r.get("cells") or []
    if not cells:
        return ""
    c = max(cells, key=lambda c: c["seconds"])
    return f"{c['cell']} ({c['seconds']:.1f} s, {c['status']})"
