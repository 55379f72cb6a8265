#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Makes the pages of the gtk-doc HTML manual fit the text column of a
narrow window (docs/check-page-width.py checks that they do):

- links our stylesheet from every page, after gtk-doc's style.css so that
  its rules win.  gtkdoc-mkhtml links only style.css and takes no option
  for another (meson passes html_args before the main file, where
  gtkdoc-mkhtml rejects xsltproc's --stringparam), so this runs after
  gtk-doc, on the stylesheet that gnome.gtkdoc(html_assets:) copied in;
- in table cells, marks where a long identifier may break (<wbr> after
  each underscore or dot of async_sync_semaphore_acquire_many_async()
  or AsyncSync.Semaphore.new(3)), so that a four-column table breaks
  names at their joints instead of at any letter.

Idempotent: a page already done is left alone.  Usage:

    fit-pages.py HTML_DIR STYLESHEET [--stamp FILE]
"""

import argparse
import os
import re
import sys

GTKDOC_LINK = '<link rel="stylesheet" href="style.css" type="text/css">'
CELL = re.compile(r'(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)', re.S)
TAG = re.compile(r'(<[^>]*>)')
# A word long enough to widen a column; a joint inside it.
LONG_WORD = re.compile(r'[^\s<>&;]{14,}')
JOINT = re.compile(r'([_.])(?=[^\s)])')


def mark_joints(cell):
    """<wbr> after each joint of each long word of a cell's text, never
    inside a tag or an entity."""
    parts = TAG.split(cell)
    for i in range(0, len(parts), 2):              # the odd ones are tags
        parts[i] = LONG_WORD.sub(lambda m: JOINT.sub(r'\1<wbr>', m.group(0)), parts[i])
    return ''.join(parts)


def fit(text, ours):
    text = text.replace(GTKDOC_LINK, GTKDOC_LINK + '\n' + ours, 1)
    # Listings are tables too (line numbers beside the code): leave them.
    return CELL.sub(lambda m: m.group(0) if 'listing_' in m.group(1)
                    else m.group(1) + mark_joints(m.group(2)) + m.group(3), text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('html_dir')
    parser.add_argument('stylesheet', help='a file name inside HTML_DIR')
    parser.add_argument('--stamp', help='a file to touch when done')
    args = parser.parse_args()

    if not os.path.exists(os.path.join(args.html_dir, args.stylesheet)):
        print('%s is not in %s' % (args.stylesheet, args.html_dir))
        return 1
    ours = '<link rel="stylesheet" href="%s" type="text/css">' % args.stylesheet
    done = 0
    for name in sorted(os.listdir(args.html_dir)):
        if not name.endswith('.html'):
            continue
        path = os.path.join(args.html_dir, name)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        if ours in text:
            continue
        if GTKDOC_LINK not in text:
            print('%s: no link to style.css' % name)
            return 1
        with open(path, 'w', encoding='utf-8') as f:
            f.write(fit(text, ours))
        done += 1
    print('fitted %d pages (%s)' % (done, args.stylesheet))
    if args.stamp:
        with open(args.stamp, 'w', encoding='utf-8') as f:
            f.write('%d\n' % done)
    return 0


if __name__ == '__main__':
    sys.exit(main())
