#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python layer (the AsyncSync override) against asyncio, and against
the GI callback API it is built on: same process, same run.

    P1  Lock, 100 tasks x 1000 rounds, each holding it across one
        `await asyncio.sleep(0)` (B3 in asyncio_bench.py)
    P2  uncontended `async with lock: pass`, 1e5
    P3  one AsyncSync.Lock shared by 2 threads, each running its own event
        loop with 50 tasks x 1000 rounds held across one sleep(0): per
        acquisition (asyncio's primitives cannot be shared by two loops)

Each scenario runs in these variants, where they exist:

    asyncio               asyncio.Lock on asyncio's own event loop
    override              AsyncSync.Lock through the override, on asyncio's
                          own loop (completions come from the helper thread)
    asyncio/glib-loop     asyncio.Lock on PyGObject's GLibEventLoop
    override/glib-loop    AsyncSync.Lock on PyGObject's GLibEventLoop
    callbacks             the GI callback API on a GLib.MainLoop, no asyncio:
                          acquire_async(), the callback, the hold across one
                          idle, release() (B3 in asyncsync-bench, in Python)

The GLib-loop variants need PyGObject 3.50 or later (gi.events); they are
left out, and said so, elsewhere.  Run from a build tree:

    meson devenv -C _build /usr/bin/python3 bench/python_override_bench.py --runs 5

Options: --runs N (interleaved, default 5), --scale F (sizes times F),
--json (the samples, as asyncio_bench.py writes them).  Each variant checks
its own result (mutual exclusion, FIFO order, counts) and the script exits
with 1 if one is wrong.
"""

import argparse
import asyncio
import collections
import json
import os
import platform
import statistics
import sys
import threading
import time

try:
    import gi
except ImportError as e:
    print(f"SKIP: this Python cannot import gi: {e}", file=sys.stderr)
    sys.exit(77)

gi.require_version("GLib", "2.0")
gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, GLib  # noqa: E402

try:
    from gi.events import GLibEventLoop
except ImportError:
    GLibEventLoop = None

now_ns = time.perf_counter_ns
SCALE = 1.0


def scaled(base, minimum):
    return max(int(base * SCALE + 0.5), minimum)


def check(condition, message):
    if not condition:
        print(f"python_override_bench.py: {message}", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)


def new_loop(kind):
    if kind == "glib":
        if threading.current_thread() is threading.main_thread():
            return GLibEventLoop(GLib.MainContext.default())
        return GLibEventLoop(GLib.MainContext.new())
    return asyncio.SelectorEventLoop()


def run(coroutine, kind):
    with asyncio.Runner(loop_factory=lambda: new_loop(kind)) as runner:
        return runner.run(coroutine)


# ---- P1: contended, held across one await ---------------------------------

async def contended(lock, n_tasks, n_rounds, check_fifo=True):
    """ns per acquisition: n_tasks tasks, each taking the lock n_rounds
    times and holding it across one sleep(0)."""
    state = {"holders": 0, "grants": 0}
    order = []

    async def worker(i):
        for _ in range(n_rounds):
            async with lock:
                state["holders"] += 1
                check(state["holders"] == 1, "two holders")
                order.append(i)
                state["grants"] += 1
                await asyncio.sleep(0)
                state["holders"] -= 1

    t0 = now_ns()
    await asyncio.gather(*(worker(i) for i in range(n_tasks)))
    t1 = now_ns()
    total = n_tasks * n_rounds
    check(state["grants"] == total, "lost grants")
    if check_fifo:
        check(all(order[k] == k % n_tasks for k in range(total)), "FIFO order broken")
    return (t1 - t0) / total


def contended_callbacks(n_tasks, n_rounds):
    """The same with the GI callback API on a GLib main loop: each of
    n_tasks chains acquire_async() -> callback -> an idle -> release()."""
    context = GLib.MainContext.default()
    lock = AsyncSync.Lock()
    state = {"holders": 0, "grants": 0, "done": 0}
    order = []

    def start(i, left):
        if left == 0:
            state["done"] += 1
            return
        lock.acquire_async(None, acquired, (i, left))

    def acquired(lock, result, data):
        i, left = data
        lock.acquire_finish(result)
        state["holders"] += 1
        check(state["holders"] == 1, "two holders")
        order.append(i)
        state["grants"] += 1
        GLib.idle_add(hold_done, data)

    def hold_done(data):
        i, left = data
        state["holders"] -= 1
        lock.release()
        start(i, left - 1)
        return GLib.SOURCE_REMOVE

    t0 = now_ns()
    for i in range(n_tasks):
        start(i, n_rounds)
    while state["done"] < n_tasks:
        context.iteration(True)
    t1 = now_ns()
    total = n_tasks * n_rounds
    check(state["grants"] == total, "lost grants")
    check(all(order[k] == k % n_tasks for k in range(total)), "FIFO order broken")
    return (t1 - t0) / total


def p1(results):
    n_tasks, n_rounds = 100, scaled(1000, 2)
    results.report("P1", "asyncio", run(contended(asyncio.Lock(), n_tasks, n_rounds), "asyncio"))
    results.report("P1", "override",
                   run(contended(AsyncSync.Lock(), n_tasks, n_rounds), "asyncio"))
    if GLibEventLoop is not None:
        results.report("P1", "asyncio/glib-loop",
                       run(contended(asyncio.Lock(), n_tasks, n_rounds), "glib"))
        results.report("P1", "override/glib-loop",
                       run(contended(AsyncSync.Lock(), n_tasks, n_rounds), "glib"))
    results.report("P1", "callbacks", contended_callbacks(n_tasks, n_rounds))


# ---- P2: uncontended --------------------------------------------------------

async def uncontended(lock, n):
    t0 = now_ns()
    for _ in range(n):
        async with lock:
            pass
    t1 = now_ns()
    check(not lock.locked(), "left locked")
    return (t1 - t0) / n


def uncontended_callbacks(n):
    """acquire_async() of a free lock, its callback one iteration later,
    release(): the GI round trip that the override's fast path avoids."""
    context = GLib.MainContext.default()
    lock = AsyncSync.Lock()
    done = [0]

    def acquired(lock, result):
        lock.acquire_finish(result)
        lock.release()
        done[0] += 1
        if done[0] < n:
            lock.acquire_async(None, acquired)

    t0 = now_ns()
    lock.acquire_async(None, acquired)
    while done[0] < n:
        context.iteration(True)
    t1 = now_ns()
    return (t1 - t0) / n


def p2(results):
    n = scaled(1e5, 10)
    results.report("P2", "asyncio", run(uncontended(asyncio.Lock(), n), "asyncio"))
    results.report("P2", "override", run(uncontended(AsyncSync.Lock(), n), "asyncio"))
    if GLibEventLoop is not None:
        results.report("P2", "asyncio/glib-loop", run(uncontended(asyncio.Lock(), n), "glib"))
        results.report("P2", "override/glib-loop", run(uncontended(AsyncSync.Lock(), n), "glib"))
    results.report("P2", "callbacks", uncontended_callbacks(n))


# ---- P3: one lock, two threads, two loops -----------------------------------

def shared_by_threads(kinds, n_tasks, n_rounds):
    lock = AsyncSync.Lock()
    holders = [0]
    guard = threading.Lock()
    grants = [0]

    async def loop_body():
        async def worker():
            for _ in range(n_rounds):
                async with lock:
                    with guard:
                        holders[0] += 1
                        check(holders[0] == 1, "two holders across threads")
                        grants[0] += 1
                    await asyncio.sleep(0)
                    with guard:
                        holders[0] -= 1
        await asyncio.gather(*(worker() for _ in range(n_tasks)))

    threads = [threading.Thread(target=run, args=(loop_body(), kind)) for kind in kinds]
    t0 = now_ns()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t1 = now_ns()
    total = len(kinds) * n_tasks * n_rounds
    check(grants[0] == total, "lost grants")
    check(not lock.locked(), "left locked")
    return (t1 - t0) / total


def p3(results):
    n_tasks, n_rounds = 50, scaled(1000, 2)
    results.report("P3", "override", shared_by_threads(["asyncio"] * 2, n_tasks, n_rounds))
    if GLibEventLoop is not None:
        results.report("P3", "override/glib-loop",
                       shared_by_threads(["glib"] * 2, n_tasks, n_rounds))


# ---- report ------------------------------------------------------------------

SCENARIOS = [
    ("P1", p1, "Lock, 100 tasks x 1000, held across one await asyncio.sleep(0)"),
    ("P2", p2, "uncontended `async with lock: pass`, 1e5"),
    ("P3", p3, "one AsyncSync.Lock, 2 threads each with its own loop, "
               "50 tasks x 1000 each, held across one sleep(0)"),
]
VARIANTS = ["asyncio", "override", "asyncio/glib-loop", "override/glib-loop", "callbacks"]


class Results:
    def __init__(self):
        self.samples = collections.OrderedDict()

    def report(self, scenario, variant, ns_per_op):
        self.samples.setdefault(scenario, collections.OrderedDict()).setdefault(
            variant, []).append(round(ns_per_op, 1))

    def median(self, scenario, variant):
        s = self.samples.get(scenario, {}).get(variant)
        return statistics.median(s) if s else None


def fmt(ns):
    if ns is None:
        return "-"
    return f"{ns / 1000:.2f} us" if ns >= 1000 else f"{ns:.0f} ns"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def print_table(results, runs):
    print(f"PyGObject {'.'.join(map(str, gi.version_info))}, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"GLib {GLib.MAJOR_VERSION}.{GLib.MINOR_VERSION}.{GLib.MICRO_VERSION}; "
          f"{runs} runs, medians (min-max); scale {SCALE}")
    if GLibEventLoop is None:
        print("(no gi.events.GLibEventLoop in this PyGObject: no glib-loop variants)")
    print()
    print(f"| scenario | {' | '.join(VARIANTS)} |")
    print("| --- |" + " --- |" * len(VARIANTS))
    for name, _, _ in SCENARIOS:
        cells = []
        for v in VARIANTS:
            s = results.samples.get(name, {}).get(v)
            cells.append("-" if not s else
                         f"{fmt(statistics.median(s))} ({fmt(min(s))}-{fmt(max(s))})")
        print(f"| {name} | {' | '.join(cells)} |")
    print()
    for name, _, what in SCENARIOS:
        print(f"- {name}: {what}")
    m = results.median
    print()
    print("Ratios of medians (above 1: the first is slower):")
    print(f"- P1 override / asyncio, asyncio's loop: {ratio(m('P1', 'override'), m('P1', 'asyncio'))}")
    print(f"- P1 override / asyncio, GLib loop: "
          f"{ratio(m('P1', 'override/glib-loop'), m('P1', 'asyncio/glib-loop'))}")
    print(f"- P1 override on the GLib loop / callbacks (the override's cost over the "
          f"GI callback API, on one GLib main loop): "
          f"{ratio(m('P1', 'override/glib-loop'), m('P1', 'callbacks'))}")
    print(f"- P1 override on asyncio's loop / callbacks: "
          f"{ratio(m('P1', 'override'), m('P1', 'callbacks'))}")
    print(f"- P2 override / asyncio: {ratio(m('P2', 'override'), m('P2', 'asyncio'))}; "
          f"override / callbacks: {ratio(m('P2', 'override'), m('P2', 'callbacks'))}")
    print(f"- P3 per acquisition across threads / P1 override in one loop: "
          f"{ratio(m('P3', 'override'), m('P1', 'override'))}")


def main():
    global SCALE
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--scenario")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.runs < 1 or args.scale <= 0:
        p.error("--runs must be >= 1 and --scale > 0")
    SCALE = args.scale
    names = [n for n, _, _ in SCENARIOS]
    if args.scenario is not None and args.scenario.upper() not in names:
        p.error(f"unknown scenario {args.scenario}: one of {', '.join(names)}")

    results = Results()
    for r in range(args.runs):
        for name, function, _ in SCENARIOS:
            if args.scenario is None or args.scenario.upper() == name:
                print(f"run {r + 1}/{args.runs} {name}", file=sys.stderr)
                function(results)

    if args.json:
        json.dump({
            "impl": "python-override",
            "runtime": f"{platform.python_implementation()} {platform.python_version()} "
                       f"({sys.executable}), PyGObject {'.'.join(map(str, gi.version_info))}",
            "scale": args.scale, "runs": args.runs,
            "metrics": {f"{s}.{v}": {"unit": "ns/op", "samples": samples}
                        for s, variants in results.samples.items()
                        for v, samples in variants.items()},
        }, sys.stdout, indent=1)
        print()
    else:
        print_table(results, args.runs)


if __name__ == "__main__":
    main()
