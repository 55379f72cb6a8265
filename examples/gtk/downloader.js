// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Downloader, the GJS edition: the same window as downloader.c, written
// with `await` on the asyncsync-glib primitives.
//
//  - an AsyncSync.BoundedSemaphore caps how many jobs run at once;
//  - an AsyncSync.Event pauses and resumes every job (jobs wait on it
//    before each step);
//  - an AsyncSync.Lock lets one job at a time write to "disk", across
//    several awaits.
//
// Each job is one async function with a Gio.Cancellable that the row's
// Cancel button fires: whatever the job awaits (a slot, the event, the
// lock, a step) rejects with Gio.IOErrorEnum.CANCELLED, and the job gives
// back what it holds.
//
// Run from a build tree:
//   GI_TYPELIB_PATH=_build/asyncsync-glib LD_LIBRARY_PATH=_build/asyncsync-glib \
//     gjs -m examples/gtk/downloader.js [--self-test [--screenshot=FILE]]

import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk?version=4.0';
import Pango from 'gi://Pango';
import System from 'system';

import AsyncSync from 'gi://AsyncSync?version=1';

// Without a callback, these now return a Promise: `await lock.acquire_async(c)`.
// The promise resolves once the primitive was granted, and rejects with
// CANCELLED only if the cancellable fired while still queued (the manual's "Fairness, hand-off and cancellation").
Gio._promisify(AsyncSync.Semaphore.prototype, 'acquire_async', 'acquire_finish');
Gio._promisify(AsyncSync.Lock.prototype, 'acquire_async', 'acquire_finish');
Gio._promisify(AsyncSync.Event.prototype, 'wait_async', 'wait_finish');

const N_SLOTS = 3;
const N_WRITE_STEPS = 3;

const MANIFEST = [
    ['gnome-shell-47.0.tar.xz', 3],
    ['debian-12.5.0-amd64-netinst.iso', 9],
    ['cantarell-fonts-0.303.tar.xz', 3],
    ['wallpapers-2024.zip', 5],
    ['linux-6.1.76.tar.xz', 8],
    ['podcast-episode-42.ogg', 4],
    ['flathub.flatpakrepo', 2],
    ['gtk-4.14.2.tar.xz', 6],
];

const State = {
    QUEUED: 'Queued for a slot',
    PAUSED: 'Paused',
    DOWNLOADING: 'Downloading',
    WAITING_DISK: 'Waiting for the disk',
    WRITING: 'Writing to disk',
    DONE: 'Done',
    CANCELLED: 'Cancelled',
};

function isCancelled(error) {
    return error instanceof GLib.Error &&
        error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
}

// One step of pretend work (a chunk read from a socket, written to a
// file): resolves after `ms`, rejects as soon as `cancellable` fires.
function pretendWork(ms, cancellable) {
    return new Promise((resolve, reject) => {
        let timeoutId = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            timeoutId = 0;
            cancellable.disconnect(cancelId);
            resolve();
            return GLib.SOURCE_REMOVE;
        });
        // Gio.Cancellable.connect is g_cancellable_connect(): it runs the
        // handler at once if already cancelled, and the handler must not
        // disconnect itself.
        const cancelId = cancellable.connect(() => {
            if (timeoutId)
                GLib.source_remove(timeoutId);
            timeoutId = 0;
            reject(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED,
                'Operation was cancelled'));
        });
    });
}

class Job {
    constructor(downloader, index, name, downloadSteps) {
        this.downloader = downloader;
        this.index = index;
        this.name = name;
        this.downloadSteps = downloadSteps;
        this.nSteps = downloadSteps + N_WRITE_STEPS;
        this.step = 0;
        this.state = null;
        this.hasSlot = false;
        this.hasDisk = false;
        this.cancellable = new Gio.Cancellable();
        this.row = this._buildRow();
    }

    get ended() {
        return this.state === State.DONE || this.state === State.CANCELLED;
    }

