#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A false claim, planted to prove that the claim scripts can fail: the
porting chapter once said that using an asyncio primitive from a second
event loop raises RuntimeError.  It does not, while nobody has to wait
(loop-binding.py backs the true claim).  The test
'asyncio-claims-catch-a-false-claim' passes only if this script fails
with FALSE CLAIM.
"""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from claims import holds, PYTHON  # noqa: E402

lock = asyncio.Lock()


async def use():
    async with lock:
        pass


asyncio.run(use())
try:
    asyncio.run(use())                 # a second loop
    raised = False
except RuntimeError:
    raised = True
holds(raised, 'using an asyncio Lock from another event loop raises RuntimeError')
print('%s: the planted claim held' % PYTHON)
