// SPDX-License-Identifier: LGPL-2.1-or-later
// recipe-rw-lock.js: recipe-rw-lock.c in GJS, which reads like tokio:
// `await lock.read_acquire_async(null)` for `lock.read().await`, and a
// release in `finally` where Rust drops the guard.
//
// Exits 0 if a, b, c ran together on version 1, the reload ran alone and
// d, e saw version 2.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.RWLock.prototype, 'read_acquire_async', 'read_acquire_finish');
Gio._promisify(AsyncSync.RWLock.prototype, 'write_acquire_async', 'write_acquire_finish');

const lock = new AsyncSync.RWLock();
const cache = {version: 1};    // guarded by the lock
let reading = 0, maxReading = 0, writing = false, overlap = false;
const seen = [];

// Keeps the lock for a few main-loop turns, as if waiting for I/O.
const hold = turns => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    if (--turns > 0)
        return GLib.SOURCE_CONTINUE;
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function lookup(name) {
    await lock.read_acquire_async(null);        // rejects if cancelled while queued
    try {
        reading++;
        maxReading = Math.max(maxReading, reading);
        overlap ||= writing;
        print(`${name}: reads version ${cache.version} (${lock.get_n_readers()} reading)`);
        await hold(2);
        seen.push(`${name}:${cache.version}`);
        reading--;
    } finally {
        lock.read_release();
    }
}

async function reload() {
    await lock.write_acquire_async(null);
    try {
        writing = true;
        overlap ||= reading > 0;
        print(`reload: writes alone (write-locked: ${lock.is_write_locked() ? 'yes' : 'no'})`);
        await hold(3);
        cache.version++;                         // the new data is in place
        writing = false;
        print(`reload: version ${cache.version} is in`);
    } finally {
        lock.write_release();                    // the readers behind it go on
    }
}

const all = [lookup('a'), lookup('b'), lookup('c'), reload(),
    lookup('d'), lookup('e')];                   // d, e ask after the reload: they wait behind it
print(`${lock.get_n_readers()} reading, ${lock.get_n_waiting()} waiting`);

const loop = new GLib.MainLoop(null, false);
let failure = null;
Promise.all(all).catch(e => (failure = e)).finally(() => loop.quit());
loop.run();

print(`seen: ${seen.join(' ')}`);
const ok = failure === null && seen.join(' ') === 'a:1 b:1 c:1 d:2 e:2' && maxReading === 3 &&
    !overlap && lock.get_n_readers() === 0 && !lock.is_write_locked();
System.exit(ok ? 0 : 1);