    async run() {
        const {slots, disk} = this.downloader;
        let error = null;

        try {
            this.setState(State.QUEUED);
            await slots.acquire_async(this.cancellable);
            // The slot is ours, even if Cancel was pressed after it was
            // handed over: the next await rejects at once and the finally
            // below gives the slot back.
            this.hasSlot = true;
            while (this.step < this.downloadSteps)
                await this._step();

            this.setState(State.WAITING_DISK);
            await disk.acquire_async(this.cancellable);
            this.hasDisk = true;  // held across every write step and pause
            while (this.step < this.nSteps)
                await this._step();
        } catch (e) {
            error = e;
            if (!isCancelled(e))
                logError(e, this.name);
        } finally {
            // Give back exactly what was granted; each release hands the
            // lock or slot straight to the next waiter (the grant wins).
            if (this.hasDisk)
                disk.release();
            this.hasDisk = false;
            if (this.hasSlot)
                slots.release();  // bounded: an extra release would throw
            this.hasSlot = false;
            this.setState(error ? State.CANCELLED : State.DONE);
        }
    }

    async _step() {
        const {running, stepMs} = this.downloader;

        // In GJS `event.is_set` is the "is-set" property (it shadows the
        // method of the same name); it reads the current state.
        if (!running.is_set)
            this.setState(State.PAUSED);
        // Resolves from a later main-loop iteration even when the event is
        // set ("Main contexts and threads"), and a wake-up by set() is never lost.
        await running.wait_async(this.cancellable);
        this.setState(this.hasDisk ? State.WRITING : State.DOWNLOADING);
        await pretendWork(stepMs, this.cancellable);
        this.step++;
    }

    setState(state) {
        this.state = state;
        let status = state;
        if (state === State.DOWNLOADING || state === State.WRITING)
            status = `${state} · step ${this.step + 1} of ${this.nSteps}`;
        else if (state === State.PAUSED && this.hasDisk)
            status = 'Paused · holding the disk';
        this._status.label = status;
        this._progress.fraction = this.step / this.nSteps;
        if (this.ended)
            this._cancelButton.sensitive = false;
        if (state === State.CANCELLED)
            this.row.add_css_class('cancelled');
        this.downloader.jobChanged(this);
    }

    cancel() {
        this._cancelButton.sensitive = false;
        this.cancellable.cancel();
    }

    _buildRow() {
        const box = new Gtk.Box({spacing: 12});
        const text = new Gtk.Box({
            orientation: Gtk.Orientation.VERTICAL, spacing: 2, width_request: 220,
        });
        text.append(new Gtk.Label({label: this.name, xalign: 0, ellipsize: Pango.EllipsizeMode.MIDDLE}));
        this._status = new Gtk.Label({xalign: 0, css_classes: ['dim-label', 'caption']});
        text.append(this._status);
        this._progress = new Gtk.ProgressBar({hexpand: true, valign: Gtk.Align.CENTER});
        this._cancelButton = new Gtk.Button({
            icon_name: 'process-stop-symbolic', tooltip_text: 'Cancel',
            valign: Gtk.Align.CENTER, css_classes: ['flat', 'circular'],
        });
        this._cancelButton.connect('clicked', () => this.cancel());
        box.append(text);
        box.append(this._progress);
        box.append(this._cancelButton);
        return new Gtk.ListBoxRow({child: box, activatable: false});
    }
}

const STYLE = `
list.boxed-list { background: @theme_base_color; border: 1px solid alpha(@borders, 0.7);
  border-radius: 12px; }
list.boxed-list > row { padding: 10px 12px; border-bottom: 1px solid alpha(@borders, 0.5); }
list.boxed-list > row:last-child { border-bottom: none; }
list.boxed-list > row.cancelled progressbar { opacity: 0.45; }
progressbar.horizontal > trough, progressbar.horizontal > trough > progress {
  min-height: 6px; border-radius: 6px; }
.status-line { padding: 0 6px; }
`;

class Downloader {
    constructor(app, stepMs) {
        this.app = app;
        this.stepMs = stepMs;
        this.jobs = [];
        this.nRead = 0;
        this.closing = false;
        this.window = null;
        this.onJobChanged = null;  // the self-test's hook

        // Created on the main thread: their notify:: signals are emitted on
        // the main context, from a later iteration, coalesced ("Main contexts and threads"), so
        // handlers read the current state.
        this.slots = AsyncSync.BoundedSemaphore.new(N_SLOTS);
        this.running = AsyncSync.Event.new();
        this.disk = AsyncSync.Lock.new();
        this.running.set();

        this.slots.connect('notify::value', () => this.updateStatus());
        this.disk.connect('notify::locked', () => this.updateStatus());
        this.running.connect('notify::is-set', () => this._runningChanged());
    }

