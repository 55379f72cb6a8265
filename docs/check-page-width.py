#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Renders every page of the HTML manual in headless Chromium at a given
window width (1024 px by default) and fails if one scrolls sideways.

A page fails when the document is wider than the window, or when a table,
an image or a code listing is wider than the text column (the box it sits
in), even if a scrolling box hides that from the page's own width.  Each
failure names the page and the offending element.

    check-page-width.py HTML_DIR [--width 1024] [--page NAME]...
                        [--screenshot PAGE=OUT.png]... [--height PX]

With --screenshot, it only saves PNGs of the named pages (the top
--height pixels, default 1400) and checks nothing.  Chromium is run as
Debian packages it (`chromium`), headless, with a fresh profile, talking
the DevTools protocol over a pipe (no network port).  Without Chromium the
check exits 77, which meson reports as SKIP.  Standard library only.
"""

import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77

# What "wider than its column" means, measured in the page: an element whose
# right edge passes the right edge of the content box of the block it sits
# in, or whose own content is wider than its box (a scrolling box).
MEASURE = r"""
(() => {
  const doc = document.documentElement;
  const out = {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, offenders: []};
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.className && typeof el.className === 'string')
      s += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.innerText || el.getAttribute('src') || '').trim().replace(/\s+/g, ' ');
    return s + ' "' + text.slice(0, 60) + '"';
  };
  const column = (el) => {
    let p = el.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement;
    return p || document.body;
  };
  for (const el of document.querySelectorAll('table, img, svg, object, embed, pre, div.informaltable, div.table, div.mediaobject, div.figure')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    let right = window.innerWidth;       // a fixed bar's column: the window
    if (getComputedStyle(el).position !== 'fixed') {
      const col = column(el);
      const cbox = col.getBoundingClientRect();
      const cs = getComputedStyle(col);
      right = cbox.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    }
    if (box.right > right + 1)
      out.offenders.push(describe(el) + ': ' + Math.round(box.width) + ' px wide, ends ' +
                         Math.round(box.right - right) + ' px past its column');
    else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 &&
             getComputedStyle(el).overflowX !== 'visible')
      out.offenders.push(describe(el) + ': scrolls sideways inside its box (' +
                         el.scrollWidth + ' px of content in ' + el.clientWidth + ' px)');
  }
  return out;
})()
"""


class Chromium:
    """A headless Chromium driven through --remote-debugging-pipe."""

    def __init__(self, binary, width, height):
        self.profile = tempfile.TemporaryDirectory(prefix='asyncsync-chromium-')
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Out of the way of 3 and 4, which the child's end must become.
        to_child_r = self._high_fd(to_child_r)
        from_child_w = self._high_fd(from_child_w)
        args = [binary, '--headless', '--no-sandbox', '--disable-gpu',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
                '--hide-scrollbars', '--user-data-dir=' + self.profile.name,
                '--remote-debugging-pipe', 'about:blank']
        # The protocol runs on the child's fds 3 (commands) and 4 (replies).
        def give_pipes():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.process = subprocess.Popen(args, preexec_fn=give_pipes, close_fds=False,
                                        stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b''
        self._next_id = 0
        self._events = []
        target = self.call('Target.createTarget', url='about:blank')['targetId']
        self.session = self.call('Target.attachToTarget', targetId=target,
                                 flatten=True)['sessionId']
        self.call('Page.enable', session=True)
        self.call('Emulation.setDeviceMetricsOverride', session=True, width=width,
                  height=height, deviceScaleFactor=1, mobile=False)

    @staticmethod
    def _high_fd(fd):
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    def _read_message(self, deadline):
        while b'\0' not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError('Chromium did not answer in time')
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError('Chromium exited (status %s)' % self.process.poll())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b'\0', 1)
        return json.loads(message)

    def call(self, method, session=False, timeout=30, **params):
        self._next_id += 1
        message = {'id': self._next_id, 'method': method, 'params': params}
        if session:
            message['sessionId'] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b'\0')
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get('id') == self._next_id:
                if 'error' in reply:
                    raise RuntimeError('%s: %s' % (method, reply['error']))
                return reply.get('result', {})
            if 'method' in reply:
                self._events.append(reply['method'])

    def load(self, url, timeout=30):
        self._events.clear()
        self.call('Page.navigate', session=True, url=url)
        deadline = time.monotonic() + timeout
        while 'Page.loadEventFired' not in self._events:
            reply = self._read_message(deadline)
            if 'method' in reply:
                self._events.append(reply['method'])
        # Fonts and images are in once the load event fired; wait for the
        # fonts' layout too.
        self.evaluate('document.fonts.ready.then(() => true)')

    def evaluate(self, expression):
        result = self.call('Runtime.evaluate', session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if 'exceptionDetails' in result:
            raise RuntimeError('script failed: %s' % result['exceptionDetails'])
        return result['result'].get('value')

    def screenshot(self, path):
        data = self.call('Page.captureScreenshot', session=True, format='png')['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call('Browser.close', timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        self.profile.cleanup()


def find_chromium():
    for name in (os.environ.get('CHROMIUM'), 'chromium', 'chromium-browser'):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('html_dir')
    parser.add_argument('--width', type=int, default=1024)
    parser.add_argument('--height', type=int, default=1400)
    parser.add_argument('--page', action='append', default=[],
                        help='check only this page (default: every .html page)')
    parser.add_argument('--screenshot', action='append', default=[], metavar='PAGE=PNG')
    args = parser.parse_args()

    binary = find_chromium()
    if binary is None:
        print('SKIP: chromium not found (Debian package "chromium"): '
              'the pages were not rendered')
        return SKIP

    pages = args.page or sorted(n for n in os.listdir(args.html_dir) if n.endswith('.html'))
    browser = Chromium(binary, args.width, args.height)
    failures = []
    try:
        if args.screenshot:
            for item in args.screenshot:
                page, png = item.split('=', 1)
                browser.load('file://' + os.path.abspath(os.path.join(args.html_dir, page)))
                browser.screenshot(png)
                print('%s -> %s' % (page, png))
            return 0
        for page in pages:
            browser.load('file://' + os.path.abspath(os.path.join(args.html_dir, page)))
            m = browser.evaluate(MEASURE)
            problems = list(m['offenders'])
            if m['scrollWidth'] > m['clientWidth']:
                problems.insert(0, 'the page is %d px wide in a %d px window' %
                                (m['scrollWidth'], m['clientWidth']))
            status = 'FAIL' if problems else 'ok'
            print('%-4s %s (%d px)' % (status, page, m['scrollWidth']))
            for problem in problems:
                print('       ' + problem)
                failures.append('%s: %s' % (page, problem))
    finally:
        browser.close()

    print('%d pages at %d px, %d problems' % (len(pages), args.width, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
