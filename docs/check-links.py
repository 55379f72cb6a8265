#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks the links of the generated HTML manual.

Every <a href>, <img src> and <link href> of every page must resolve:

- a link inside the manual to an existing file, and to an existing anchor
  (id= or <a name=>) when it has a fragment;
- an absolute link (file:// or /path) to an existing file and anchor, as
  gtkdoc-fixxref writes for GLib's installed references;
- a relative link out of the manual (../gio/GCancellable.html, as written
  when the manual is installed next to the GLib references) to an existing
  file under --gtkdoc-root;
- http(s) links are counted, not fetched.

--allow-missing-anchor ID accepts a link to ID on an existing page where
no element has that id (a known gtk-doc quirk, see the meson.build).
--expect-link NAME requires at least one link whose path ends with NAME
(e.g. GCancellable.html: the cross-references to GIO were resolved), and
--expect-text PAGE:TEXT requires PAGE to contain TEXT once the markup is
stripped (e.g. a line of an example that the chapter includes at build
time).  Exits 1 on any failure, listing each.
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
        self.links = []      # (tag, url)
        self.anchors = set()
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ('id', 'name') if tag == 'a' else ('id',):
            if attrs.get(name):
                self.anchors.add(attrs[name])
        if tag == 'a' and attrs.get('href'):
            self.links.append((tag, attrs['href']))
        elif tag == 'img' and attrs.get('src'):
            self.links.append((tag, attrs['src']))
        elif tag == 'link' and attrs.get('href'):
            self.links.append((tag, attrs['href']))

    def handle_data(self, data):
        self.text.append(data)


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
    parser.add_argument('--gtkdoc-root', default='/usr/share/gtk-doc/html',
                        help='where relative links out of the manual point')
    parser.add_argument('--expect-link', action='append', default=[])
    parser.add_argument('--expect-text', action='append', default=[])
    parser.add_argument('--allow-missing-anchor', action='append', default=[],
                        help='a fragment that may be missing, if its page exists')
    args = parser.parse_args()

    html_dir = os.path.realpath(args.html_dir)
    pages = sorted(f for f in os.listdir(html_dir) if f.endswith('.html'))
    if not pages:
        print('no HTML pages in %s' % html_dir)
        return 1

    failures = []
    counts = {'internal': 0, 'installed': 0, 'online': 0}
    targets = set()

    for name in pages:
        source = os.path.join(html_dir, name)
        for tag, url in parse(source).links:
            parts = urllib.parse.urlsplit(html.unescape(url))
            if parts.scheme in ('http', 'https', 'ftp'):
                counts['online'] += 1
                targets.add(parts.path)
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
                    # ../module/file.html: beside the manual once installed
                    target = os.path.normpath(
                        os.path.join(args.gtkdoc_root, os.path.relpath(target, os.path.dirname(html_dir))))
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

    for spec in args.expect_text:
        page_name, _, text = spec.partition(':')
        page_path = os.path.join(html_dir, page_name)
        if not os.path.exists(page_path):
            failures.append('expected page %s is missing' % page_name)
            continue
        page_text = re.sub(r'\s+', ' ', ''.join(parse(page_path).text))
        if re.sub(r'\s+', ' ', text) not in page_text:
            failures.append('%s does not contain "%s"' % (page_name, text))

    print('%d pages; links: %d internal, %d to installed references, %d online (not fetched)'
          % (len(pages), counts['internal'], counts['installed'], counts['online']))
    for failure in failures:
        print('FAIL: ' + failure)
    print('%d broken' % len(failures))

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