    buildWindow() {
        const provider = new Gtk.CssProvider();
        // load_from_string() is GTK 4.12's; load_from_data() is deprecated
        // there, and its binding takes a length since.
        if (provider.load_from_string)
            provider.load_from_string(STYLE);
        else
            provider.load_from_data(STYLE); // deprecated-ok: GTK < 4.12 only
        Gtk.StyleContext.add_provider_for_display(Gdk.Display.get_default(), provider,
            Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION);

        const header = new Gtk.HeaderBar();
        const titleBox = new Gtk.Box({
            orientation: Gtk.Orientation.VERTICAL, valign: Gtk.Align.CENTER,
        });
        titleBox.append(new Gtk.Label({label: 'Downloader', css_classes: ['title']}));
        this.subtitle = new Gtk.Label({css_classes: ['subtitle']});
        titleBox.append(this.subtitle);
        header.title_widget = titleBox;

        this.addButton = new Gtk.Button({
            icon_name: 'list-add-symbolic', tooltip_text: 'Add three jobs',
        });
        this.addButton.connect('clicked', () => this.readManifest(3, this.stepMs));
        header.pack_start(this.addButton);

        this.pauseButton = new Gtk.ToggleButton({
            icon_name: 'media-playback-pause-symbolic', tooltip_text: 'Pause all jobs',
        });
        // Clearing pauses every job before its next step; setting wakes
        // every job waiting at that moment, in order.
        this.pauseButton.connect('toggled', button => {
            if (button.active)
                this.running.clear();
            else
                this.running.set();
        });
        header.pack_end(this.pauseButton);

        const statusLine = new Gtk.Box({spacing: 12, css_classes: ['status-line', 'dim-label']});
        this.slotsLabel = new Gtk.Label({xalign: 0, hexpand: true});
        this.diskLabel = new Gtk.Label();
        statusLine.append(this.slotsLabel);
        statusLine.append(this.diskLabel);

        this.list = new Gtk.ListBox({
            selection_mode: Gtk.SelectionMode.NONE, valign: Gtk.Align.START,
            css_classes: ['boxed-list'], overflow: Gtk.Overflow.HIDDEN,
        });
        const content = new Gtk.Box({
            orientation: Gtk.Orientation.VERTICAL, spacing: 12,
            margin_top: 18, margin_bottom: 18, margin_start: 18, margin_end: 18,
        });
        content.append(statusLine);
        content.append(this.list);

        this.window = new Gtk.ApplicationWindow({
            application: this.app, title: 'Downloader (GJS)',
            default_width: 640, default_height: 580, titlebar: header,
            child: new Gtk.ScrolledWindow({
                child: content, hscrollbar_policy: Gtk.PolicyType.NEVER,
            }),
        });
        this.window.connect('close-request', () => this._closeRequest());
        this.updateStatus();
    }

    // GJS runs JavaScript on one thread, so where downloader.c reads the
    // manifest on a worker thread and hands each job to the main context,
    // this reader is an async function: each job still starts, and every
    // await of it resumes, on the main thread.
    async readManifest(nJobs, intervalMs) {
        this.addButton.sensitive = false;
        this.app.hold();
        try {
            for (let i = 0; i < nJobs && !this.closing; i++) {
                if (intervalMs > 0)
                    await pretendWork(intervalMs, new Gio.Cancellable());
                const n = this.nRead++;
                const [name, steps] = MANIFEST[n % MANIFEST.length];
                const round = Math.floor(n / MANIFEST.length);
                this._addJob(round === 0 ? name : `${name} (${round + 1})`, steps);
            }
        } finally {
            this.app.release();
            if (this.window)
                this.addButton.sensitive = true;
        }
    }

    _addJob(name, downloadSteps) {
        if (this.closing)
            return;
        const job = new Job(this, this.jobs.length, name, downloadSteps);
        this.jobs.push(job);
        this.list.append(job.row);
        this.app.hold();  // until the job has ended
        job.run().finally(() => this.app.release());
    }

