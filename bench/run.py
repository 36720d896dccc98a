"""Benchmark runner: Jiandu against plain Pelican on the same corpus, side by side in one run.

    python bench/run.py --sizes 1000 5000 10000 --repeat 3 --edits 5 --phone 10000 \
        --work /tmp/jiandu-bench --json /tmp/bench.json

For each size it generates the corpus (bench/generate.py), then alternates cold full builds of
the Jiandu site, search index included as `invoke build` makes it, and of plain Pelican with its
default theme, and finally times one-edit rebuilds inside a running preview server (as
`invoke serve` runs it): until the pages are written, and until the edit is findable.

Wall time and memory are measured from outside each build: peak RSS of the largest process, and
peak total PSS of the whole process tree, every child included (the forked workers and the
Pagefind binary; PSS counts shared pages once). The search index's own time and peak come from
timing the steps that write it inside the build process (a finalize step before issue 12, the
pipeline's search writer since, and its first half in a page worker beside the pages since the
fourth session): the steps' windows on the clock, and the tree's PSS samples within them. At
`--phone` size the built site is served with gzip and searched in Chromium (bench/phone.py) to
count the bytes a phone downloads.
"""

from __future__ import annotations

import argparse
import hashlib
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
if str(PROJECT) not in sys.path:  # `python bench/run.py` as well as `from bench import run`
    sys.path.insert(0, str(PROJECT))

from bench import phone  # noqa: E402

STEP_MARK = "BENCH-STEP "
# Each finalize step (the manifest; the Pagefind run before issue 12) and the pipeline's search
# writer (since issue 12) report their window on the wall clock, so that the runner can tell the
# search index's time and memory from the rest of the build. Only this benchmark's build process
# wraps them; the build itself is unchanged.
TIMED_STEPS = f"""
import json, sys, time
import jiandu

def timed(step, name):
    def run(*args, **kwargs):
        started = time.time()
        try:
            return step(*args, **kwargs)
        finally:
            window = {{"step": name, "start": started, "end": time.time()}}
            print({STEP_MARK!r} + json.dumps(window), file=sys.stderr, flush=True)
    return run

jiandu.FINALIZE_STEPS[:] = [timed(step, step.__name__) for step in jiandu.FINALIZE_STEPS]
try:
    from jiandu.build.pipeline import Pipeline
except ImportError:
    Pipeline = None
if hasattr(Pipeline, "_write_search"):
    Pipeline._write_search = timed(Pipeline._write_search, "Pipeline._write_search")
try:  # since the index's first half runs in a page worker, beside the pages
    import jiandu.build.pipeline as pipeline
    pipeline.gather_search_index = timed(pipeline.gather_search_index, "search gather (beside the pages)")
except AttributeError:
    pass
"""

JIANDU_BUILD = TIMED_STEPS + """
from pathlib import Path
from jiandu.commands.build import build
build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), JIANDU_AS_OF="2022-06-30")
"""

PREVIEW = """
import sys
from pathlib import Path
from jiandu.commands.serve import serve
serve(Path(sys.argv[1]), Path(sys.argv[2]), port=int(sys.argv[4]), root=Path(sys.argv[3]),
      JIANDU_AS_OF="2022-06-30")
"""
# A stage the build reports itself ("搜索索引：完成 10000/10000，用时 12.3 秒", jiandu.build.progress).
STAGE_LINE = re.compile(r"^(?P<label>[^：\n]+)：完成 \d+/\d+，用时 (?P<seconds>[\d.]+) 秒$", re.MULTILINE)
SEARCH_WORDS = ("search", "pagefind", "搜索", "索引")


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
    /usr/bin/time reports it); total PSS of the process tree is sampled every 20 ms, with the
    clock, so that a step's own peak can be read off later."""
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, **kwargs)
        done = threading.Event()

        def sample():
            while not done.is_set():
                samples.append((time.time(), sum(memory_kb(p)[1] for p in tree_pids(proc.pid))))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        if proc.returncode:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr[-2000:]}")
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024,
            "pss_mb": max((kb for _, kb in samples), default=0) / 1024,
            **search_step(stderr, samples)}


