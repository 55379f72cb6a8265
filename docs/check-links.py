#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the links of the generated HTML manual.

Every <a href>, <img src> and <link href> of every page must resolve:

- a link inside the manual to an existing file, and to an existing anchor
  (id= or <a name=>) when it has a fragment;
- an absolute link (file:// or /path) to an existing file and anchor, as
  gtkdoc-fixxref and link-glib-docs.py write for GLib's installed
  references;
- a relative link out of the manual (../gio/GCancellable.html, as written
  when the manual is installed next to the GLib references) to an existing
  file, resolved as if the manual were installed in --installed-as;
- http(s) links are counted, not fetched.

--allow-missing-anchor ID accepts a link to ID on an existing page where
no element has that id (a known gtk-doc quirk, see the meson.build).
--expect-link NAME requires at least one link whose path ends with NAME,
--expect-glib-link SYMBOL at least one link named SYMBOL (e.g. GCancellable)
that leaves the manual for an existing page of GLib's installed manual (or,
where none is installed, for GLib's online reference), and
--expect-text PAGE:TEXT requires PAGE to contain TEXT once the markup is
stripped (e.g. a line of an example that the chapter includes at build
time), and --expect-linked-functions PREFIX requires every PREFIXname()
in running text to be a link (gtk-doc does not link a function name that
opens a paragraph).  Exits 1 on any failure, listing each.
"""

import argparse
import html
import html.parser
import os
import re
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []      # (tag, url, name): name is the title or text of an <a>
        self.anchors = set()
        self.text = []
        self.unlinked = []   # running text outside links and listings
        self._open_link = None
        self._in_pre = 0

    def handle_starttag(self, tag, attrs):
        if tag == 'pre':
            self._in_pre += 1
        attrs = dict(attrs)
        for name in ('id', 'name') if tag == 'a' else ('id',):
            if attrs.get(name):
                self.anchors.add(attrs[name])
        if tag == 'a' and attrs.get('href'):
            self._open_link = [tag, attrs['href'], attrs.get('title'), []]
        elif tag == 'img' and attrs.get('src'):
            self.links.append((tag, attrs['src'], None))
        elif tag == 'link' and attrs.get('href'):
            self.links.append((tag, attrs['href'], None))

    def handle_endtag(self, tag):
        if tag == 'pre':
            self._in_pre -= 1
        if tag == 'a' and self._open_link is not None:
            tag, url, title, text = self._open_link
            self.links.append((tag, url, title or ''.join(text).strip()))
            self._open_link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open_link is not None:
            self._open_link[3].append(data)
        elif not self._in_pre:
            self.unlinked.append(data)


_pages = {}


def parse(path):
    path = os.path.realpath(path)
    if path not in _pages:
        page = Page()
        with open(path, encoding='utf-8', errors='replace') as f:
            page.feed(f.read())
        _pages[path] = page
    return _pages[path]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('html_dir')
    parser.add_argument('--installed-as', default=None,
                        help='where the manual is installed: relative links out '
                             'of it are resolved from there')
    parser.add_argument('--expect-link', action='append', default=[])
    parser.add_argument('--expect-glib-link', action='append', default=[])
    parser.add_argument('--expect-text', action='append', default=[])
    parser.add_argument('--allow-missing-anchor', action='append', default=[],
                        help='a fragment that may be missing, if its page exists')
    parser.add_argument('--expect-linked-functions', metavar='PREFIX',
                        help='every PREFIXname() in running text (not in a listing) is a link')
    args = parser.parse_args()

    html_dir = os.path.realpath(args.html_dir)
    pages = sorted(f for f in os.listdir(html_dir) if f.endswith('.html'))
    if not pages:
        print('no HTML pages in %s' % html_dir)
        return 1

    failures = []
    counts = {'internal': 0, 'installed': 0, 'online': 0}
    targets = set()
    outside = {}    # link name -> targets out of the manual (paths or URLs)
    installed_as = os.path.realpath(args.installed_as or html_dir)

    for name in pages:
        source = os.path.join(html_dir, name)
        for tag, url, link_name in parse(source).links:
            parts = urllib.parse.urlsplit(html.unescape(url))
            if parts.scheme in ('http', 'https', 'ftp'):
                counts['online'] += 1
                targets.add(parts.path)
                outside.setdefault(link_name, set()).add(parts.geturl())
                continue
            if parts.scheme in ('mailto', 'javascript'):
                continue
            if parts.scheme not in ('', 'file'):
                failures.append('%s: unknown scheme in %s' % (name, url))
                continue

            path = urllib.parse.unquote(parts.path)
            if path == '':
                target = source                       # "#anchor" on this page
            elif os.path.isabs(path):
                target = path
            else:
                target = os.path.normpath(os.path.join(html_dir, path))
            if os.path.commonpath([target, html_dir]) == html_dir:
                counts['internal'] += 1
            else:
                counts['installed'] += 1
                if not os.path.isabs(path):
                    # ../gio/GCancellable.html: beside the installed manual
                    target = os.path.normpath(
                        os.path.join(installed_as, os.path.relpath(target, html_dir)))
                outside.setdefault(link_name, set()).add(target)
            targets.add(target)

            if not os.path.exists(target):
                failures.append('%s: <%s> %s: no such file %s' % (name, tag, url, target))
                continue
            if parts.fragment and target.endswith('.html') \
                    and parts.fragment not in args.allow_missing_anchor:
                if parts.fragment not in parse(target).anchors:
                    failures.append('%s: <%s> %s: no anchor "%s" in %s'
                                    % (name, tag, url, parts.fragment, target))

    for wanted in args.expect_link:
        if not any(t.endswith('/' + wanted) for t in targets):
            failures.append('no link to any */%s' % wanted)

    for symbol in args.expect_glib_link:
        found = outside.get(symbol, set())
        if not found:
            failures.append('no link named %s out of the manual' % symbol)
        elif not any(t.startswith('https://docs.gtk.org/') or os.path.exists(t) for t in found):
            failures.append('no link named %s resolves: %s' % (symbol, ', '.join(sorted(found))))

    for spec in args.expect_text:
        page_name, _, text = spec.partition(':')
        page_path = os.path.join(html_dir, page_name)
        if not os.path.exists(page_path):
            failures.append('expected page %s is missing' % page_name)
            continue
        page_text = re.sub(r'\s+', ' ', ''.join(parse(page_path).text))
        if re.sub(r'\s+', ' ', text) not in page_text:
            failures.append('%s does not contain "%s"' % (page_name, text))

    if args.expect_linked_functions:
        mention = re.compile(r'\b%s\w*\(\)' % re.escape(args.expect_linked_functions))
        for name in pages:
            for text in parse(os.path.join(html_dir, name)).unlinked:
                for found in mention.findall(text):
                    failures.append('%s: %s is not a link' % (name, found))

    print('%d pages; links: %d internal, %d to installed references, %d online (not fetched)'
          % (len(pages), counts['internal'], counts['installed'], counts['online']))
    for symbol in args.expect_glib_link:
        print('%s -> %s' % (symbol, ', '.join(sorted(outside.get(symbol, ['nothing'])))))
    for failure in failures:
        print('FAIL: ' + failure)
    print('%d broken' % len(failures))

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