    jobChanged(job) {
        this.updateStatus();
        this.onJobChanged?.(job);
    }

    updateStatus() {
        if (!this.window)
            return;
        const free = this.slots.get_value();
        const queued = this.slots.get_n_waiting();  // no notify: read on every change
        const diskWaiting = this.disk.get_n_waiting();
        const ended = this.jobs.filter(j => j.ended).length;

        this.slotsLabel.label = `${free} of ${N_SLOTS} slots free · ${queued} queued`;
        if (!this.disk.is_locked())
            this.diskLabel.label = 'Disk idle';
        else
            this.diskLabel.label = diskWaiting ? `Disk busy · ${diskWaiting} waiting` : 'Disk busy';
        this.subtitle.label = `${this.running.is_set ? '' : 'Paused · '}` +
            `${this.jobs.length - ended} active · ${ended} finished`;
    }

    _runningChanged() {
        if (!this.window)
            return;
        const paused = !this.running.is_set;
        // The button follows the event, whoever changed it.
        this.pauseButton.active = paused;
        this.pauseButton.icon_name = paused
            ? 'media-playback-start-symbolic' : 'media-playback-pause-symbolic';
        this.pauseButton.tooltip_text = paused ? 'Resume all jobs' : 'Pause all jobs';
        this.updateStatus();
    }

    _closeRequest() {
        // Every job still ends through its finally block, giving back its
        // slot and lock; the application quits once the last one has.
        this.closing = true;
        for (const job of this.jobs)
            job.cancellable.cancel();
        this.window = null;
        return false;
    }
}

// The self-test: the same scenario and checks as downloader-self-test.c.

function saveScreenshot(widget, path) {
    const width = widget.get_width();
    const height = widget.get_height();
    const snapshot = new Gtk.Snapshot();
    Gtk.WidgetPaintable.new(widget).snapshot(snapshot, width, height);
    const rect = new Graphene.Rect().init(0, 0, width, height);
    const texture = widget.get_native().get_renderer().render_texture(snapshot.to_node(), rect);
    if (!texture.save_to_png(path))
        throw new Error(`could not save ${path}`);
    print(`self-test: screenshot ${width}x${height} saved to ${path}`);
}

class SelfTest {
    static N_JOBS = 8;
    static EXPECTED = [
        State.CANCELLED,  // while paused, holding the disk lock
        State.CANCELLED,  // while running a step
        State.CANCELLED,  // while waiting for the disk lock
        State.DONE,
        State.CANCELLED,  // after its slot was granted, before it knew
        State.CANCELLED,  // while queued for a slot
        State.DONE,
        State.DONE,
    ];

    constructor(downloader, screenshotPath) {
        this.d = downloader;
        this.screenshotPath = screenshotPath;
        this.phase = 'loading';
        this.failures = 0;
        this.stepId = 0;
        this.seen = [];
        this.maxHolders = 0;
        this.maxDiskWaiting = 0;
        this.lastNotifiedValue = downloader.slots.get_value();
    }

    check(cond, message) {
        if (!cond) {
            this.failures++;
            printerr(`self-test: FAIL (${this.phase}) ${message}`);
        }
    }

    job(i) {
        return this.d.jobs[i];
    }