def search_step(stderr: str, samples: list[tuple[float, int]]) -> dict:
    """The search index's own time and peak PSS, from the timed steps that write it; failing
    that, from a stage the build reports with its duration (then without a peak)."""
    steps = [json.loads(line[len(STEP_MARK):]) for line in stderr.splitlines()
             if line.startswith(STEP_MARK)]
    searches = [s for s in steps if any(word in s["step"].lower() for word in SEARCH_WORDS)]
    stages = {m["label"]: float(m["seconds"]) for m in STAGE_LINE.finditer(stderr)}
    found = {}
    if searches:
        window = [kb for t, kb in samples for s in searches if s["start"] <= t <= s["end"]]
        found = {"search_s": sum(s["end"] - s["start"] for s in searches),
                 "search_pss_mb": max(window, default=0) / 1024, "search_from": searches[0]["step"]}
    else:
        for label, seconds in stages.items():
            if any(word in label.lower() for word in SEARCH_WORDS):
                found = {"search_s": seconds, "search_from": label}
    return {**found, "steps": steps, "stages": stages}


def corpus(n: int, work: Path) -> Path:
    """The corpus of size n, generated again whenever bench/generate.py has changed."""
    folder, generator = work / f"corpus-{n}", PROJECT / "bench/generate.py"
    stamp = hashlib.sha256(generator.read_bytes()).hexdigest()
    if _read(folder / "generator.sha256") != stamp:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([PYTHON, str(generator), str(n), str(folder)], check=True)
        (folder / "generator.sha256").write_text(stamp, encoding="utf-8")
    return folder


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


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
        built = folder / "out-jiandu"  # the index since issue 12, or Pagefind's before it
        if not ((built / "search-index" / "entry.json").is_file() or any(built.rglob("pagefind-entry.json"))):
            raise SystemExit("the Jiandu build wrote no search index: is JIANDU_SEARCH off?")
    return runs


# How long to wait after the first save for the preview's background search bundle; a preview
# that prints none (before issue 12) costs this once per size.
BACKGROUND_WAIT = 180


def one_edits(folder: Path, edits: int) -> dict:
    """Save a column entry in a running preview; read back the server's own save-to-written time
    and, where the preview rewrites the search bundle after the pages (since issue 12), the time
    from the save until that bundle is written: when the edit is findable."""
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
        target = sorted((folder / "jiandu/content/column").glob("*.md"))[7]
        original = target.read_text(encoding="utf-8")
        written, findable, background = [], [], True
        for i in range(edits):
            target.write_text(original + f"\n补记第{i + 1}次。\n", encoding="utf-8")
            saved = target.stat().st_mtime
            _, line = _wait_for(lines, "从保存到写完用时", 120)
            written.append(float(re.search(r"从保存到写完用时 ([\d.]+) 秒", line).group(1)))
            if background:  # wait for the bundle, or a newer save would cancel it
                seen = _wait_for(lines, "搜索索引已更新", BACKGROUND_WAIT, required=False)
                if seen:
                    findable.append(seen[0] - saved)
                background = seen is not None
            time.sleep(0.5)
        target.write_text(original, encoding="utf-8")
        if background:
            _wait_for(lines, "搜索索引已更新", BACKGROUND_WAIT, required=False)
        return {"written": written, "findable": findable}
    finally:
        proc.terminate()
        proc.wait(30)


