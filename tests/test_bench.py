"""The build benchmark (`make bench`) keeps working: one run at 1×, every row present.

It times nothing here; it checks that the synthetic book builds without a
warning in both projects and that the table and the JSON have every row.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEX = any(shutil.which(tool) for tool in ("latexmk", "pdflatex", "xelatex"))
EXPECTED = [
    ("ours", "full: epub+pdf+html"),
    ("ours", "html after 1-paragraph edit"),
    ("ours", "epub alone"),
    ("ours", "pdf alone"),
    ("ours", "html alone"),
    ("ours", "html after edit, make live"),
    ("stock", "full: html+epub+latexpdf" if TEX else "full: html+epub"),
    ("stock", "html after 1-paragraph edit"),
    ("stock", "html alone"),
    ("stock", "epub alone"),
    ("stock", "latexpdf alone"),
]


def test_bench_runs_at_1x_with_every_row(tmp_path):
    result_file = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--sizes", "1", "--reps", "1", "--json", str(result_file)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    table = run.stdout
    for who, build in EXPECTED:
        assert re.search(rf"^\s+1x\s+\d+\s+{who}\s+{re.escape(build)}\s", table, re.MULTILINE), (who, build, table)
    rows = json.loads(result_file.read_text())["rows"]
    assert {(row["who"], row["build"]) for row in rows} == set(EXPECTED)
    for row in rows:
        assert row.get("absent") or len(row["seconds"]) == 1, row