    start() {
        const d = this.d;
        d.onJobChanged = job => this._jobChanged(job);
        d.slots.connect('notify::value', slots => {
            this.lastNotifiedValue = slots.get_value();
            this._schedule();
        });
        // A watchdog, not a timing assertion: a stuck script fails.
        this.watchdogId = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 40, () => {
            this.watchdogId = 0;
            this.check(false, 'stuck: nothing moved on for too long');
            this._finish();
            return GLib.SOURCE_REMOVE;
        });
        d.pauseButton.active = true;  // start paused
        d.readManifest(SelfTest.N_JOBS, 0);
    }

    _jobChanged(job) {
        const d = this.d;
        const holders = d.jobs.filter(j => j.hasSlot).length;
        const diskHolders = d.jobs.filter(j => j.hasDisk).length;
        const permitsOut = N_SLOTS - d.slots.get_value();

        (this.seen[job.index] ??= new Set()).add(job.state);
        this.maxHolders = Math.max(this.maxHolders, holders);
        this.maxDiskWaiting = Math.max(this.maxDiskWaiting, d.disk.get_n_waiting());
        this.check(holders <= N_SLOTS, `${holders} jobs hold a slot`);
        this.check(permitsOut >= holders, `${permitsOut} permits out, ${holders} holders`);
        this.check(diskHolders <= 1, `${diskHolders} jobs hold the disk lock`);
        this.check(diskHolders === 0 || d.disk.is_locked(), 'a holder, but unlocked');

        // Jobs 0 and 2 step in lockstep, job 0 first: it took the disk
        // lock, job 2 is about to queue behind it.  Pause now, while job 0
        // is at most in its first write step: it pauses holding the lock.
        if (this.phase === 'waiting-for-disk' && job.index === 2 && job.state === State.WAITING_DISK) {
            this.check(d.disk.is_locked() && !this.job(0).ended, `job 0 is ${this.job(0).state}`);
            this.phase = 'pausing';
            d.pauseButton.active = true;
        }

        // Job 2's end has just handed its slot to job 4, whose await has
        // not resumed yet: cancel job 4 now.  It still gets the slot and
        // must give it back.
        if (this.phase === 'cancelling-paused' && job.index === 2 && job.state === State.CANCELLED) {
            this.check(this.job(4).state === State.QUEUED && !this.job(4).hasSlot,
                `job 4 is ${this.job(4).state}`);
            this.check(d.slots.get_n_waiting() === 2, `${d.slots.get_n_waiting()} wait for a slot`);
            this.job(4).cancel();
        }
        this._schedule();
    }

    _schedule() {
        if (this.stepId === 0 && this.phase !== 'over') {
            // PRIORITY_DEFAULT, like the jobs' own sources: an idle at the
            // default idle priority could wait behind frame after frame.
            this.stepId = GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
                this.stepId = 0;
                this._step();
                return GLib.SOURCE_REMOVE;
            });
        }
    }

    _step() {
        const d = this.d;
        const job = i => this.job(i);

        switch (this.phase) {
        case 'loading':
            if (d.jobs.length < SelfTest.N_JOBS ||
                d.slots.get_n_waiting() !== SelfTest.N_JOBS - N_SLOTS ||
                d.running.get_n_waiting() !== N_SLOTS)
                return;
            this.phase = 'running';
            d.pauseButton.active = false;
            return;

        case 'running':
            if (job(0).step < 1)
                return;
            this.check(job(1).hasSlot && !job(1).ended, 'job 1 is not running');
            this.check(job(5).state === State.QUEUED, `job 5 is ${job(5).state}`);
            this.phase = 'cancelling';
            job(1).cancel();
            job(5).cancel();
            this.check(d.slots.get_n_waiting() === SelfTest.N_JOBS - N_SLOTS - 1,
                'a cancelled waiter must leave the queue at once');
            return;

        case 'cancelling':
            if (!job(1).ended || !job(5).ended || !job(3).hasSlot)
                return;
            this.check([...this.seen[5]].join() === [State.QUEUED, State.CANCELLED].join(),
                `job 5 went through ${[...this.seen[5]]}`);
            this.check(this.seen[1].has(State.DOWNLOADING), 'job 1 never ran');
            this.phase = 'waiting-for-disk';
            return;

        case 'pausing': {
            // Every slot holder sits in a queue, and the counts match the
            // primitives' own: a job whose wait was granted but whose await
            // has not resumed yet still shows its old state.
            const holders = d.jobs.filter(j => j.hasSlot);
            const paused = holders.filter(j => j.state === State.PAUSED).length;
            const waitingDisk = holders.filter(j => j.state === State.WAITING_DISK).length;
            if (holders.length !== N_SLOTS || paused + waitingDisk !== N_SLOTS ||
                paused !== d.running.get_n_waiting() || waitingDisk !== d.disk.get_n_waiting())
                return;
            this.check(job(0).state === State.PAUSED && job(0).hasDisk, `job 0 is ${job(0).state}`);
            this.check(job(2).state === State.WAITING_DISK, `job 2 is ${job(2).state}`);
            this.check(d.slots.get_n_waiting() === 3, `${d.slots.get_n_waiting()} wait for a slot`);
            this._screenshotThenGoOn();
            return;
        }

        case 'cancelling-paused':
            if (!job(0).ended || !job(2).ended || !job(4).ended ||
                !job(6).hasSlot || !job(7).hasSlot)
                return;
            this.check(this.seen[4].has(State.PAUSED), 'job 4 never held its slot');
            this.check(!d.disk.is_locked(), 'cancelling the holder leaked the disk lock');
            this.phase = 'finishing';
            d.pauseButton.active = false;
            return;

        case 'finishing':
            if (!d.jobs.every(j => j.ended))
                return;
            this.phase = 'settling';
            this.check(d.slots.get_value() === N_SLOTS, `${d.slots.get_value()} permits back`);
            this.check(d.slots.get_n_waiting() === 0, 'slot waiters left');
            this.check(!d.disk.is_locked(), 'the disk lock leaked');
            this.check(d.disk.get_n_waiting() === 0, 'disk waiters left');
            this.check(d.running.get_n_waiting() === 0, 'event waiters left');
            // falls through

        case 'settling':
            // Coalesced and delivered from a later iteration: wait for it.
            if (this.lastNotifiedValue === N_SLOTS)
                this._finish();
        }
    }

    _screenshotThenGoOn() {
        this.phase = 'screenshot';
        const goOn = () => {
            if (this.screenshotPath)
                saveScreenshot(this.d.window, this.screenshotPath);
            this.phase = 'cancelling-paused';
            this.job(2).cancel();  // waiting for the disk lock
            this.check(this.d.disk.get_n_waiting() === 0,
                'a cancelled waiter must leave the queue at once');
            this.job(0).cancel();  // paused, holding the disk lock
        };
        if (!this.screenshotPath) {
            goOn();
            return;
        }
        // Once the frame showing the paused state has been painted.
        const clock = this.d.window.get_frame_clock();
        const id = clock.connect('after-paint', () => {
            clock.disconnect(id);
            GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
                goOn();
                return GLib.SOURCE_REMOVE;
            });
        });
        this.d.window.queue_draw();
    }

    _finish() {
        if (this.watchdogId)
            GLib.source_remove(this.watchdogId);
        this.phase = 'over';
        SelfTest.EXPECTED.forEach((state, i) => this.check(this.job(i)?.state === state,
            `job ${i} ended ${this.job(i)?.state}, expected ${state}`));
        print(`self-test: cap ${N_SLOTS}, at most ${this.maxHolders} jobs held a slot, ` +
            `at most ${this.maxDiskWaiting} waited for the disk`);
        this.d.jobs.forEach(j => print(`self-test: job ${j.index} ${j.name.padEnd(32)} ${j.state}`));
        print(`self-test: ${this.failures === 0 ? 'PASS' : 'FAIL'}`);
        this.d.window.close();
    }

    get passed() {
        return this.phase === 'over' && this.failures === 0;
    }
}

