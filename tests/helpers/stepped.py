"""Run a build, a deployment or a publish in this process, stopping at one named step.

Usage: python stepped.py JSON

JSON holds "run" (build, deploy or publish), its arguments, and optionally "step" with "action":
"kill" sends SIGKILL to this process when the step is reached, as a power cut or `kill -9` would;
"pause" creates the file "marker" + ".reached" and waits (up to a minute) for "marker" + ".go",
so that a test can start a second process while this one holds its locks. Prints what the command
printed; the exit status is the command's.
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

PAUSE_LIMIT = 60


def stop_at(step: str, action: str, marker: str):
    def reached(name: str) -> None:
        if name != step:
            return
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        Path(marker + ".reached").write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + PAUSE_LIMIT
        while not Path(marker + ".go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    return reached


def main(spec: dict) -> int:
    from jiandu.core import staging

    if spec.get("step"):
        staging.reached = stop_at(spec["step"], spec["action"], spec.get("marker", ""))
    overrides = spec.get("overrides", {})
    if spec["run"] == "build":
        from jiandu.commands.build import build_or_report

        return build_or_report(Path(spec["conf"]), Path(spec["output"]), Path(spec["root"]), **overrides)
    if spec["run"] == "deploy":
        from jiandu.commands.deploy import Target, deploy

        deploy(Path(spec["site"]), Target.parse(spec["target"]), spec["rid"])
        return 0
    from jiandu.commands.deploy import publish

    return publish(Path(spec["conf"]), Path(spec["root"]), target=spec["target"], rid=spec["rid"],
                   **overrides)


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
