"""The class report: where the class struggled, what to look at, where the time went.

``reports/grading/index.html`` (and ``index.md``, same content) with, per
assignment: the score histogram, the pass rate of every test cell (lowest
first), flagged submissions with their reasons, late submissions with their
penalty; then the slowest notebooks and the time per grading stage.
``results.json`` beside it holds every submission's full record.
"""
from __future__ import annotations

import html
import statistics
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


def print_summary(results: list[dict], table: dict, run: dict, say) -> None:
    students = sorted({s for a in table.values() for s in a["students"]} | {r["student"] for r in results})
    flagged = {(r["assignment"], r["student"]) for r in results if r.get("flagged")}
    aids = sorted(table)
    width = max([len(s) for s in students] + [7])
    cols = [max(len(a), 11) for a in aids]
    say("")
    say(f"{'student':<{width}}  " + "  ".join(f"{a:>{w}}" for a, w in zip(aids, cols)) + "      total")
    for s in students:
        cells, total, top = [], 0.0, 0.0
        for a, w in zip(aids, cols):
            entry = table[a]["students"].get(s)
            top += table[a]["max_score"]
            if entry is None:
                cells.append(f"{'-':>{w}}")
                continue
            total += entry["score"]
            mark = ("!" if (a, s) in flagged else "") + ("L" if entry["late_penalty"] else "")
            cells.append(f"{entry['score']:g}/{table[a]['max_score']:g}{mark:<2}".rjust(w))
        say(f"{s:<{width}}  " + "  ".join(cells) + f"  {total:g}/{top:g}".rjust(11))
    say("(! flagged, L late)")
    flags = [r for r in results if r.get("flagged")]
    if flags:
        say(f"\nFlagged ({len(flags)}):")
        for r in sorted(flags, key=lambda r: (r["assignment"], r["student"])):
            for level, message in _reasons(r):
                say(f"  {r['student']} / {r['assignment']}: {message}")
    late = [(a, s, e) for a in aids for s, e in table[a]["students"].items() if e["seconds_late"] > 0]
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
                     ".error{color:#b00020}.warning{color:#8a5a00}img{max-width:100%}</style></head><body>",
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


def write(folder: Path, results: list[dict], table: dict, run: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    by_key = {(r["assignment"], r["student"]): r for r in results}
    doc = _Doc("Class grading report")
    graded_now = [r for r in results if not r.get("reused")]
    doc.p(f"{len(results)} submission(s) of {len(table)} assignment(s); {len(graded_now)} graded in this run "
          f"({run['wall_s']:.1f} s, {run['jobs']} worker(s), {run['cpus']} CPUs, sandbox "
          f"{'on' if run['sandbox'] else 'OFF'}); the others were unchanged since the last run.")
    for aid, entry in sorted(table.items()):
        studs = entry["students"]
        top = entry["max_score"] or 1
        pcts = [s["score"] / top for s in studs.values()]
        flagged = [r for (a, _), r in sorted(by_key.items()) if a == aid and r.get("flagged")]
        doc.h(2, aid)
        doc.p(f"{len(studs)} students; maximum {entry['max_score']:g} points; mean "
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
        doc.table(["student", "score", "raw", "late penalty", "flagged"],
                  [[s, f"{e['score']:g}", f"{e['raw']:g}", f"{e['late_penalty']:g}",
                    "yes" if by_key.get((aid, s), {}).get("flagged") else ""]
                   for s, e in sorted(studs.items())])
        if flagged:
            doc.h(3, "Flagged submissions")
            doc.table(["student", "level", "reason"],
                      [[r["student"], lvl, msg] for r in flagged for lvl, msg in _reasons(r)],
                      [lvl for r in flagged for lvl, _ in _reasons(r)])
        late = [(s, e) for s, e in sorted(studs.items()) if e["seconds_late"] > 0]
        if late:
            doc.h(3, "Late submissions")
            doc.p("Policy: nbgrader_config.py (c.DueDates, c.LatePenalty); lateness from timestamp.txt.")
            doc.table(["student", "submitted (UTC)", "late by", "penalty (points)"],
                      [[s, str(e["timestamp"]), _late_text(e["seconds_late"]), f"{e['late_penalty']:g}"]
                       for s, e in late])
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
