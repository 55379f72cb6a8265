#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Links the manual's mentions of GLib, GObject and GIO symbols to GLib's
documentation in its current form (gi-docgen).

gtkdoc-fixxref links #GCancellable, g_cancellable_cancel() or
%G_IO_ERROR_CANCELLED only into gtk-doc manuals, which GLib stopped making
in 2.76: on Debian 13 and later, GLib's manual is made by gi-docgen, and
fixxref leaves those mentions as plain text.  This script runs after it and
links every mention fixxref left unlinked:

- to GLib's gi-docgen pages on this machine when they are installed (found
  through Devhelp's book directory, or Debian's libglib2.0-doc folder),
  relative to where the manual is installed when both share a prefix, as
  fixxref does;
- else to GLib's online reference, https://docs.gtk.org/.

Where GLib's gtk-doc manuals are installed (Debian 12), fixxref has linked
everything already; this only makes relative the few links it wrote as
absolute paths although the manual shares GLib's prefix.

The page of each symbol follows gi-docgen's naming (class.Cancellable.html,
method.Cancellable.cancel.html, error.IOErrorEnum.html, ...), read from
the GIR files of GLib, GObject and GIO.  Usage:

    link-glib-docs.py HTML_DIR --prefix GLIB_PREFIX --gir-dir DIR
                      --install-dir MANUAL_INSTALL_DIR [--stamp FILE]
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
C = '{http://www.gtk.org/introspection/c/1.0}'
GLIB = '{http://www.gtk.org/introspection/glib/1.0}'

# GIR namespace -> (gi-docgen book name, online folder)
BOOKS = {
    'GLib': ('glib-2.0', 'glib'),
    'GObject': ('gobject-2.0', 'gobject'),
    'Gio': ('gio-2.0', 'gio'),
}
ONLINE = 'https://docs.gtk.org/'

# gi-docgen's page prefix for each kind of type
TYPE_PAGES = {
    'class': 'class',
    'interface': 'iface',
    'record': 'struct',
    'union': 'union',
    'enumeration': 'enum',
    'bitfield': 'flags',
    'callback': 'callback',
    'alias': 'alias',
}
MEMBER_PAGES = {'method': 'method', 'constructor': 'ctor', 'function': 'type_func'}


def gir_symbols(path):
    """C name -> gi-docgen page, for the types, functions and constants of
    one GIR file."""
    symbols = {}
    root = ET.parse(path).getroot()
    namespace = root.find(CORE + 'namespace')
    for element in namespace:
        kind = element.tag[len(CORE):]
        name = element.get('name')
        if kind in TYPE_PAGES:
            if element.get(GLIB + 'is-gtype-struct-for'):
                continue
            page_kind = TYPE_PAGES[kind]
            if kind == 'enumeration' and element.get(GLIB + 'error-domain'):
                page_kind = 'error'
            page = '%s.%s.html' % (page_kind, name)
            c_type = element.get(C + 'type') or element.get(GLIB + 'type-name')
            if c_type:
                symbols.setdefault(c_type, page)
            for member in element.findall(CORE + 'member'):
                symbols.setdefault(member.get(C + 'identifier'), page)
            for tag, prefix in MEMBER_PAGES.items():
                for function in element.findall(CORE + tag):
                    symbols.setdefault(function.get(C + 'identifier'),
                                       '%s.%s.%s.html' % (prefix, name, function.get('name')))
        elif kind == 'function':
            symbols.setdefault(element.get(C + 'identifier'), 'func.%s.html' % name)
        elif kind == 'constant':
            symbols.setdefault(element.get(C + 'type'), 'const.%s.html' % name)
    symbols.pop(None, None)
    return symbols


def find_local_book(prefix, book):
    """The folder of an installed gi-docgen book, or None."""
    candidates = [
        os.path.join(prefix, 'share', 'devhelp', 'books', book),
        os.path.join(prefix, 'share', 'doc', 'libglib2.0-doc', book),  # Debian
        os.path.join(prefix, 'share', 'doc', book),
    ]
    for candidate in candidates:
        if os.path.exists(os.path.join(candidate, book + '.devhelp2')):
            return os.path.realpath(candidate)
    return None


def has_gtkdoc_manuals(prefix):
    html = os.path.join(prefix, 'share', 'gtk-doc', 'html')
    return all(os.path.exists(os.path.join(html, module, module + '.devhelp2'))
               for module in ('glib', 'gobject', 'gio'))