// The application.

const app = new Gtk.Application({application_id: 'org.asyncsync.DownloaderJs'});
let downloader = null;
let selfTest = null;
let screenshotPath = null;

app.add_main_option('self-test', 0, GLib.OptionFlags.NONE, GLib.OptionArg.NONE,
    'Run a scripted scenario, check the invariants, exit 0 if they held', null);
app.add_main_option('screenshot', 0, GLib.OptionFlags.NONE, GLib.OptionArg.STRING,
    'With --self-test: save a PNG of the window mid-run', 'FILE');

app.connect('handle-local-options', (_app, options) => {
    const selfTesting = options.contains('self-test');
    screenshotPath = options.lookup_value('screenshot', null)?.unpack() ?? null;
    if (selfTesting)
        app.flags |= Gio.ApplicationFlags.NON_UNIQUE;
    downloader = new Downloader(app, selfTesting ? 15 : 450);
    selfTest = selfTesting ? new SelfTest(downloader, screenshotPath) : null;
    return -1;
});

app.connect('activate', () => {
    if (downloader.window) {
        downloader.window.present();
        return;
    }
    downloader.buildWindow();
    downloader.window.present();
    if (selfTest)
        selfTest.start();
    else
        downloader.readManifest(6, 300);
});

let status = app.run([System.programInvocationName, ...ARGV]);
if (status === 0 && selfTest && !selfTest.passed)
    status = 1;
System.exit(status);
