# SPDX-License-Identifier: LGPL-2.1-or-later
# recipe-gather.py: recipe-gather.c in Python, through the override:
# asyncio.gather() over fetches that each do
#     async with slots:           # AsyncSync.Semaphore(2)
#         await transfer(...)
#
# Run twice: once to the end, where page 3 is missing and
# gather(return_exceptions=True) returns its error in its place; once
# cancelled after the first page, which cancels every fetch still queued
# for a permit or running.  Exits 0 if the outcomes are those, at most two
# fetches ran at once, and both permits are back.
import asyncio

import gi

gi.require_version("AsyncSync", "1")
from gi.repository import AsyncSync, Gio, GLib  # noqa: E402

PAGE_MS = [10, 300, 20, 20, 20]     # how long each page takes; page 1 is big
MISSING_PAGE = 3
slots = AsyncSync.Semaphore(2)      # two fetches at a time
running = 0
max_running = 0


async def fetch(page):
    global running, max_running
    async with slots:                # cancelled here: nothing taken
        running += 1
        max_running = max(max_running, running)
        try:
            await asyncio.sleep(PAGE_MS[page] / 1000)   # the transfer
            if page == MISSING_PAGE:
                raise GLib.Error.new_literal(Gio.io_error_quark(), f"page {page}: not found",
                                             Gio.IOErrorEnum.NOT_FOUND)
            return f"page {page}"
        finally:
            running -= 1
        # Leaving the block, on every path, cancellation included, gives
        # the permit back.


def outcome(fetch):
    if fetch.cancelled():
        return "cancelled"
    error = fetch.exception()
    if error is None:
        return "ok"
    if isinstance(error, GLib.Error) and error.matches(Gio.io_error_quark(),
                                                       Gio.IOErrorEnum.NOT_FOUND):
        return "not-found"
    return "failed"


async def gather_pages(cancel_after_first):
    fetches = [asyncio.ensure_future(fetch(page)) for page in range(len(PAGE_MS))]
    gathering = asyncio.gather(*fetches, return_exceptions=True)
    if cancel_after_first:
        await asyncio.wait(fetches, return_when=asyncio.FIRST_COMPLETED)
        gathering.cancel()           # cancels every fetch still queued or running
    try:
        await gathering
    except asyncio.CancelledError:
        pass                         # the gather was cancelled: each fetch has ended
    outcomes = " ".join(outcome(f) for f in fetches)
    print(f"{'cancelled' if cancel_after_first else 'to the end'}: {outcomes}")
    return outcomes


async def main():
    return [await gather_pages(False), await gather_pages(True)]


full, cancelled = asyncio.run(main())
print(f"at most {max_running} at once, {slots.get_value()} permits free")
ok = (full == "ok ok ok not-found ok" and cancelled == "ok cancelled cancelled cancelled cancelled"
      and max_running == 2 and slots.get_value() == 2)
raise SystemExit(0 if ok else 1)
