#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails if a GJS program calls an API that the installed GIRs deprecate.

The C showcase proves the same at build time (-Wdeprecated-declarations
under werror); GJS has no such warning, so this reads the GIR files of the
GTK, GDK, GIO, GLib and GObject this machine has, collects every function,
method and constructor marked deprecated, and looks for calls to them
(`.name(`) in the program.  Where a non-deprecated function of those
namespaces has the same name (CssProvider.load_from_data and
KeyFile.load_from_data), the call is reported when the program names the
deprecated one's class (`Gtk.CssProvider`) and none of the others.  A line with the comment `deprecated-ok` is a deliberate fallback
for older versions and is skipped.  Usage:

    check-no-deprecated.py GIR_DIR PROGRAM.js...
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
NAMESPACES = ['Gtk-4.0', 'Gdk-4.0', 'Gio-2.0', 'GLib-2.0', 'GObject-2.0']
CALLABLES = ('function', 'method', 'constructor')


def read_callables(gir_dir):
    """Returns the number of GIR files read and, for each callable name,
    the list of (class as written in GJS, deprecated-since or None)."""
    owners = {}
    found = 0
    for namespace in NAMESPACES:
        path = os.path.join(gir_dir, namespace + '.gir')
        if not os.path.exists(path):
            continue
        found += 1
        prefix = namespace.split('-')[0]
        root = ET.parse(path).getroot()
        for owner in root.iter():
            js_name = '%s.%s' % (prefix, owner.get('name', ''))
            for kind in CALLABLES:
                for element in owner.findall(CORE + kind):
                    since = None
                    if element.get('deprecated') == '1':
                        since = element.get('deprecated-version', '?')
                    owners.setdefault(element.get('name'), []).append((js_name, since))
    return found, owners


def deprecated_call(name, owners, source):
    """The deprecated callable that `.name(` in @source most likely calls,
    as "Gtk.CssProvider.load_from_data (deprecated since 4.12)", or None."""
    deprecated = [(o, since) for o, since in owners.get(name, []) if since]
    if not deprecated:
        return None
    current = [o for o, since in owners[name] if not since]
    if current:
        named = [(o, since) for o, since in deprecated if re.search(re.escape(o) + r'\b', source)]
        if not named or any(re.search(re.escape(o) + r'\b', source) for o in current):
            return None
        deprecated = named
    owner, since = deprecated[0]
    return '%s.%s (deprecated since %s)' % (owner, name, since)


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1].strip())
        return 2
    found, owners = read_callables(sys.argv[1])
    if found == 0:
        print('no GIR file found in %s' % sys.argv[1])
        return 1

    failures = 0
    for program in sys.argv[2:]:
        with open(program, encoding='utf-8') as f:
            source = f.read()
        for number, line in enumerate(source.splitlines(), 1):
            if 'deprecated-ok' in line:
                continue
            code = line.split('//', 1)[0]
            for name in re.findall(r'\.([a-z_][a-z0-9_]*)\s*\(', code):
                where = deprecated_call(name, owners, source)
                if where:
                    print('%s:%d: %s' % (program, number, where))
                    failures += 1
    n_deprecated = sum(1 for name in owners if any(since for _, since in owners[name]))
    print('%d deprecated calls (%d deprecated names known, from %d GIR files)'
          % (failures, n_deprecated, found))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
