#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run by `meson install`, after the install step of gnome.gtkdoc().

That step builds the manual again from scratch, html/ included, then
copies it: the pages it installs, and the ones it leaves in the build
tree, lack what link-glib-docs.py and fit-pages.py added after the build
(links into GLib's gi-docgen manual, our stylesheet, break points in long
names).  This applies both again, to the build tree's html/ and to the
installed copy.  Both scripts are idempotent.  Usage:

    finish-installed-html.py BUILD_HTML_DIR INSTALL_DIR STYLESHEET
        --prefix GLIB_PREFIX --gir-dir DIR

INSTALL_DIR is where the manual is installed, without DESTDIR (meson's
MESON_INSTALL_DESTDIR_PREFIX says where it really went).
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('build_html_dir')
    parser.add_argument('install_dir')
    parser.add_argument('stylesheet')
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--gir-dir', required=True)
    args = parser.parse_args()

    prefix = os.environ.get('MESON_INSTALL_PREFIX', '')
    destdir_prefix = os.environ.get('MESON_INSTALL_DESTDIR_PREFIX', prefix)
    installed = args.install_dir
    if prefix and installed.startswith(prefix.rstrip('/') + '/'):
        installed = destdir_prefix.rstrip('/') + installed[len(prefix.rstrip('/')):]

    for html_dir in (args.build_html_dir, installed):
        if not os.path.isdir(html_dir):
            print('%s: not there, skipped' % html_dir)
            continue
        for command in (
                [os.path.join(HERE, 'link-glib-docs.py'), html_dir, '--prefix', args.prefix,
                 '--gir-dir', args.gir_dir, '--install-dir', args.install_dir],
                [os.path.join(HERE, 'fit-pages.py'), html_dir, args.stylesheet]):
            subprocess.run([sys.executable] + command, check=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
