// SPDX-License-Identifier: LGPL-2.1-or-later
// recipe-downloads.js: recipe-downloads.c in GJS.  Each download reads like
//     async with slots:          # asyncio.Semaphore(3)
//         await transfer()
// with a Gio.Cancellable per download for its Cancel button.
//
// Exits 0 if at most three ran at once, four completed, one was cancelled
// while queued and one while running, and the three permits are back.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');

const MAX_PARALLEL = 3;
const slots = AsyncSync.Semaphore.new(MAX_PARALLEL);
let running = 0, maxRunning = 0;

// A stand-in for a GIO transfer given the cancellable: resolves after ms,
// or rejects with Gio.IOErrorEnum.CANCELLED as soon as it is cancelled.
function transfer(ms, cancellable) {
    return new Promise((resolve, reject) => {
        const source = cancellable.source_new();
        source.set_ready_time(GLib.get_monotonic_time() + ms * 1000);
        source.set_callback(() => {
            if (cancellable.is_cancelled()) {
                reject(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED,
                    'Operation was cancelled'));
            } else {
                resolve();
            }
            return GLib.SOURCE_REMOVE;
        });
        source.attach(null);
    });
}

async function download(index, cancellable) {
    try {
        await slots.acquire_async(cancellable);  // cancelled here: nothing taken
    } catch (e) {
        if (!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
            throw e;
        print(`download ${index}: cancelled while queued`);
        return 'cancelled while queued';
    }
    // We own a permit, even if cancelled since it was handed over: give it
    // back on every path.
    try {
        running++;
        maxRunning = Math.max(maxRunning, running);
        print(`download ${index}: started (${running} running)`);
        await transfer(20 + 10 * index, cancellable);
        print(`download ${index}: done`);
        return 'done';
    } catch (e) {
        if (!e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
            throw e;
        print(`download ${index}: cancelled while running`);
        return 'cancelled while running';
    } finally {
        running--;
        slots.release();                      // the next queued download starts
    }
}

async function scenario() {
    const cancellables = [...Array(6).keys()].map(() => new Gio.Cancellable());
    const outcomes = cancellables.map((c, index) => download(index, c));

    cancellables[5].cancel();                 // still queued
    while (running < MAX_PARALLEL)            // let downloads 0, 1 and 2 start
        await new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT, resolve));
    cancellables[1].cancel();                 // running
    return Promise.all(outcomes);
}

const loop = new GLib.MainLoop(null, false);
let outcomes = [];
scenario().then(o => (outcomes = o)).catch(logError).finally(() => loop.quit());
loop.run();

print(`${outcomes.join(', ')}; at most ${maxRunning} at once, ${slots.get_value()} permits free`);
const ok = outcomes.join('|') ===
    'done|cancelled while running|done|done|done|cancelled while queued' &&
    maxRunning === MAX_PARALLEL && slots.get_value() === MAX_PARALLEL;
System.exit(ok ? 0 : 1);
