// SPDX-License-Identifier: LGPL-2.1-or-later
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');

const lock = new AsyncSync.Lock();

async function useResource(name) {
    await lock.acquire_async(null);  // throws if cancelled while queued
    try {
        print(`${name} holds the lock`);
        // ... use the shared resource, across as many awaits as needed ...
    } finally {
        // Hands the lock to the next waiter, which resumes later from the
        // main loop, never from inside this call.
        lock.release();
    }
}

const loop = new GLib.MainLoop(null, false);
// Both ask at once; "second" waits until "first" releases.
Promise.all([useResource('first'), useResource('second')]).finally(() => loop.quit());
loop.run();
