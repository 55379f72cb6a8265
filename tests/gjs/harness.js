// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A tiny test harness for `gjs -m` (no npm): test files register async
// functions with test(), then call run(), which runs them one after the
// other on a GLib.MainLoop and prints TAP for `meson test` (protocol 'tap').
// It also promisifies every _async/_finish pair of the primitives, so that
// tests read `await lock.acquire_async(null)`.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import System from 'system';
import AsyncSync from 'gi://AsyncSync?version=1';

export {AsyncSync, GLib, Gio, GObject, System};

// Each pair keeps its callback form too: with a callback as last argument
// the original method is called.
const PAIRS = {
    Lock: ['acquire'],
    Event: ['wait'],
    Condition: ['acquire', 'wait', 'wait_for'],
    Semaphore: ['acquire', 'acquire_many'],
    Barrier: ['wait'],
    Queue: ['put', 'get', 'join'],
    RWLock: ['read_acquire', 'write_acquire'],
};
for (const [klass, operations] of Object.entries(PAIRS)) {
    for (const op of operations)
        Gio._promisify(AsyncSync[klass].prototype, `${op}_async`, `${op}_finish`);
}

const GUARD_SECONDS = 20;
const tests = [];

export function test(name, fn) {
    tests.push({name, fn});
}

export class AssertionError extends Error {
    get name() {
        return 'AssertionError';
    }
}

export function assert(value, message = 'assertion failed') {
    if (!value)
        throw new AssertionError(message);
}

export function assertEqual(actual, expected, message = '') {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new AssertionError(`${message} expected ${e}, got ${a}`);
}

export function assertThrows(fn, check = () => true, message = 'did not throw') {
    let error = null;
    try {
        fn();
    } catch (e) {
        error = e;
    }
    assert(error !== null, message);
    assert(check(error), `unexpected error: ${error}`);
    return error;
}

export async function assertRejects(promise, check = () => true) {
    let error = null;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    assert(error !== null, 'promise did not reject');
    assert(check(error), `unexpected error: ${error}`);
    return error;
}

// The error checks, with the spelling the docs show.
export const isNotLocked = e => e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED);
export const isValueError = e => e.matches(AsyncSync.Error, AsyncSync.Error.VALUE);
export const isCancelled = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
export const isTimedOut = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT);
export const isWouldBlock = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.WOULD_BLOCK);
export const isInvalidArgument = e => e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.INVALID_ARGUMENT);
export const isBrokenBarrier = e => e.matches(AsyncSync.Error, AsyncSync.Error.BROKEN_BARRIER);
export const isShutDown = e => e.matches(AsyncSync.Error, AsyncSync.Error.SHUT_DOWN);

// Resolves once the main context has nothing of default priority left to
// do: pending completions and notifications have all run.
export function settle() {
    return new Promise(resolve => {
        GLib.idle_add(GLib.PRIORITY_LOW, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

// Lets the main loop run until predicate() is true.
export async function until(predicate, what = 'the condition') {
    for (let i = 0; i < 1000; i++) {
        if (predicate())
            return;
        // eslint-disable-next-line no-await-in-loop
        await settle();
    }
    throw new AssertionError(`gave up waiting for ${what}`);
}

// Resolves once the AsyncSync.Timeout's deadline has passed.
export async function expiry(timeout) {
    const leftMs = Math.max(0, Math.ceil((timeout.get_deadline() - GLib.get_monotonic_time()) / 1000));
    await new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, leftMs + 1, () => {
        if (!timeout.has_expired())
            return GLib.SOURCE_CONTINUE;
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

// Returns a fresh Cancellable, cancelled already.
export function cancelled() {
    const cancellable = new Gio.Cancellable();
    cancellable.cancel();
    return cancellable;
}

// Records notify::prop as the values read in the handler.
export function recordNotify(object, prop) {
    const seen = [];
    object.connect(`notify::${prop}`, (o, pspec) => seen.push(o[pspec.get_name().replace(/-/g, '_')]));
    return seen;
}

// Collects callback-style completions: results.callback(tag) is a
// GAsyncReadyCallback calling the source's `finish` method.
export class Results {
    constructor(finish) {
        this.finish = finish;
        this.items = [];
    }

    callback(tag) {
        return (source, result) => {
            try {
                this.items.push([tag, source[this.finish](result)]);
            } catch (e) {
                this.items.push([tag, e]);
            }
        };
    }

    get tags() {
        return this.items.map(([tag]) => tag);
    }

    get values() {
        return this.items.map(([, value]) => value);
    }
}

// GJS 1.74 has no working WeakRef, so a JS closure's release is observed
// through a GObject it captures: makeToken() returns a GObject and a
// GBinding whose source it is; once the token was finalized (the closure
// that held it collected), binding.dup_source() returns null.
const bindingTarget = new Gio.SimpleAction({name: 'binding-target'});
export function makeToken() {
    const token = new Gio.SimpleAction({name: 'token'});
    const binding = token.bind_property('enabled', bindingTarget, 'enabled',
        GObject.BindingFlags.DEFAULT);
    return [token, binding];
}

export async function isFinalized(binding) {
    for (let i = 0; i < 3; i++) {
        // eslint-disable-next-line no-await-in-loop
        await settle();
        System.gc();
    }
    return binding.dup_source() === null;
}

function withGuard(promise) {
    let id = 0;
    const guard = new Promise((_, reject) => {
        id = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, GUARD_SECONDS, () => {
            id = 0;
            reject(new AssertionError(`timed out after ${GUARD_SECONDS} s`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, guard]).finally(() => {
        if (id !== 0)
            GLib.source_remove(id);
    });
}

export function run() {
    const loop = new GLib.MainLoop(null, false);
    let failures = 0;

    (async () => {
        print(`1..${tests.length}`);
        for (const [i, {name, fn}] of tests.entries()) {
            try {
                // eslint-disable-next-line no-await-in-loop
                await withGuard(fn());
                // eslint-disable-next-line no-await-in-loop
                await settle();
                print(`ok ${i + 1} - ${name}`);
            } catch (e) {
                failures++;
                print(`not ok ${i + 1} - ${name}`);
                for (const line of `${e}\n${e.stack ?? ''}`.trim().split('\n'))
                    print(`# ${line}`);
            }
        }
    })().finally(() => loop.quit());

    loop.run();
    System.exit(failures > 0 ? 1 : 0);
}
