// SPDX-License-Identifier: LGPL-2.1-or-later
// recipe-timeout.js: recipe-timeout.c in GJS.  The request reads like
//     async with asyncio.timeout(ms / 1000):
//         async with connection: await reply.wait()
// with one AsyncSync.Timeout passed to both awaits.
//
// Exits 0 if A times out in step 1, B in step 2, C gets its reply, and
// the connection ends free.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');
Gio._promisify(AsyncSync.Event.prototype, 'wait_async', 'wait_finish');

const connection = AsyncSync.Semaphore.new(1);
const reply = new AsyncSync.Event();

async function attempt(name, timeoutMs) {
    const deadline = AsyncSync.Timeout.new(timeoutMs);
    print(`${name}: asks, with a deadline in ${timeoutMs} ms`);
    let step = 'step 1 (the connection)';
    try {
        await connection.acquire_async(deadline);   // timed out: nothing taken
        try {
            print(`${name}: has the connection, waits for the reply`);
            step = 'step 2 (the reply)';
            await reply.wait_async(deadline);       // the same deadline: the time left
        } finally {
            connection.release();
        }
        return 'reply received';
    } catch (e) {
        if (e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT))
            return `timed out in ${step}`;
        return `failed in ${step}: ${e.message}`;
    }
}

async function request(name, timeoutMs) {
    const outcome = await attempt(name, timeoutMs);
    print(`${name}: ${outcome}`);
    return outcome;
}

function endTransfer() {
    print('transfer: gives the connection back');
    connection.release();
    return GLib.SOURCE_REMOVE;
}

async function scenario() {
    const outcomes = [];
    connection.try_acquire();                   // a long transfer holds the connection
    outcomes.push(await request('A', 30));
    endTransfer();

    outcomes.push(await request('B', 30));      // free connection, silent server

    connection.try_acquire();                   // a short transfer, then the server answers
    GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, endTransfer);
    GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
        print('server: replies');
        reply.set();
        return GLib.SOURCE_REMOVE;
    });
    outcomes.push(await request('C', 10000));
    return outcomes;
}

const loop = new GLib.MainLoop(null, false);
let outcomes = [];
scenario().then(o => (outcomes = o)).catch(logError).finally(() => loop.quit());
loop.run();

const ok = outcomes.join('|') ===
    'timed out in step 1 (the connection)|timed out in step 2 (the reply)|reply received' &&
    connection.get_value() === 1;
System.exit(ok ? 0 : 1);
