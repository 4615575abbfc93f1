"""Plans and runs the test project (a copy of tests/sqlmesh/project in
<work>) at fixed execution times, each step checked against what it is
built to do. The recorder (config.py) writes the events to RUNLENS_STORE.

    plan 1  --execution-time 2026-11-05   every model added, backfilled to 11-04
    run 1   execution_time 2026-11-06     interval 11-05: everything passes
    run 2   execution_time 2026-11-07     interval 11-06: payments fails (a bad
            amount), daily_revenue skipped, full_model's blocking audit fails,
            incremental_model's non-blocking not_null audit fails
    plan 2  --execution-time 2026-11-07   payments and full_model modified,
            item_summary added (tests/sqlmesh/changes/plan2)
    run 3   execution_time 2026-11-08     interval 11-07: everything passes

Usage: python driver.py <work> <changes>   (run by build.sh)

With `--live SECONDS` (run by live.sh), it plans, does run 1, then run 2
with sqlmesh_example.slow_model sleeping SECONDS: a run that stays in
progress long enough to watch (incremental_model complete, full_model and
payments failed, slow_model running, daily_revenue pending), then fails.
"""

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path


def plan(work: Path, execution_time: str) -> None:
    sqlmesh = Path(sys.executable).with_name("sqlmesh")
    cmd = [str(sqlmesh), "plan", "--auto-apply", "--no-prompts", "--skip-tests",
           "--execution-time", execution_time]
    out = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"plan at {execution_time} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    print(f"plan at {execution_time}: applied", flush=True)


def run(work: Path, execution_time: str, expected: str) -> None:
    from sqlmesh import Context

    context = Context(paths=[str(work)])
    try:
        status = context.run("prod", execution_time=execution_time, skip_janitor=True)
    finally:
        context.close()  # DuckDB: the next plan opens the database from another process
    got = status.name
    print(f"run at {execution_time}: {got}", flush=True)
    if got != expected:
        sys.exit(f"run at {execution_time}: expected {expected}, got {got}")


def main() -> None:
    work, changes = Path(sys.argv[1]), Path(sys.argv[2])
    # As the `sqlmesh` CLI does: SQLMesh logs at INFO, so each execution's
    # log (what SQLMesh logged while it ran the model) has lines to show.
    logging.getLogger("sqlmesh").setLevel(logging.INFO)
    os.chdir(work)
    plan(work, "2026-11-05")
    run(work, "2026-11-06", "SUCCESS")
    if sys.argv[3:4] == ["--live"]:
        os.environ["RUNLENS_SQLMESH_SLEEP"] = sys.argv[4]
        print("live run starting", flush=True)
        run(work, "2026-11-07", "FAILURE")
        return
    run(work, "2026-11-07", "FAILURE")
    # Fresh modification times (copy, not copy2): SQLMesh's cache goes by them.
    shutil.copytree(changes / "plan2", work, dirs_exist_ok=True, copy_function=shutil.copy)
    plan(work, "2026-11-07")
    run(work, "2026-11-08", "SUCCESS")


if __name__ == "__main__":
    main()
