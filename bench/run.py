"""Benchmark runner: Jiandu against plain Pelican on the same corpus, side by side in one run.

    python bench/run.py --sizes 1000 5000 10000 --repeat 3 --edits 5 --work /tmp/jiandu-bench

For each size it generates the corpus (bench/generate.py), then alternates cold full builds of
the Jiandu site (search index aside) and of plain Pelican with its default theme, and finally
times one-edit rebuilds inside a running preview server. Wall time and memory are measured
from outside each build: peak RSS of the largest process, and peak total PSS of the whole
process tree (workers share memory with their parent, so PSS counts shared pages once).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

JIANDU_BUILD = """
import sys
from pathlib import Path
from jiandu.commands.build import build
build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), JIANDU_AS_OF="2022-06-30",
      JIANDU_SEARCH=False)
"""

PREVIEW = """
import sys
from pathlib import Path
from jiandu.commands.serve import serve
serve(Path(sys.argv[1]), Path(sys.argv[2]), port=int(sys.argv[4]), root=Path(sys.argv[3]),
      JIANDU_AS_OF="2022-06-30", JIANDU_SEARCH=False)
"""


def tree_pids(root: int) -> list[int]:
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    queue += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, or zeros once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


def measure(cmd: list[str], **kwargs) -> dict:
    """Run a command. Peak RSS of its largest process comes from the kernel (wait4's rusage, as
    /usr/bin/time reports it); total PSS of the process tree is sampled every 20 ms."""
    peak = {"pss": 0}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, **kwargs)
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak["pss"] = max(peak["pss"], sum(memory_kb(p)[1] for p in tree_pids(proc.pid)))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "pss_mb": peak["pss"] / 1024}


def corpus(n: int, work: Path) -> Path:
    folder = work / f"corpus-{n}"
    if not (folder / "jiandu/content/departments.yml").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([PYTHON, str(PROJECT / "bench/generate.py"), str(n), str(folder)], check=True)
    return folder


def full_builds(folder: Path, repeat: int) -> dict:
    runs = {"jiandu": [], "pelican": []}
    for _ in range(repeat):  # alternate, so that both see the same machine load
        for name in runs:
            out = folder / f"out-{name}"
            shutil.rmtree(out, ignore_errors=True)
            if name == "jiandu":
                cmd = [PYTHON, "-c", JIANDU_BUILD, str(PROJECT / "pelicanconf.py"), str(out),
                       str(folder / "jiandu")]
                runs[name].append(measure(cmd))
            else:
                cmd = [PYTHON, "-m", "pelican", "content", "-o", str(out), "-q"]
                runs[name].append(measure(cmd, cwd=folder / "pelican"))
            runs[name][-1]["files"] = sum(1 for p in out.rglob("*") if p.is_file())
    return runs


def one_edits(folder: Path, edits: int) -> list[float]:
    """Save a column entry in a running preview; read back the server's own save-to-written time."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = folder / "out-preview"
    cmd = [PYTHON, "-u", "-c", PREVIEW, str(PROJECT / "pelicanconf.py"), str(out),
           str(folder / "jiandu"), str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = _reader(proc)
    try:
        _wait_for(lines, "预览地址", 900)
        time.sleep(1)
        target = sorted((folder / "jiandu/content/column").glob("*.md"))[len(lines) % 7]
        original = target.read_text(encoding="utf-8")
        times = []
        for i in range(edits):
            target.write_text(original + f"\n补记第{i + 1}次。\n", encoding="utf-8")
            line = _wait_for(lines, "从保存到写完用时", 120)
            times.append(float(re.search(r"从保存到写完用时 ([\d.]+) 秒", line).group(1)))
            time.sleep(0.5)
        target.write_text(original, encoding="utf-8")
        return times
    finally:
        proc.terminate()
        proc.wait(30)


def _reader(proc) -> list[str]:
    lines: list[str] = []

    def read():
        for line in proc.stdout:
            lines.append(line.rstrip())

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: list[str], marker: str, timeout: float) -> str:
    start, seen = time.monotonic(), len(lines)
    while time.monotonic() - start < timeout:
        for line in lines[seen:]:
            if marker in line:
                del lines[: lines.index(line) + 1]
                return line
        time.sleep(0.01)
    raise SystemExit(f"timed out waiting for {marker!r}; last lines: {lines[-5:]}")


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def report(results: dict) -> str:
    rows = ["| N | Jiandu s | Pelican s | ratio | Jiandu files | Pelican files | Jiandu peak RSS MB "
            "(largest process) | Jiandu peak PSS MB (all processes) | Pelican peak RSS MB | "
            "Pelican peak PSS MB | one edit s (median) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in sorted(results.items()):
        j, p = r["full"]["jiandu"], r["full"]["pelican"]
        edit = f"{statistics.median(r['edits']):.3f}" if r["edits"] else "—"
        rows.append(
            f"| {n} | {median(j, 'seconds'):.2f} | {median(p, 'seconds'):.2f} | "
            f"{median(j, 'seconds') / median(p, 'seconds'):.2f} | {j[0]['files']} | {p[0]['files']} | "
            f"{median(j, 'rss_mb'):.0f} | {median(j, 'pss_mb'):.0f} | {median(p, 'rss_mb'):.0f} | "
            f"{median(p, 'pss_mb'):.0f} | {edit} |")
    return "\n".join(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiandu-bench"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = {}
    for n in args.sizes:
        folder = corpus(n, args.work)
        results[n] = {"full": full_builds(folder, args.repeat),
                      "edits": one_edits(folder, args.edits) if args.edits else []}
        print(f"N={n}: {json.dumps(results[n], ensure_ascii=False)}", file=sys.stderr, flush=True)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