def _reader(proc) -> list[tuple[float, str]]:
    """The process's output lines as they come, each with the time it was read."""
    lines: list[tuple[float, str]] = []

    def read():
        for line in proc.stdout:
            lines.append((time.time(), line.rstrip()))

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: list[tuple[float, str]], marker: str, timeout: float,
              required: bool = True) -> tuple[float, str] | None:
    """The first unread line with `marker`, which is consumed; the other lines stay."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        for i, (at, line) in enumerate(list(lines)):
            if marker in line:
                del lines[i]
                return at, line
        time.sleep(0.01)
    if required:
        raise SystemExit(f"timed out waiting for {marker!r}; last lines: {lines[-5:]}")
    return None


def median(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def report(results: dict) -> str:
    rows = ["| N | Jiandu s (search included) | Pelican s | ratio | Jiandu files | Pelican files | "
            "Jiandu peak PSS MB (all processes) | Jiandu peak RSS MB (largest process) | "
            "Pelican peak PSS MB | Pelican peak RSS MB | search index s | search index peak PSS MB | "
            "rest of the build s | ratio, search aside | one edit s (median) | "
            "one edit, findable s (median) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in sorted(results.items()):
        j, p = r["full"]["jiandu"], r["full"]["pelican"]
        search = median(j, "search_s")
        rest = [x["seconds"] - x["search_s"] for x in j if x.get("search_s") is not None]
        rest_s = statistics.median(rest) if rest else None
        written, findable = r["edits"].get("written"), r["edits"].get("findable")
        rows.append(
            f"| {n} | {median(j, 'seconds'):.2f} | {median(p, 'seconds'):.2f} | "
            f"{median(j, 'seconds') / median(p, 'seconds'):.2f} | {j[0]['files']} | {p[0]['files']} | "
            f"{median(j, 'pss_mb'):.0f} | {median(j, 'rss_mb'):.0f} | {median(p, 'pss_mb'):.0f} | "
            f"{median(p, 'rss_mb'):.0f} | {fmt(search, 2)} | {fmt(median(j, 'search_pss_mb'), 0)} | "
            f"{fmt(rest_s, 2)} | {fmt(rest_s / median(p, 'seconds') if rest else None, 2)} | "
            f"{fmt(statistics.median(written) if written else None, 3)} | "
            f"{fmt(statistics.median(findable) if findable else None, 3)} |")
    return "\n".join(rows)


def runs_report(results: dict) -> str:
    rows = ["| N | Jiandu full builds s (search index s) | Pelican full builds s | "
            "one-edit rebuilds s (findable s) |", "|---|---|---|---|"]
    for n, r in sorted(results.items()):
        j, p = r["full"]["jiandu"], r["full"]["pelican"]
        jiandu = ", ".join(f"{x['seconds']:.2f} ({fmt(x.get('search_s'), 2)})" for x in j)
        pelican = ", ".join(f"{x['seconds']:.2f}" for x in p)
        written, findable = r["edits"].get("written", []), r["edits"].get("findable", [])
        padded = findable + [None] * (len(written) - len(findable))
        edits = ", ".join(f"{w:.3f}" + (f" ({f:.3f})" if f is not None else "")
                          for w, f in zip(written, padded, strict=True)) or "—"
        rows.append(f"| {n} | {jiandu} | {pelican} | {edits} |")
    return "\n".join(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--phone", type=int, default=10000,
                        help="measure a phone's search downloads on the site built at this size")
    parser.add_argument("--queries", nargs="+", default=phone.QUERIES)
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiandu-bench"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results, phone_rows = {}, []
    for n in args.sizes:
        folder = corpus(n, args.work)
        results[n] = {"full": full_builds(folder, args.repeat)}
        if n == args.phone:
            phone_rows = phone.measure(folder / "out-jiandu", args.queries)
        results[n]["edits"] = one_edits(folder, args.edits) if args.edits else {}
        print(f"N={n}: {json.dumps(results[n], ensure_ascii=False)}", file=sys.stderr, flush=True)
    print(report(results))
    print()
    print(runs_report(results))
    if phone_rows:
        print()
        print(f"Bytes a phone downloads for the first {phone.SHOWN} results, N = {args.phone} (gzip):")
        print()
        print(phone.report(phone_rows))
    if args.json:
        args.json.write_text(json.dumps({"sizes": results, "phone": phone_rows}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