def base_urls(prefix, install_dir):
    """GIR namespace -> the URL its pages are under, with a final slash:
    relative when the manual is installed under the same prefix as GLib's
    pages, else absolute, as gtkdoc-fixxref makes its links."""
    bases = {}
    install_prefix = install_dir.split('/share/')[0]
    for namespace, (book, online) in BOOKS.items():
        local = find_local_book(prefix, book)
        if local is None:
            bases[namespace] = ONLINE + online + '/'
        elif local.startswith(install_prefix.rstrip('/') + '/'):
            bases[namespace] = os.path.relpath(local, install_dir) + '/'
        else:
            bases[namespace] = local + '/'
    return bases


# The forms gtk-doc gives a mention it could not link.
MENTION = re.compile(r'<span class="type">(?P<type>[A-Za-z_][A-Za-z0-9_]*)</span>'
                     r'|<code class="literal">(?P<literal>[A-Z_][A-Z0-9_]*)</code>'
                     r'|<code class="function">(?P<function>[a-z_][a-z0-9_]*)\(\)</code>')
LINKED = re.compile(r'(<a\b[^>]*>.*?</a>)', re.S)


def link_page(text, links):
    """Wraps each unlinked mention of a known symbol in a link."""
    count = 0

    def replace(match):
        nonlocal count
        name = match.group('type') or match.group('literal') or match.group('function')
        url = links.get(name)
        if url is None:
            return match.group(0)
        count += 1
        return '<a class="link" href="%s" title="%s">%s</a>' % (url, name, match.group(0))

    parts = LINKED.split(text)
    for i in range(0, len(parts), 2):     # the odd ones are links already
        parts[i] = MENTION.sub(replace, parts[i])
    return ''.join(parts), count


ABSOLUTE_HREF = re.compile(r'href="(/[^"#]*)')


def relative_links(text, install_dir):
    """Makes links to pages under the manual's install prefix relative to
    where it is installed.  gtkdoc-fixxref does so for most of them, but
    writes some absolute (GEnum, in the object hierarchy), which would
    break once the manual is packaged or moved."""
    install_prefix = install_dir.split('/share/')[0].rstrip('/') + '/'
    count = 0

    def replace(match):
        nonlocal count
        path = match.group(1)
        if not path.startswith(install_prefix):
            return match.group(0)
        count += 1
        return 'href="' + os.path.relpath(path, install_dir)

    return ABSOLUTE_HREF.sub(replace, text), count


def rewrite_pages(html_dir, rewrite):
    """Applies rewrite(text) -> (text, count) to every page of html_dir,
    writes back the pages it changed, and returns the sum of the counts."""
    total = 0
    for name in sorted(os.listdir(html_dir)):
        if not name.endswith('.html'):
            continue
        path = os.path.join(html_dir, name)
        with open(path, encoding='utf-8') as f:
            text, count = rewrite(f.read())
        if count:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            total += count
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('html_dir')
    parser.add_argument('--prefix', required=True, help="GLib's installation prefix")
    parser.add_argument('--gir-dir', required=True)
    parser.add_argument('--install-dir', required=True,
                        help='where the manual is installed')
    parser.add_argument('--stamp', help='a file to touch when done')
    args = parser.parse_args()

    if has_gtkdoc_manuals(args.prefix):
        total = rewrite_pages(args.html_dir,
                              lambda text: relative_links(text, args.install_dir))
        print('GLib gtk-doc manuals installed: gtkdoc-fixxref linked them '
              '(%d links made relative)' % total)
    else:
        bases = base_urls(args.prefix, args.install_dir)
        links = {}
        for namespace in BOOKS:
            gir = os.path.join(args.gir_dir, namespace + '-2.0.gir')
            if not os.path.exists(gir):
                print('%s is missing' % gir)
                return 1
            for name, page in gir_symbols(gir).items():
                links.setdefault(name, bases[namespace] + page)
        total = rewrite_pages(args.html_dir, lambda text: link_page(text, links))
        print('linked %d mentions of GLib symbols: %s' % (
            total, ', '.join('%s under %s' % item for item in sorted(bases.items()))))

    if args.stamp:
        with open(args.stamp, 'w', encoding='utf-8') as f:
            f.write('%d\n' % total)
    return 0


if __name__ == '__main__':
    sys.exit(main())
