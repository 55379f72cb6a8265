#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the manual's "C, Python and JavaScript names" chapter from the
library's GIR file, so that it lists every introspectable call, and
cannot drift from the API:

- per class, a table: the C function, and how Python (PyGObject) and
  JavaScript (GJS) spell the same call, properties included;
- an index by the name after the class prefix (acquire_async: Condition,
  Lock, Semaphore), for a reader who knows the method and not the C name.

The spellings follow the bindings' rules, applied to the GIR: instance
methods are called on an object, user data, destroy notifies and GError
arguments disappear, out arguments come back after the return value
(Python: a tuple; GJS: an array), and an _async method is awaited in GJS
once Gio._promisify() has wrapped it.  GJS's property accessor hides a
method of the same name (Event.is_set): the JS column says so.

Where a binding offers something better than the generic rule (the
Python override's asyncio spellings), OVERRIDES_FILE gives it, one line
per C symbol (check-api-names-override.py checks the Python ones against
the override):

    async_sync_semaphore_new: AsyncSync.Semaphore(3)

with "python" or "js" before the symbol to pick the column (python when
absent), e.g. "js async_sync_lock_acquire_async: await lock.acquire_async(c)".
Lines starting with # are comments.  Usage:

    api-names.py GIR OUT.xml [--overrides OVERRIDES_FILE]
    api-names.py --no-gir OUT.xml      (built without introspection)
"""

import argparse
import html
import re
import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
C = '{http://www.gtk.org/introspection/c/1.0}'
GLIB = '{http://www.gtk.org/introspection/glib/1.0}'


def e(text):
    return html.escape(text, quote=False)


def snake(name):
    """RWLock -> rw_lock, BoundedSemaphore -> bounded_semaphore."""
    return re.sub(r'(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_', name).lower()


def camel(name):
    head, *rest = name.split('_')
    return head + ''.join(part.title() for part in rest)


def linkend(c_symbol):
    """gtk-doc's id for a C function or constant."""
    return c_symbol.replace('_', '-')


class Call:
    """One function of the GIR, with what the bindings make of it."""

    def __init__(self, element, namespace, owner=None):
        self.kind = element.tag[len(CORE):]           # method, constructor, function
        self.name = element.get('name')
        self.c_symbol = element.get(C + 'identifier')
        self.owner = owner
        self.namespace = namespace
        self.throws = element.get('throws') == '1'
        params = element.find(CORE + 'parameters')
        self.params = [] if params is None else params.findall(CORE + 'parameter')
        hidden = set()
        for p in self.params:
            for attr in ('closure', 'destroy'):
                if p.get(attr) is not None and p.get('scope') is not None:
                    hidden.add(int(p.get(attr)))
        self.inputs = [p.get('name') for i, p in enumerate(self.params)
                       if i not in hidden and p.get('direction', 'in') == 'in']
        self.outputs = [p.get('name') for p in self.params if p.get('direction') == 'out']
        ret = element.find(CORE + 'return-value/' + CORE + 'type')
        # A gboolean that only says "no GError" is not worth naming.
        self.returns = ret is not None and ret.get('name') != 'none' and not (
            self.throws and ret.get('name') == 'gboolean' and not self.outputs)
        self.is_async = self.name.endswith('_async')
        self.finish = None          # for an _async method: its _finish

    def receiver(self):
        return snake(self.owner)

    def results(self, js):
        """What out arguments turn into: a tuple in Python, an array in
        GJS, after the return value."""
        if not self.outputs:
            return ''
        names = (['ok'] if self.returns else []) + self.outputs
        return ('const [%s] = ' if js else '%s = ') % ', '.join(names)

    def python(self):
        args = ', '.join(self.inputs)
        if self.kind == 'method':
            target = self.receiver()
        elif self.kind == 'constructor':
            target = '%s.%s' % (self.namespace, self.owner)
            if self.name == 'new':
                # Without arguments, the class itself constructs too.
                return '%s() or %s.new()' % (target, target) if not args else \
                    '%s.new(%s)' % (target, args)
        else:
            target = self.namespace if self.owner is None else '%s.%s' % (self.namespace, self.owner)
        return '%s%s.%s(%s)' % (self.results(False), target, self.name, args)

    def javascript(self, hidden_by_property):
        if self.kind == 'method' and self.name in hidden_by_property:
            return '%s.%s (the property: it hides the method)' % (
                camel(self.receiver()), self.name)
        if self.is_async and self.kind == 'method':
            inputs = [a for a in self.inputs if a != 'callback']
            results = ''
            if self.finish is not None and self.finish.outputs:
                # Gio._promisify() drops the leading TRUE of [ok, out...].
                results = 'const [%s] = ' % ', '.join(self.finish.outputs)
            return '%sawait %s.%s(%s)' % (results, camel(self.receiver()), self.name,
                                          ', '.join(inputs))
        args = ', '.join(self.inputs)
        if self.kind == 'method':
            target = camel(self.receiver())
        elif self.kind == 'constructor':
            target = '%s.%s' % (self.namespace, self.owner)
            if self.name == 'new':
                return 'new %s()' % target if not args else '%s.new(%s)' % (target, args)
        else:
            target = self.namespace if self.owner is None else '%s.%s' % (self.namespace, self.owner)
        return '%s%s.%s(%s)' % (self.results(True), target, self.name, args)


def read_overrides(path):
    overrides = {'python': {}, 'js': {}}
    if not path:
        return overrides
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, sep, spelling = line.partition(': ')
            column, _, symbol = key.rpartition(' ')
            column = column or 'python'
            if not sep or column not in overrides or not symbol.startswith('async_sync_'):
                raise SystemExit('%s:%d: expected "[python|js] C_SYMBOL: spelling"' % (path, number))
            overrides[column][symbol] = spelling
    return overrides


def override_aliases(spelling, receiver):
    """The method and attribute names that a Python spelling calls on
    @receiver (lock.locked() -> locked; rw_lock.reader.release() ->
    reader.release), properties aside."""
    names = set()
    for m in re.finditer(r'\b%s((?:\.\w+)+)' % re.escape(receiver), spelling):
        chain = m.group(1).lstrip('.')
        if not chain.startswith('props.'):
            names.add(chain)
    return names


def table(rows):
    """A three-column DocBook table; rows are (c_cell, python, js) markup."""
    out = ['    <informaltable>', '      <tgroup cols="3">',
           '        <thead><row><entry>C</entry><entry>Python (PyGObject, with the override)</entry>'
           '<entry>JavaScript (GJS)</entry></row></thead>', '        <tbody>']
    for c_cell, python, js in rows:
        out.append('          <row><entry>%s</entry><entry><literal>%s</literal></entry>'
                   '<entry><literal>%s</literal></entry></row>' % (c_cell, e(python), e(js)))
    out += ['        </tbody>', '      </tgroup>', '    </informaltable>']
    return out


def chapter(gir, overrides):
    root = ET.parse(gir).getroot()
    namespace = root.find(CORE + 'namespace')
    ns = namespace.get('name')
    out = ['<?xml version="1.0"?>',
           '<!-- SPDX-License-Identifier: LGPL-2.1-or-later -->',
           '<!-- Generated by docs/reference/api-names.py from %s; do not edit. -->'
           % e(gir.split('/')[-1]),
           '<!DOCTYPE chapter PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN"',
           '               "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">',
           '<chapter id="api-names">',
           '  <title>C, Python and JavaScript names</title>',
           '  <para>',
           '    Every call of the API reference, as C, Python (PyGObject) and',
           '    JavaScript (GJS) spell it, made from the introspection data of',
           '    this build.  <literal>cancellable</literal> is a',
           '    <literal>Gio.Cancellable</literal> or',
           '    <literal>None</literal>/<literal>null</literal>.  The Python',
           '    column gives the spelling of the override installed with the',
           '    library first (asyncio\'s names: <literal>async with lock:</literal>,',
           '    <literal>await lock.acquire()</literal>, on a thread that runs an',
           '    asyncio event loop; <xref linkend="python-asyncio"/>), then GI\'s',
           '    own, which the override keeps: an <literal>_async</literal> call',
           '    with a callback <literal>callback(source, result, *user_data)</literal>',
           '    that calls the matching <literal>_finish</literal>.  In GJS, once',
           '    <literal>Gio._promisify(AsyncSync.Lock.prototype,',
           "    'acquire_async', 'acquire_finish')</literal> has wrapped the pair,",
           '    <literal>await</literal> does both.  Errors are',
           '    <literal>GLib.Error</literal> exceptions.  Look a method up by the',
           '    name after the class prefix in',
           '    <link linkend="api-names-index">the index by name</link>.',
           '  </para>']
    by_name = {}
    for cls in namespace.findall(CORE + 'class'):
        owner = cls.get('name')
        c_type = cls.get(C + 'type')
        props = [p.get('name') for p in cls.findall(CORE + 'property')]
        hidden = {p.replace('-', '_') for p in props}
        calls = [Call(el, ns, owner) for tag in ('constructor', 'method', 'function')
                 for el in cls.findall(CORE + tag) if el.get('introspectable') != '0']
        finishers = {call.name: call for call in calls}
        for call in calls:
            if call.is_async:
                call.finish = finishers.get(call.name[:-len('_async')] + '_finish')
        rows = []
        for call in calls:
            c_cell = '<link linkend="%s"><function>%s()</function></link>' % (
                linkend(call.c_symbol), e(call.c_symbol))
            python = overrides['python'].get(call.c_symbol, call.python())
            js = overrides['js'].get(call.c_symbol, call.javascript(hidden))
            rows.append((c_cell, python, js))
            short = call.c_symbol[len('async_sync_' + snake(owner) + '_'):] \
                if call.kind != 'constructor' else call.name
            by_name.setdefault(short, []).append((owner, call.c_symbol, owner))
            # The override's own names for the call (locked, qsize,
            # put_nowait, ...), so that a Python reader finds them too;
            # await lock.acquire() is acquire_async, beside the blocking
            # acquire.
            label = owner + ' (awaited)' if call.is_async else owner
            for alias in override_aliases(python, snake(owner)) - {short}:
                by_name.setdefault(alias, []).append((owner, call.c_symbol, label))
        for prop in props:
            c_cell = 'property <link linkend="%s--%s">%s</link>' % (c_type, prop, prop)
            attr = prop.replace('-', '_')
            rows.append((c_cell, '%s.props.%s' % (snake(owner), attr),
                         '%s.%s' % (camel(snake(owner)), attr)))
        out += ['  <simplesect id="api-names-%s">' % snake(owner).replace('_', '-'),
                '    <title><link linkend="%s">%s</link></title>' % (c_type, c_type)]
        out += table(rows)
        out.append('  </simplesect>')

    rows = []
    for call in [Call(el, ns) for el in namespace.findall(CORE + 'function')]:
        c_cell = '<link linkend="%s"><function>%s()</function></link>' % (
            linkend(call.c_symbol), e(call.c_symbol))
        rows.append((c_cell, overrides['python'].get(call.c_symbol, call.python()),
                     overrides['js'].get(call.c_symbol, call.javascript(set()))))
    for enum in namespace.findall(CORE + 'enumeration'):
        for member in enum.findall(CORE + 'member'):
            c_name = member.get(C + 'identifier')
            spelling = '%s.%s.%s' % (ns, enum.get('name'), member.get('name').upper())
            rows.append(('<link linkend="%s:CAPS"><literal>%s</literal></link>'
                         % (linkend(c_name), e(c_name)), spelling, spelling))
    out += ['  <simplesect id="api-names-errors">',
            '    <title>Errors and functions</title>',
            '    <para>In Python, <literal>e.matches(AsyncSync.error_quark(),'
            ' AsyncSync.Error.NOT_LOCKED)</literal>; in GJS,'
            ' <literal>e.matches(AsyncSync.Error, AsyncSync.Error.NOT_LOCKED)</literal>.</para>']
    out += table(rows)
    out.append('  </simplesect>')

    out += ['  <simplesect id="api-names-index">',
            '    <title>Index by name</title>',
            '    <para>Each method by the name that Python and JavaScript call it by,'
            ' asyncio\'s names of the Python override included, with the classes'
            ' that have it.</para>',
            '    <variablelist>']
    for short in sorted(by_name):
        links = ', '.join('<link linkend="%s">%s</link>' % (linkend(symbol), label)
                          for _, symbol, label in sorted(by_name[short]))
        out.append('      <varlistentry><term><literal>%s</literal></term>'
                   '<listitem><para>%s</para></listitem></varlistentry>' % (e(short), links))
    out += ['    </variablelist>', '  </simplesect>', '</chapter>', '']
    return '\n'.join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('gir', nargs='?')
    parser.add_argument('output')
    parser.add_argument('--overrides')
    parser.add_argument('--no-gir', action='store_true')
    args = parser.parse_args()

    if args.no_gir:
        text = '\n'.join([
            '<?xml version="1.0"?>',
            '<!DOCTYPE chapter PUBLIC "-//OASIS//DTD DocBook XML V4.3//EN"',
            '               "http://www.oasis-open.org/docbook/xml/4.3/docbookx.dtd">',
            '<chapter id="api-names"><title>C, Python and JavaScript names</title>',
            '  <para>This manual was built without introspection '
            '(<literal>-Dintrospection=disabled</literal>): the names are not listed.</para>',
            '  <simplesect id="api-names-index"><title>Index by name</title>'
            '<para>Not built.</para></simplesect>',
            '</chapter>', ''])
    else:
        text = chapter(args.gir, read_overrides(args.overrides))
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
