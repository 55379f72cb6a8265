#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio.Condition: a waiter that notify(1) woke, cancelled before it
re-acquired the lock, raises CancelledError, and

- Python 3.11 and 3.12: the notification is lost: the other waiter sleeps
  until notify_all() (or another notify());
- Python 3.13 and later: the notification passes to the other waiter.

(Here a notified waiter succeeds even if cancelled afterwards, on every
version: the notification is never lost.)

Backs: fairness-and-cancellation.xml#fairness-cancellation
Backs: porting-from-asyncio.xml#porting-differences
"""

import asyncio

from claims import holds, run, since, spin


async def main():
    cond = asyncio.Condition()
    woken = []

    async def waiter(name):
        async with cond:
            await cond.wait()
            woken.append(name)

    first = asyncio.create_task(waiter('first'))
    second = asyncio.create_task(waiter('second'))
    await spin()                       # both wait
    async with cond:
        cond.notify(1)                 # wakes 'first' only
    first.cancel()                     # before it re-acquired the lock
    await spin(20)
    holds(first.cancelled(), 'the notified, cancelled waiter raises CancelledError')
    if since(3, 13):
        holds(woken == ['second'],
              'since 3.13 the notification passes to the other waiter (woken: %r)' % woken)
    else:
        holds(woken == [],
              'before 3.13 the notification is lost: the other waiter still sleeps '
              '(woken: %r)' % woken)
        async with cond:
            cond.notify_all()
        await spin()
        holds(woken == ['second'], 'notify_all() wakes the other waiter')
    await second


run(main, 'a notified asyncio.Condition waiter cancelled before it runs %s' %
    ('passes the notification on' if since(3, 13) else 'loses the notification'))
