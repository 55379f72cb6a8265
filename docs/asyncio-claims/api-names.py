#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every asyncio name that the manual's tables give a counterpart for
exists, with the signature and in the Python versions the manual names;
and the asyncio names it says have no counterpart here exist too
(Timeout.reschedule(), PriorityQueue, LifoQueue).

Backs: porting-from-asyncio.xml#porting-lock
Backs: porting-from-asyncio.xml#porting-event
Backs: porting-from-asyncio.xml#porting-condition
Backs: porting-from-asyncio.xml#porting-semaphore
Backs: porting-from-asyncio.xml#porting-barrier
Backs: porting-from-asyncio.xml#porting-queue
Backs: porting-from-asyncio.xml#porting-timeouts
Backs: overview.xml#overview-classes
"""

import asyncio
import inspect

from claims import holds, PYTHON, since

# (module, class or instance, names, the Python version that has them)
NAMES = [
    (asyncio, ['Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Queue',
               'wait_for', 'gather', 'CancelledError', 'QueueFull', 'QueueEmpty',
               'PriorityQueue', 'LifoQueue'], (3, 11)),
    (asyncio, ['Barrier', 'BrokenBarrierError', 'timeout', 'timeout_at', 'Timeout'], (3, 11)),
    (asyncio.Lock, ['acquire', 'release', 'locked'], (3, 11)),
    (asyncio.Event, ['wait', 'set', 'clear', 'is_set'], (3, 11)),
    (asyncio.Condition(), ['acquire', 'release', 'locked', 'wait', 'wait_for', 'notify',
                         'notify_all'], (3, 11)),
    (asyncio.Semaphore, ['acquire', 'release', 'locked'], (3, 11)),
    (asyncio.Queue, ['maxsize', 'qsize', 'empty', 'full', 'put', 'get', 'put_nowait',
                     'get_nowait', 'task_done', 'join'], (3, 11)),
    (asyncio.Queue, ['shutdown'], (3, 13)),
    (asyncio, ['QueueShutDown'], (3, 13)),
    (asyncio.Timeout, ['when', 'expired', 'reschedule'], (3, 11)),
]


def main():
    for owner, names, version in NAMES:
        owner_name = getattr(owner, '__name__', type(owner).__name__)
        for name in names:
            present = hasattr(owner, name)
            if since(*version):
                holds(present, '%s.%s exists' % (owner_name, name))
            else:
                holds(not present, '%s.%s is new in %d.%d' % ((owner_name, name) + version))

    barrier = asyncio.Barrier(3)
    holds((barrier.parties, barrier.n_waiting, barrier.broken) == (3, 0, False),
          'Barrier has the properties parties, n_waiting and broken')
    holds(inspect.signature(asyncio.Condition.notify).parameters['n'].default == 1,
          'Condition.notify(n=1)')
    holds('lock' in inspect.signature(asyncio.Condition).parameters,
          'asyncio.Condition(lock=None) takes the lock to use')
    holds(asyncio.Queue(maxsize=16).maxsize == 16, 'asyncio.Queue(maxsize=16)')
    if since(3, 13):
        holds(inspect.signature(asyncio.Queue.shutdown).parameters['immediate'].default is False,
              'Queue.shutdown(immediate=False)')
    print('%s: the asyncio names of the manual exist where it says' % PYTHON)


main()
