#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a claim script that must fail, and passes only if it failed the way
a false claim fails (exit status 1 and "FALSE CLAIM"), not by crashing.

    expect-false-claim.py PYTHON SCRIPT
"""

import subprocess
import sys

python, script = sys.argv[1:3]
result = subprocess.run([python, script], capture_output=True, text=True, timeout=60)
sys.stdout.write(result.stdout)
sys.stdout.write(result.stderr)
if result.returncode == 1 and 'FALSE CLAIM' in result.stderr:
    print('caught: the planted claim fails, as a false claim must')
    sys.exit(0)
print('NOT caught: %s exited %d without FALSE CLAIM' % (script, result.returncode))
sys.exit(1)
