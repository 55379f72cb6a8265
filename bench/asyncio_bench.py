#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The benchmark scenarios B0..B13 (docs/reference/asyncsync-glib/benchmarks.xml), in Python asyncio.

The same scenarios, sizes, options and JSON output as asyncsync-bench, on
asyncio's own primitives (CPython 3.11 semantics).  Each scenario checks its
own result and exits with status 1 if it is wrong.  Where asyncio differs by
nature, the docstring of the scenario says so:

- B0: the analogue of a GTask round trip is a bare future resolved by
  call_soon() and awaited: one event-loop iteration.
- B1: asyncio never yields on a free lock, so B1 measures the same fast
  path as B2 (`await lock.acquire(); lock.release()`).
- B9: asyncio primitives are not thread-safe: there is no B9.
- B12: as in B1, asyncio does not yield on the free lock; the timeout
  costs it a timer handle per pass.
- B13: asyncio has no read-write lock: there is no B13.

    asyncio_bench.py [--scenario B3] [--runs 5] [--scale 0.01] [--json]
                     [--skip B8.lifo.100k]

B8 in LIFO order is quadratic in asyncio (each cancelled waiter leaves the
lock's deque with deque.remove(), a scan from the left): at 100,000 waiters
one run takes about a minute, so build-aux/bench measures it once.
"""

import argparse
import asyncio
import collections
import gc
import json
import os
import platform
import statistics
import sys
import time

now_ns = time.perf_counter_ns   # --clock cpu: time.process_time_ns
PAGE = os.sysconf("SC_PAGESIZE")


CURRENT = ""


def check(cond, message):
    # Exit at once: a failure inside a task must not leave the scenario
    # waiting forever for its last callback.
    if not cond:
        print("asyncio_bench.py: %s: %s" % (CURRENT, message), file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class Results:
    def __init__(self):
        self.metrics = collections.OrderedDict()

    def report(self, name, unit, n, value):
        m = self.metrics.setdefault(name, {"unit": unit, "n": n, "samples": []})
        m["samples"].append(round(value, 3))


SCALE = 1.0
SKIP = set()


def scaled(base, minimum):
    return max(int(base * SCALE + 0.5), minimum)


# ---- B0: the floor --------------------------------------------------------

async def b0(res):
    loop = asyncio.get_running_loop()
    n = scaled(1e6, 10)
    t0 = now_ns()
    for _ in range(n):
        fut = loop.create_future()
        loop.call_soon(fut.set_result, True)
        check(await fut, "future failed")
    t1 = now_ns()
    res.report("B0", "ns/op", n, (t1 - t0) / n)

    # One bare event-loop iteration.
    n = scaled(1e6, 10)
    t0 = now_ns()
    for _ in range(n):
        await asyncio.sleep(0)
    t1 = now_ns()
    res.report("B0.iter", "ns/op", n, (t1 - t0) / n)


# ---- B1, B2: uncontended ---------------------------------------------------

async def b1(res):
    """asyncio takes a free lock without yielding."""
    lock = asyncio.Lock()
    n = scaled(1e6, 10)
    count = 0
    t0 = now_ns()
    for _ in range(n):
        await lock.acquire()
        count += 1
        lock.release()
    t1 = now_ns()
    check(count == n and not lock.locked(), "wrong count")
    res.report("B1", "ns/op", n, (t1 - t0) / n)


async def b2(res):
    lock = asyncio.Lock()
    n = scaled(1e7, 10)
    count = 0
    t0 = now_ns()
    for _ in range(n):
        async with lock:
            pass
    t1 = now_ns()
    for _ in range(n // 1000):
        async with lock:
            count += 1
    check(count == n // 1000 and not lock.locked(), "wrong count")
    res.report("B2", "ns/op", n, (t1 - t0) / n)


# ---- B3, B4, B5: contention ------------------------------------------------

async def contention(res, name, n_tasks, n_rounds, permits, hold_across_yield):
    prim = asyncio.Lock() if permits == 0 else asyncio.Semaphore(permits)
    max_holders = 1 if permits == 0 else permits
    state = {"holders": 0, "grants": 0}
    order = []
    fifo = permits == 0

    async def worker(i):
        for _ in range(n_rounds):
            await prim.acquire()
            state["holders"] += 1
            check(state["holders"] <= max_holders, "too many holders")
            if fifo:
                order.append(i)
            state["grants"] += 1
            if hold_across_yield:
                await asyncio.sleep(0)
            state["holders"] -= 1
            prim.release()

    # B4: start with the lock held, so that the tasks queue and the chain of
    # hand-offs sustains itself (else the first task would run all its
    # rounds without ever yielding).
    if not hold_across_yield:
        await prim.acquire()
    t0 = now_ns()
    tasks = [asyncio.create_task(worker(i)) for i in range(n_tasks)]
    if not hold_across_yield:
        await asyncio.sleep(0)
        prim.release()
    await asyncio.gather(*tasks)
    t1 = now_ns()

    total = n_tasks * n_rounds
    check(state["grants"] == total, "%d grants, expected %d" % (state["grants"], total))
    check(state["holders"] == 0, "holders left")
    if fifo:
        check(all(order[k] == k % n_tasks for k in range(total)), "FIFO order broken")
    res.report(name, "ns/op", total, (t1 - t0) / total)


async def b3(res):
    await contention(res, "B3", 100, scaled(1000, 2), 0, True)


async def b4(res):
    await contention(res, "B4", 100, scaled(1e4, 2), 0, False)


async def b5(res):
    await contention(res, "B5", 1000, scaled(100, 2), 10, True)


# ---- B6: Event ---------------------------------------------------------------

async def b6(res):
    event = asyncio.Event()
    n = scaled(1e5, 10)
    state = {"n": 0, "t_last": 0}
    done = asyncio.get_running_loop().create_future()

    async def waiter(i):
        check(await event.wait(), "wait failed")
        check(state["n"] == i, "FIFO order broken")
        state["n"] += 1
        if state["n"] == n:
            state["t_last"] = now_ns()
            done.set_result(None)

    gc.collect()
    rss0 = rss_bytes()
    t0 = now_ns()
    tasks = [asyncio.create_task(waiter(i)) for i in range(n)]
    await asyncio.sleep(0)   # every task runs to its wait()
    t1 = now_ns()
    rss1 = rss_bytes()
    check(len(event._waiters) == n, "not all parked")
    res.report("B6.park", "ns/op", n, (t1 - t0) / n)
    res.report("B6.mem", "bytes", n, (rss1 - rss0) / n)

    t0 = now_ns()
    event.set()
    await done
    check(state["n"] == n, "wrong count")
    res.report("B6", "ns/op", n, (state["t_last"] - t0) / n)
    await asyncio.gather(*tasks)


# ---- B7: Condition -----------------------------------------------------------

async def b7(res):
    cond = asyncio.Condition()
    n = scaled(1e5, 10)
    state = {"n": 0, "t_last": 0}
    done = asyncio.get_running_loop().create_future()

    async def waiter(i):
        async with cond:
            check(await cond.wait(), "wait failed")
            check(state["n"] == i, "FIFO order broken")
            state["n"] += 1
            if state["n"] == n:
                state["t_last"] = now_ns()
                done.set_result(None)

    tasks = [asyncio.create_task(waiter(i)) for i in range(n)]
    while len(cond._waiters) < n:
        await asyncio.sleep(0)
    check(not cond.locked(), "lock held after parking")

    t0 = now_ns()
    async with cond:
        cond.notify_all()
    await done
    check(state["n"] == n, "wrong count")
    res.report("B7", "ns/op", n, (state["t_last"] - t0) / n)
    await asyncio.gather(*tasks)
    check(not cond.locked(), "lock left locked")


# ---- B8: cancellation --------------------------------------------------------

async def b8_run(res, n, lifo, label):
    lock = asyncio.Lock()
    state = {"n": 0}
    done = asyncio.get_running_loop().create_future()
    order = []

    async def waiter(i):
        try:
            await lock.acquire()
        except asyncio.CancelledError:
            order.append(i)
            state["n"] += 1
            if state["n"] == n:
                done.set_result(None)
            return
        check(False, "cancelled waiter got the lock")

    await lock.acquire()
    tasks = [asyncio.create_task(waiter(i)) for i in range(n)]
    await asyncio.sleep(0)   # every task queues
    check(len(lock._waiters) == n, "not all queued")

    name = "B8.%s.%s" % ("lifo" if lifo else "fifo", label)
    t0 = now_ns()
    for t in (reversed(tasks) if lifo else tasks):
        t.cancel()
    t1 = now_ns()
    await done
    t2 = now_ns()
    check(order == (list(range(n - 1, -1, -1)) if lifo else list(range(n))), "wrong order")
    check(not lock._waiters and lock.locked(), "wrong lock state")
    lock.release()
    check(not lock.locked(), "lock handed to a cancelled waiter")
    res.report(name, "ns/op", n, (t2 - t0) / n)
    res.report(name + ".cancel", "ns/op", n, (t1 - t0) / n)
    await asyncio.gather(*tasks, return_exceptions=True)


async def b8(res):
    for lifo in (False, True):
        for base, label in ((1e4, "10k"), (1e5, "100k")):
            if "B8.%s.%s" % ("lifo" if lifo else "fifo", label) not in SKIP:
                await b8_run(res, scaled(base, 10), lifo, label)


# ---- B10: Queue throughput ---------------------------------------------------

B10_POOL = 256


async def b10(res):
    """Item k is pool[k % 256]: more than can be in flight (maxsize 100 + 2),
    so checking its identity proves every item arrives once, in order."""
    queue = asyncio.Queue(maxsize=100)
    pool = [object() for _ in range(B10_POOL)]
    n = scaled(1e5, 10)
    state = {"got": 0}

    async def producer():
        for k in range(n):
            await queue.put(pool[k % B10_POOL])

    async def consumer():
        for k in range(n):
            item = await queue.get()
            check(item is pool[k % B10_POOL], "item %d out of order, lost or duplicated" % k)
            state["got"] += 1

    t0 = now_ns()
    await asyncio.gather(asyncio.create_task(producer()), asyncio.create_task(consumer()))
    t1 = now_ns()
    check(state["got"] == n and queue.empty(), "wrong count")
    res.report("B10", "ns/op", n, (t1 - t0) / n)


# ---- B11: Barrier ------------------------------------------------------------

async def b11(res):
    parties = 100
    cycles = scaled(1000, 2)
    barrier = asyncio.Barrier(parties)
    seen = [set() for _ in range(cycles)]

    async def party():
        for c in range(cycles):
            index = await barrier.wait()
            check(0 <= index < parties and index not in seen[c],
                  "cycle %d: index %d returned twice" % (c, index))
            seen[c].add(index)

    total = parties * cycles
    t0 = now_ns()
    await asyncio.gather(*(asyncio.create_task(party()) for _ in range(parties)))
    t1 = now_ns()
    check(all(len(s) == parties for s in seen), "indices missing")
    check(barrier.n_waiting == 0 and not barrier.broken, "wrong barrier state")
    res.report("B11", "ns/op", total, (t1 - t0) / total)


# ---- B12: uncontended acquire with a timeout ---------------------------------

async def b12(res):
    """asyncio takes a free lock without yielding; the timeout is a timer
    handle scheduled and cancelled on every pass."""
    lock = asyncio.Lock()
    n = scaled(1e5, 10)
    count = 0
    t0 = now_ns()
    for _ in range(n):
        async with asyncio.timeout(1):
            async with lock:
                count += 1
    t1 = now_ns()
    check(count == n and not lock.locked(), "wrong count")
    res.report("B12", "ns/op", n, (t1 - t0) / n)


SCENARIOS = [
    ("B0", b0), ("B1", b1), ("B2", b2), ("B3", b3), ("B4", b4),
    ("B5", b5), ("B6", b6), ("B7", b7), ("B8", b8),
    ("B9", None),  # asyncio primitives are not thread-safe
    ("B10", b10), ("B11", b11), ("B12", b12),
    ("B13", None),  # asyncio has no read-write lock
]


def main():
    global SCALE, CURRENT, now_ns
    p = argparse.ArgumentParser(description="asyncio twin of asyncsync-bench")
    p.add_argument("--scenario", "-s")
    p.add_argument("--runs", "-r", type=int, default=1)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall (default) or cpu: the process's CPU time")
    p.add_argument("--json", action="store_true")
    p.add_argument("--skip", action="append", default=[], metavar="METRIC",
                   help="skip a sub-scenario, e.g. B8.lifo.100k (quadratic in asyncio)")
    args = p.parse_args()
    SKIP.update(args.skip)
    if args.clock == "cpu":
        now_ns = time.process_time_ns
    if args.runs < 1 or args.scale <= 0:
        p.error("--runs must be >= 1 and --scale > 0")
    SCALE = args.scale

    names = [s for s, _ in SCENARIOS]
    if args.scenario is not None and args.scenario.upper() not in names:
        p.error("unknown scenario %s" % args.scenario)

    res = Results()
    for _ in range(args.runs):
        for name, func in SCENARIOS:
            if args.scenario is not None and args.scenario.upper() != name:
                continue
            if func is None:
                continue
            CURRENT = name
            asyncio.run(func(res))

    impl = platform.python_implementation()
    out = {
        "impl": "asyncio",
        "version": platform.python_version(),
        "runtime": "%s %s (%s)" % (impl, platform.python_version(), sys.executable),
        "scale": args.scale,
        "runs": args.runs,
        "clock": args.clock,
        "metrics": res.metrics,
    }
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        print()
    else:
        print("%-16s %12s %12s %12s  %s" % ("metric", "median", "min", "max", "unit"))
        for name, m in res.metrics.items():
            s = m["samples"]
            print("%-16s %12.1f %12.1f %12.1f  %s" % (name, statistics.median(s),
                                                     min(s), max(s), m["unit"]))


if __name__ == "__main__":
    main()
