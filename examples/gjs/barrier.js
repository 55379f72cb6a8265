// SPDX-License-Identifier: LGPL-2.1-or-later
// A Barrier: three workers meet after each phase of their work; the party
// that gets the last index reports the phase.  In phase 3 one worker fails
// and aborts the barrier, so the others stop instead of waiting forever.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

// wait_finish returns [ok, index]; the promise resolves to [index].
Gio._promisify(AsyncSync.Barrier.prototype, 'wait_async', 'wait_finish');

const barrier = AsyncSync.Barrier.new(3);
// Main-loop turns each worker's work takes, per phase.
const STEPS = {1: [1, 2, 3], 2: [3, 1, 2], 3: [1, 3, 2]};

// Stands in for real asynchronous work: `steps` main-loop turns.
const work = steps => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    if (--steps > 0)
        return GLib.SOURCE_CONTINUE;
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function worker(id) {
    for (let phase = 1; ; phase++) {
        // eslint-disable-next-line no-await-in-loop
        await work(STEPS[phase][id]);
        if (phase === 3 && id === 1) {
            print(`worker ${id}: phase ${phase} failed, aborts the barrier`);
            barrier.abort();  // the others fail with BROKEN_BARRIER
            return;
        }
        print(`worker ${id}: phase ${phase} done, waits ` +
              `(${barrier.get_n_waiting() + 1} of ${barrier.get_parties()})`);
        let index;
        try {
            // eslint-disable-next-line no-await-in-loop
            [index] = await barrier.wait_async(null);
        } catch (e) {
            print(`worker ${id}: ${e.message}`);
            return;
        }
        const last = index === barrier.get_parties() - 1;
        print(`worker ${id}: passes with index ${index}${last ? `, reports: phase ${phase} complete` : ''}`);
    }
}

const loop = new GLib.MainLoop(null, false);
Promise.all([0, 1, 2].map(worker)).finally(() => {
    if (barrier.is_broken())
        print('the barrier stays broken until reset()');
    loop.quit();
});
loop.run();
