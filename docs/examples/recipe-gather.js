// SPDX-License-Identifier: LGPL-2.1-or-later
// recipe-gather.js: recipe-gather.c in GJS.  Promise.allSettled() is
// asyncio.gather(*fetches, return_exceptions=True); Promise.all() is
// gather() without it (the first failure rejects, the others run on).
// One Gio.Cancellable shared by every fetch cancels them all.
//
// Exits 0 if the run to the end reports page 3 missing, the cancelled run
// cancels the fetches still queued or running, at most two fetches ran at
// once, and both permits are back.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');

const N_PAGES = 5, MISSING_PAGE = 3;
const slots = AsyncSync.Semaphore.new(2);       // two fetches at a time
let running = 0, maxRunning = 0;

// The stand-in for a GIO transfer of recipe-downloads.js.
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

async function fetch(page, cancellable) {
    await slots.acquire_async(cancellable);     // cancelled here: nothing taken
    try {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await transfer(10, cancellable);
        if (page === MISSING_PAGE)
            throw new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND, `page ${page}: not found`);
        return `page ${page}`;
    } finally {
        running--;
        slots.release();
    }
}

function outcome(settled) {
    if (settled.status === 'fulfilled')
        return 'ok';
    if (settled.reason.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
        return 'cancelled';
    if (settled.reason.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND))
        return 'not-found';
    return 'failed';
}

const nextIteration = () => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT, resolve));

async function gather(cancelAfterFirst) {
    const cancellable = new Gio.Cancellable();
    const fetches = [...Array(N_PAGES).keys()].map(page => fetch(page, cancellable));
    if (cancelAfterFirst) {
        while (running === 0)                   // pages 0 and 1 take the two permits
            await nextIteration();
        while (running === 2)                   // the first transfers end
            await nextIteration();
        cancellable.cancel();
    }
    const outcomes = (await Promise.allSettled(fetches)).map(outcome).join(' ');
    print(`${cancelAfterFirst ? 'cancelled' : 'to the end'}: ${outcomes}`);
    return outcomes;
}

async function scenario() {
    return [await gather(false), await gather(true)];
}

const loop = new GLib.MainLoop(null, false);
let results = [];
scenario().then(r => (results = r)).catch(logError).finally(() => loop.quit());
loop.run();

print(`at most ${maxRunning} at once, ${slots.get_value()} permits free`);
const [full, cancelled] = results;
const ok = full === 'ok ok ok not-found ok' &&
    cancelled !== undefined && cancelled.startsWith('ok ') &&
    cancelled.endsWith('cancelled cancelled cancelled') &&
    maxRunning === 2 && slots.get_value() === 2;
System.exit(ok ? 0 : 1);
