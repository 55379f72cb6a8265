#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ties the asyncio-claims scripts to the manual, both ways:

- every script names, in "Backs: CHAPTER.xml#ID" lines, at least one
  place of the manual that makes its claim, and each place exists (a
  chapter with that id), so a claim cannot outlive the text it backs
  unnoticed;
- every "<!-- asyncio claim: NAME.py -->" marker that a chapter puts
  beside a claim names an existing script.

    check-claims-cited.py CLAIMS_DIR CHAPTERS_DIR
"""

import os
import re
import sys

BACKS = re.compile(r'^Backs: (?P<file>[\w.-]+\.xml)#(?P<id>[\w.-]+)$', re.M)
MARKER = re.compile(r'<!-- asyncio claim: (?P<script>[\w.-]+\.py) -->')


def main():
    claims_dir, chapters_dir = sys.argv[1:3]
    problems = []
    scripts = sorted(n for n in os.listdir(claims_dir)
                     if n.endswith('.py') and n not in ('claims.py', os.path.basename(__file__)))
    chapters = {}
    for name in os.listdir(chapters_dir):
        if name.endswith('.xml'):
            with open(os.path.join(chapters_dir, name), encoding='utf-8') as f:
                chapters[name] = f.read()

    n_places = 0
    for script in scripts:
        with open(os.path.join(claims_dir, script), encoding='utf-8') as f:
            places = list(BACKS.finditer(f.read()))
        if not places:
            problems.append('%s: no "Backs: CHAPTER.xml#ID" line' % script)
        for place in places:
            n_places += 1
            text = chapters.get(place['file'])
            if text is None:
                problems.append('%s: backs %s, which is not a chapter' % (script, place['file']))
            elif 'id="%s"' % place['id'] not in text:
                problems.append('%s: backs %s#%s, which has no such id'
                                % (script, place['file'], place['id']))

    n_markers = 0
    for name, text in sorted(chapters.items()):
        for marker in MARKER.finditer(text):
            n_markers += 1
            if marker['script'] not in scripts:
                problems.append('%s: marks a claim of %s, which does not exist'
                                % (name, marker['script']))

    for problem in problems:
        print(problem)
    print('%d claim scripts backing %d places; %d claim markers in the chapters; %d problems'
          % (len(scripts), n_places, n_markers, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
