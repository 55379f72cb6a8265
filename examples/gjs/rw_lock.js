// SPDX-License-Identifier: LGPL-2.1-or-later
// An RWLock guarding a configuration, as tokio's RwLock: readers share it,
// a writer has it alone.  The lock is fair and write-preferring: a reader
// that asks after a waiting writer waits behind it.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.RWLock.prototype, 'read_acquire_async', 'read_acquire_finish');
Gio._promisify(AsyncSync.RWLock.prototype, 'write_acquire_async', 'write_acquire_finish');

const lock = new AsyncSync.RWLock();
const config = {version: 1};

// Stands in for real asynchronous work: `steps` main-loop turns.
const work = steps => new Promise(resolve => GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
    if (--steps > 0)
        return GLib.SOURCE_CONTINUE;
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function read(name, steps) {
    print(`${name}: asks to read (${lock.get_n_readers()} reading, ${lock.get_n_waiting()} waiting)`);
    // At once if it is free, or only read (as Python's `async with
    // lock.reader`); else wait, which throws if cancelled while queued.
    if (!lock.try_read_acquire())
        await lock.read_acquire_async(null);
    try {
        print(`${name}: reads version ${config.version} (${lock.get_n_readers()} reading)`);
        await work(steps);
    } finally {
        lock.read_release();
    }
    print(`${name}: done`);
}

async function write(name, steps) {
    print(`${name}: asks to write (${lock.get_n_readers()} reading)`);
    if (!lock.try_write_acquire())
        await lock.write_acquire_async(null);
    try {
        config.version++;
        print(`${name}: writes version ${config.version} (write-locked: ${lock.is_write_locked() ? 'yes' : 'no'})`);
        await work(steps);
    } finally {
        lock.write_release();  // the readers queued behind it go on together
    }
    print(`${name}: done`);
}

const loop = new GLib.MainLoop(null, false);
Promise.all([
    read('reader 1', 1),
    read('reader 2', 2),
    write('writer', 1),
    read('reader 3', 1),  // behind the writer, although readers hold the lock
]).catch(e => logError(e)).finally(() => loop.quit());
loop.run();
