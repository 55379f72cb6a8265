// SPDX-License-Identifier: LGPL-2.1-or-later
// A BoundedSemaphore refuses to be released more often than acquired.
import GLib from 'gi://GLib';
import AsyncSync from 'gi://AsyncSync?version=1';

const sem = AsyncSync.BoundedSemaphore.new(2);
print(`value ${sem.value}, bound ${sem.get_bound()}`);

sem.try_acquire();
print(`acquired: value ${sem.value}`);
sem.release();
print(`released: value ${sem.value}`);

try {
    sem.release();  // one release too many
} catch (e) {
    // asyncio raises ValueError; here a GLib.Error of the AsyncSync domain.
    if (e instanceof GLib.Error && e.matches(AsyncSync.Error, AsyncSync.Error.VALUE))
        print(`released again: AsyncSync.Error.VALUE: ${e.message}`);
}
print(`value ${sem.value}: unchanged`);
