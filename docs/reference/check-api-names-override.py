#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the Python column of the "C, Python and JavaScript names"
chapter against the PyGObject override, both ways, so that neither can
drift from the other:

- every name that a Python spelling of api-names-overrides.txt writes on
  an object (`lock.locked()`, `rw_lock.reader.release()`,
  `barrier.n_waiting`) or a class (`AsyncSync.Semaphore(value=1)`)
  exists once the override is loaded; an awaited one
  (`await lock.acquire()`) is the override's own, not GI's blocking
  call; `async with x:` needs an x with __aenter__;
- every public name that the override adds to a class, and `async with`
  where it adds __aenter__, appears in the Python column of that class's
  table in the generated chapter.

Run with the Python that has PyGObject, the override on PYTHONPATH and
the typelib on GI_TYPELIB_PATH:

    check-api-names-override.py OVERRIDES_FILE API_NAMES_XML
"""

import html
import re
import sys

import gi

gi.require_version('AsyncSync', '1')
from gi.repository import AsyncSync  # noqa: E402

OVERRIDE_MODULE = 'gi.overrides.AsyncSync'


def snake(name):
    return re.sub(r'(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_', name).lower()


CLASSES = {snake(name): getattr(AsyncSync, name) for name in
           ('Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Barrier',
            'Queue', 'RWLock', 'Timeout')}


def instance(receiver):
    cls = CLASSES[receiver]
    if cls is AsyncSync.Timeout:
        return cls.new(60_000)
    return cls()


def added_by_override(obj, name):
    """Whether @name of @obj is defined by a class of the override (not
    inherited from GI's generated wrapper)."""
    for klass in type(obj).__mro__:
        if name in vars(klass):
            return klass.__module__ == OVERRIDE_MODULE
    return False


def override_names(obj):
    """The public names that the override's classes give @obj, and
    "async with" when they give it __aenter__."""
    names = set()
    for klass in type(obj).__mro__:
        if klass.__module__ != OVERRIDE_MODULE:
            continue
        for name in vars(klass):
            if name == '__aenter__':
                names.add('async with')
            elif not name.startswith('_'):
                names.add(name)
    return names


def read_python_spellings(path):
    spellings = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#') or line.startswith('js '):
                continue
            key, _, spelling = line.partition(': ')
            spellings.append(('%s:%d' % (path, number), key.removeprefix('python '), spelling))
    return spellings


USE = re.compile(r'(?P<how>await |async with )?\b(?P<receiver>%s)(?P<chain>(?:\.\w+)+)?'
                 % '|'.join(sorted(CLASSES, key=len, reverse=True)))
CONSTRUCTOR = re.compile(r'\bAsyncSync\.(?P<cls>\w+)(?P<chain>(?:\.\w+)*)\(')


def check_spelling(where, spelling, problems):
    for m in CONSTRUCTOR.finditer(spelling):
        target = getattr(AsyncSync, m['cls'], None)
        for attr in filter(None, m['chain'].split('.')):
            target = getattr(target, attr, None)
        if not callable(target):
            problems.append('%s: %s is not in AsyncSync' % (where, m[0]))
    for m in USE.finditer(spelling):
        if spelling[max(0, m.start('receiver') - 1)] in '._' and m.start('receiver') > 0:
            continue                                  # part of another name
        obj = instance(m['receiver'])
        chain = [a for a in (m['chain'] or '').split('.') if a]
        if chain[:1] == ['props']:
            if not hasattr(obj.props, chain[1]):
                problems.append('%s: %s has no property %s' % (where, m['receiver'], chain[1]))
            continue
        holder = obj
        for attr in chain:
            if not hasattr(holder, attr):
                problems.append('%s: %s has no %r' % (where, m[0].strip(), attr))
                break
            last_holder, holder = holder, getattr(holder, attr)
        else:
            if m['how'] == 'async with ' and not hasattr(holder, '__aenter__'):
                problems.append('%s: %s cannot be used in async with' % (where, m[0]))
            if m['how'] == 'await ' and not added_by_override(last_holder, chain[-1]):
                problems.append('%s: %s awaits GI\'s own %s, not the override\'s'
                                % (where, m[0], chain[-1]))


def python_cells_by_class(xml_path):
    """{receiver: the text of the Python cells of its table}."""
    text = open(xml_path, encoding='utf-8').read()
    cells = {}
    for section in re.finditer(r'<simplesect id="api-names-(?P<id>[\w-]+)">(?P<body>.*?)</simplesect>',
                               text, re.S):
        receiver = section['id'].replace('-', '_')
        if receiver not in CLASSES:
            continue
        rows = re.findall(r'<row><entry>.*?</entry><entry><literal>(.*?)</literal></entry>',
                          section['body'])
        cells[receiver] = '\n'.join(html.unescape(r) for r in rows)
    return cells


def check_coverage(cells, problems):
    for receiver in CLASSES:
        obj = instance(receiver)
        text = cells.get(receiver)
        if text is None:
            problems.append('api-names: no table for %s' % receiver)
            continue
        # A subclass's table lists only its own calls: the parent's names
        # are checked on the parent's table.
        own = override_names(obj)
        for parent in type(obj).__mro__[1:]:
            parent_receiver = snake(parent.__name__)
            if parent_receiver in CLASSES and parent_receiver != receiver:
                own -= override_names(instance(parent_receiver))
        for name in sorted(own):
            if name == 'async with':
                found = re.search(r'async with %s\s*:' % receiver, text)
            else:
                found = re.search(r'\b%s\.%s\b' % (receiver, name), text)
            if not found:
                problems.append('api-names: the override gives %s %r, which the Python '
                                'column of its table never shows' % (receiver, name))
        # The sides of an RWLock are objects of the override too: a name
        # shown on either side stands for both.
        if receiver == 'rw_lock':
            for name in sorted(override_names(obj.reader) | override_names(obj.writer)):
                pattern = (r'async with rw_lock\.(reader|writer)\s*:' if name == 'async with'
                           else r'\brw_lock\.(reader|writer)\.%s\b' % name)
                if not re.search(pattern, text):
                    problems.append('api-names: the sides of rw_lock have %r, which the '
                                    'Python column never shows' % name)


def main():
    overrides_path, xml_path = sys.argv[1:3]
    problems = []
    spellings = read_python_spellings(overrides_path)
    for where, _, spelling in spellings:
        check_spelling(where, spelling, problems)
    check_coverage(python_cells_by_class(xml_path), problems)
    for problem in problems:
        print(problem)
    print('%d Python spellings checked against the override: %d problems'
          % (len(spellings), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
