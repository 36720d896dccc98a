"""Spreading independent work over both cores with forked worker processes.

Workers are forked, so they inherit the function and its inputs without pickling them; only the
results travel back. Small batches run in-process, where a fork would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from contextlib import contextmanager

PARALLEL_MIN = 200  # items below which the work stays in this process
CHUNK = 64

_task: tuple[Callable, Sequence] | None = None


def worker_count() -> int:
    """Processes to spread work over; 1 in a daemonic process (the preview's background search),
    which may not fork."""
    if multiprocessing.current_process().daemon:
        return 1
    return int(os.environ.get("JIANDU_WORKERS") or len(os.sched_getaffinity(0)))


def run_split(func: Callable, items: Sequence, progress=None, label: str = "") -> list:
    """[func(item) for item in items], in order, over worker processes when worth it."""
    return run_split_beside(None, func, items, progress, label)[0]


def run_split_beside(beside: Callable[[], object] | None, func: Callable, items: Sequence,
                     progress=None, label: str = "") -> tuple[list, object]:
    """(run_split(func, items), beside()): a worker runs `beside` first and then joins in with
    the items, so that work which would leave a core idle around it fills the other core."""
    workers = min(worker_count(), max(1 if beside is None else 2, len(items) // CHUNK))
    bar = progress(label, len(items)) if progress else None  # None for small jobs
    if workers < 2 or (beside is None and len(items) < PARALLEL_MIN):
        results = []
        for item in items:
            results.append(func(item))
            if bar:
                bar.advance(1)
        done = (results, beside() if beside else None)
    else:
        done = _in_workers(func, items, workers, bar, beside)
    if bar:
        bar.close()
    return done


def run_parts(func: Callable[[int, int], object], count: int, minimum: int = PARALLEL_MIN) -> list:
    """[func(start, end)] for contiguous parts of range(count), one part per worker, in order;
    the parent takes the first. For work that gathers a part's results before sending them back."""
    global _task
    workers = min(worker_count(), max(1, count // minimum))
    bounds = [count * k // workers for k in range(workers + 1)]
    if workers < 2:
        return [func(0, count)]
    _task = (func, None)
    try:
        with _forked_pool(workers - 1) as pool:
            pending = pool.map_async(_run_part, list(zip(bounds[1:-1], bounds[2:], strict=True)))
            first = func(bounds[0], bounds[1])
            return [first, *pending.get()]
    finally:
        _task = None


@contextmanager
def _forked_pool(processes: int):
    """A pool of forked children sharing this process' objects."""
    with _frozen(), multiprocessing.get_context("fork").Pool(processes) as pool:
        yield pool


_keep_frozen = False


@contextmanager
def build_once():
    """For a build that runs once and is done: what lives when a parallel step ends (the records
    read, the pages planned) stays out of the garbage collector until the build ends, instead of
    being walked again by every full collection after it (a third of the page plan's time at
    10,000 records)."""
    global _keep_frozen
    _keep_frozen = True
    try:
        yield
    finally:
        _keep_frozen = False
        gc.unfreeze()


@contextmanager
def _frozen():
    """This process' objects out of the garbage collector while forked children share them (as
    Python's gc.freeze documents for forking servers): neither side's collections walk them, and
    the children's do not copy their pages. Afterwards back in, or, in build_once, until the
    build ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.freeze() if _keep_frozen else gc.unfreeze()


def _run_part(bounds: tuple[int, int]):
    return _task[0](*bounds)


def _in_workers(func: Callable, items: Sequence, workers: int, bar, beside) -> tuple[list, object]:
    """Chunks of CHUNK items, each taken by whichever process is free next: this one and
    `workers` - 1 forked children, the first of which runs `beside` before it takes any.

    Keeping this process busy saves a whole process' memory against a pool of `workers`
    children; taking chunks as they come leaves no process waiting on another's last ones."""
    context = multiprocessing.get_context("fork")
    chunks = _Chunks(context, len(items))
    results: list = [None] * chunks.count
    got = _Received(results, bar)
    with _frozen():
        for k in range(workers - 1):
            receiving, sending = context.Pipe(duplex=False)
            child = context.Process(target=_worker, daemon=True,
                                    args=(func, items, chunks, sending, beside if k == 0 else None))
            child.start()
            sending.close()
            got.children[receiving] = child
        got.start()
        try:
            while (i := chunks.claim()) is not None:
                results[i] = chunks.run(func, items, i)
                if bar:
                    bar.advance(len(results[i]))
                got.receive(wait=False)
                if _keep_frozen:
                    gc.freeze()  # the results so far, out of the collections to come
            while got.children:
                got.receive(wait=True)
        finally:
            got.stop()
    return [r for chunk in results for r in chunk], got.beside


class _Chunks:
    """Chunk numbers handed out once each, across processes."""

    def __init__(self, context, items: int):
        self.items, self.count = items, -(-items // CHUNK)
        self.next = context.Value("q", 0)

    def claim(self) -> int | None:
        with self.next.get_lock():
            i = self.next.value
            self.next.value = i + 1
        return i if i < self.count else None

    def run(self, func: Callable, items: Sequence, i: int) -> list:
        return [func(items[k]) for k in range(i * CHUNK, min((i + 1) * CHUNK, self.items))]


def _worker(func: Callable, items: Sequence, chunks: _Chunks, sending, beside) -> None:
    """A child's loop: `beside` first if given, then chunks until none are left; each result is
    sent as soon as it is ready, and any failure in its place."""
    try:
        if beside is not None:
            _send(sending, ("beside", beside()))
        while (i := chunks.claim()) is not None:
            _send(sending, ("chunk", i, chunks.run(func, items, i)))
        _send(sending, ("done",))
    except BaseException as err:  # handed to the parent, which raises it
        _send(sending, ("failed", _sendable(err)))
    finally:
        sending.close()


def _send(end, message) -> None:
    """Pickle protocol 5 with its large buffers (numpy arrays) sent as they are, out of band: a
    gathered search index crosses without the copies that pickling it whole would make."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    end.send_bytes(len(buffers).to_bytes(4, "little"))
    end.send_bytes(head)
    for buffer in buffers:
        end.send_bytes(buffer.raw())


def _receive(end):
    count = int.from_bytes(end.recv_bytes(), "little")
    head = end.recv_bytes()
    return pickle.loads(head, buffers=[end.recv_bytes() for _ in range(count)])


def _sendable(err: BaseException) -> BaseException:
    try:
        pickle.dumps(err)
        return err
    except Exception:  # an exception that cannot travel travels as its text
        return RuntimeError("".join(traceback.format_exception(err)))


class _Received:
    """What the children send, read by a thread as it comes (a child never waits on a full pipe
    while this process renders) and taken in here: chunks into `results`, the result of
    `beside`. A child's failure is raised here; a child gone without a word is a failure too."""

    def __init__(self, results: list, bar):
        self.results, self.bar = results, bar
        self.children: dict = {}  # receiving end -> process, until it says it is done
        self.beside = None
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.reader: threading.Thread | None = None

    def start(self) -> None:
        self.reader = threading.Thread(target=self._read, args=(list(self.children),), daemon=True)
        self.reader.start()

    def _read(self, ends: list) -> None:
        while ends:
            for end in multiprocessing.connection.wait(ends):
                try:
                    message = _receive(end)
                except (EOFError, OSError):
                    message = ("gone",)
                except Exception as err:  # a message that cannot be read back is a failure too
                    message = ("failed", err)
                if message[0] in ("done", "failed", "gone"):
                    ends.remove(end)
                self.inbox.put((end, message))

    def receive(self, wait: bool) -> None:
        """Take what has come; with `wait`, wait for at least one message first."""
        while self.children and (wait or not self.inbox.empty()):
            end, message = self.inbox.get()
            wait = False
            if message[0] == "chunk":
                self.results[message[1]] = message[2]
                if self.bar:
                    self.bar.advance(len(message[2]))
            elif message[0] == "beside":
                self.beside = message[1]
            elif message[0] == "done":
                self.children.pop(end).join()
                end.close()
            elif message[0] == "failed":
                raise message[1]
            else:
                raise RuntimeError("一个工作进程意外退出（可能是内存不足）。")

    def stop(self) -> None:
        for child in self.children.values():
            child.terminate()  # its end of the pipe closes, and the reader stops
        if self.reader:
            self.reader.join()
        for end, child in self.children.items():
            child.join()
            end.close()
        self.children.clear()
