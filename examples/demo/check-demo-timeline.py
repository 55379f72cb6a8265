#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run `asyncsync-demo --fast` and check that its timeline tells each
scenario right: the order of events the library guarantees, not timings.

Usage: check-demo-timeline.py path/to/asyncsync-demo
"""

import re
import subprocess
import sys

LINE = re.compile(r"^\[\s*(\d+) ms\] (\S+)\s+(.*)$")


def fail(message, timeline=None):
    if timeline is not None:
        sys.stderr.write(timeline)
    sys.exit(f"FAIL: {message}")


def parse(output):
    """[(ms, tag, text)], every line must carry the elapsed time."""
    events = []
    for line in output.splitlines():
        match = LINE.match(line)
        if match is None:
            fail(f"line without elapsed milliseconds: {line!r}")
        events.append((int(match[1]), match[2], match[3]))
    times = [ms for ms, _, _ in events]
    if times != sorted(times):
        fail("elapsed milliseconds go backwards")
    return events


def texts(events, tag):
    return [text for _, t, text in events if t == tag]


def index_of(lines, needle, what):
    for i, text in enumerate(lines):
        if needle in text:
            return i
    fail(f"{what}: no line containing {needle!r}")


def check_lock(lines):
    """Tasks get the lock in the order they asked, one at a time."""
    holders = []
    holder = None
    for text in lines:
        if m := re.match(r"task (\d+) acquired the lock \((\d+) using", text):
            if holder is not None:
                fail(f"lock: task {m[1]} acquired the lock while task {holder} held it")
            if m[2] != "1":
                fail(f"lock: {m[2]} tasks used the resource at once")
            holder = m[1]
            holders.append(int(m[1]))
        elif m := re.match(r"task (\d+) releases the lock", text):
            if holder != m[1]:
                fail(f"lock: task {m[1]} released a lock it did not hold")
            holder = None
    if holders != sorted(holders) or len(holders) < 2:
        fail(f"lock: grant order {holders}, expected FIFO order of several tasks")
    return f"{len(holders)} tasks held the lock one at a time, in FIFO order"


def check_event(lines):
    """Every waiter wakes after the set; set() runs no callback itself."""
    signalling = index_of(lines, "Signalling the event", "event")
    signalled = index_of(lines, "Event signalled", "event")
    waiting = [i for i, t in enumerate(lines) if t.endswith(": Waiting")]
    received = [i for i, t in enumerate(lines) if t.endswith(": Received event")]
    if len(waiting) != 5 or len(received) != 5:
        fail(f"event: {len(waiting)} Waiting and {len(received)} Received event, expected 5 each")
    if max(waiting) > signalling:
        fail("event: a task started waiting after the event was set")
    if min(received) < signalled:
        fail("event: a waiter's callback ran inside async_sync_event_set()")
    return "5 Received event after Signalling the event and Event signalled"


def check_condition(lines):
    """notify_all() wakes all five waiters, each after the notification."""
    notifying = index_of(lines, "Notifying the waiters", "condition")
    if "(5 waiting)" not in lines[notifying]:
        fail(f"condition: expected 5 waiters at notify_all: {lines[notifying]!r}")
    successful = [i for i, t in enumerate(lines) if t.endswith(": Condition successful")]
    if len(successful) != 5 or min(successful) < notifying:
        fail("condition: expected 5 Condition successful after Notifying the waiters")
    return "5 Condition successful after Notifying the waiters"


def check_semaphore(lines):
    """Never more than the semaphore's value run at once; all tasks run."""
    header = index_of(lines, "Semaphore of value", "semaphore")
    m = re.search(r"Semaphore of value (\d+) shared by (\d+) tasks", lines[header])
    if m is None:
        fail(f"semaphore: cannot read value and tasks from {lines[header]!r}")
    value, n_tasks = int(m[1]), int(m[2])
    running = [int(m[1]) for t in lines if (m := re.search(r"runs \((\d+) running\)", t))]
    if len(running) != n_tasks:
        fail(f"semaphore: {len(running)} of {n_tasks} tasks ran")
    if max(running) != value:
        fail(f"semaphore: at most {max(running)} tasks ran at once, expected exactly {value}")
    return f"{n_tasks} tasks ran, max concurrency {max(running)} == {value}"


def check_bounded(lines):
    """The extra release fails with ASYNC_SYNC_ERROR_VALUE, value unchanged."""
    error = index_of(lines, "released again: ASYNC_SYNC_ERROR_VALUE: ", "bounded")
    if not lines[error].split("ASYNC_SYNC_ERROR_VALUE: ", 1)[1].strip():
        fail("bounded: the GError message is empty")
    still = index_of(lines, "value still 1", "bounded")
    if still < error:
        fail("bounded: value reported before the failed release")
    return "the extra release reported ASYNC_SYNC_ERROR_VALUE, value unchanged"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    result = subprocess.run([sys.argv[1], "--fast"], capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        fail(f"asyncsync-demo exited with {result.returncode}: {result.stderr}",
             result.stdout)
    events = parse(result.stdout)
    tags = []
    for _, tag, _ in events:
        if tag not in tags:
            tags.append(tag)
    if tags != ["lock", "event", "condition", "semaphore", "bounded"]:
        fail(f"scenarios {tags} are not the five, in order", result.stdout)

    for tag, check in [("lock", check_lock), ("event", check_event),
                       ("condition", check_condition),
                       ("semaphore", check_semaphore),
                       ("bounded", check_bounded)]:
        try:
            print(f"ok: {tag}: {check(texts(events, tag))}")
        except SystemExit:
            sys.stderr.write(result.stdout)
            raise


if __name__ == "__main__":
    main()
