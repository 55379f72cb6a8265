// SPDX-License-Identifier: LGPL-2.1-or-later
// A Queue of GObjects (here Gio.File): one producer, two consumers, at most
// two files waiting.  The producer waits for the work with join(), then
// shuts the queue down, which stops the consumers.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

for (const op of ['put', 'get', 'join'])
    Gio._promisify(AsyncSync.Queue.prototype, `${op}_async`, `${op}_finish`);

const queue = AsyncSync.Queue.new(Gio.File.$gtype, 2);  // items must be Gio.File
const files = [1, 2, 3, 4, 5].map(i => Gio.File.new_for_path(`report-${i}.txt`));

// Stands in for real asynchronous work: `steps` main-loop turns.
const work = steps => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    if (--steps > 0)
        return GLib.SOURCE_CONTINUE;
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function produce() {
    for (const file of files) {
        // eslint-disable-next-line no-await-in-loop
        await queue.put_async(file, null);  // waits while two are queued
        print(`producer: put ${file.get_basename()}`);
    }
    await queue.join_async(null);
    print('producer: every file was processed, shutting the queue down');
    queue.shutdown(false);  // waiting and later gets fail with SHUT_DOWN
}

const processed = [];

async function consume() {
    for (;;) {
        let file;
        try {
            // eslint-disable-next-line no-await-in-loop
            file = await queue.get_async(null);
        } catch (e) {
            if (!e.matches(AsyncSync.Error, AsyncSync.Error.SHUT_DOWN))
                throw e;
            return;
        }
        // eslint-disable-next-line no-await-in-loop
        await work(3);  // stands in for the processing
        processed.push(file.get_basename());
        queue.task_done();
    }
}

const loop = new GLib.MainLoop(null, false);
Promise.all([produce(), consume(), consume()])
    .then(() => {
        print('the consumers stopped: the queue is shut down');
        print(`processed, each once: ${processed.sort().join(', ')}`);
    })
    .catch(e => logError(e))
    .finally(() => loop.quit());
loop.run();
