#!/usr/bin/python3
# The wizard's start, next to the firewall GUIs people would otherwise use: time from
# starting the program to its first frame on screen, and its peak memory, for portier,
# gufw (ufw's GUI) and firewall-config (firewalld's), in the same run, on the same X
# server (Xvfb) and the same private D-Bus buses. The first frame is the first time the
# window shows something drawn, not the moment it is mapped (see first-frame.c).
#
# No toolkit build can start within a fraction of the GTK 3 firewall tools' time on a
# machine without a GPU, but what Portier adds on top of its toolkit is its own. Two
# floors are measured in the same run: an empty libadwaita window and a plain GTK 4
# window, each with one line of text, at Portier's size. The targets, each checked on the
# medians of one run:
#   - time to the first frame at most 1.25 times the empty libadwaita window's,
#   - and no more than firewall-config's;
#   - peak memory at most 1.25 times the empty libadwaita window's.
# Xvfb has no GPU, so GTK 4 draws with Mesa's software GL (llvmpipe) and compiles its
# shaders on the processor; the rows marked "cairo renderer" start the same programs with
# GSK_RENDERER=cairo to show how much of the time that is. They are for information only;
# Portier leaves the renderer to GTK. So is the row "libadwaita + header bar": the empty
# libadwaita window with a header bar above its text, the least a libadwaita window has
# for people to move and close it. The processor time each program had used by its
# first frame is shown too: on a machine busy with other work, the time to the first
# frame also counts the waiting for a processor.
#
#   ui.py BUILD_DIR     (tools/bench ui passes a release build: what people run)
#
# The first run of each program is reported on its own ("first", nearest to a cold start
# this machine allows: its page cache cannot be dropped); the medians are over the runs
# after it. Neither firewall is running: gufw reads ufw's status, firewall-config waits
# for firewalld. Everything runs in an empty network namespace of its own: Portier looks
# for the home router after its first frame, and that must not reach this machine's
# network; it does not look from the welcome page (PORTIER_DISCOVER_ROUTER=0).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
FIRST_FRAME = os.path.join(BUILD, "tests", "bench", "first-frame")
PORTIER = os.path.join(BUILD, "src", "app", "portier")
PYTHON = "/usr/bin/python3"
# A program's time to its first frame spreads widely on a virtual machine without a GPU
# (the empty libadwaita window: 173 to 264 ms within one run of 25), so each program runs
# ten times after its first. Even so, the medians move with the machine's drift from one
# run of the benchmark to the next; the round-by-round ratio below moves less.
RUNS = 11

# The restated start-up target (see above).
FRAME_VS_EMPTY = 1.25
RSS_VS_EMPTY = 1.25
EMPTY = "empty libadwaita window"
HEADER = "libadwaita + header bar"

EMPTY_WINDOW = os.path.join(BUILD, "tests", "bench", "empty-window")
GTK_WINDOW = os.path.join(BUILD, "tests", "bench", "gtk-window")
HEADER_WINDOW = os.path.join(BUILD, "tests", "bench", "header-window")
CAIRO = {"GSK_RENDERER": "cairo"}

# name, command, extra environment, and what the row is: the program measured, a floor,
# a peer it is compared with, or information.
PROGRAMS = [
    ("portier", [PORTIER], {}, "portier"),
    (EMPTY, [EMPTY_WINDOW], {}, "floor"),
    ("empty GTK 4 window", [GTK_WINDOW], {}, "floor"),
    (HEADER, [HEADER_WINDOW], {}, "info"),
    ("gufw", [PYTHON, "/usr/share/gufw/gufw/gufw.py", "root"], {}, "peer"),
    ("firewall-config", [PYTHON, "/usr/bin/firewall-config"], {}, "peer"),
    ("portier, cairo renderer", [PORTIER], CAIRO, "info"),
    ("empty libadwaita, cairo", [EMPTY_WINDOW], CAIRO, "info"),
]


def free_display():
    for number in range(120, 180):
        if not os.path.exists(f"/tmp/.X{number}-lock"):
            return number
    raise RuntimeError("no free X display number")


def wait_for(path):
    for _ in range(200):
        if os.path.exists(path):
            return
        time.sleep(0.025)
    raise RuntimeError(f"{path} did not appear")


def measure(argv, env):
    proc = subprocess.run([FIRST_FRAME, "--settle", "2", "--timeout", "60", "--", *argv],
                          capture_output=True, text=True, env=env, timeout=120)
    match = re.search(r"first_frame_ms=([\d.]+) peak_rss_kb=(\d+) pid=\d+ cpu_ms=(\d+)",
                      proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"{argv[0]}: {proc.stdout}{proc.stderr[-2000:]}")
    return float(match[1]), int(match[2]) / 1024, int(match[3])


def in_empty_network():
    """Runs this script again in a network namespace of its own with only loopback, down."""
    if os.environ.get("PORTIER_BENCH_UI_NETNS") == "1":
        return None
    unshare = ["unshare", "--net"] if os.geteuid() == 0 else \
        ["unshare", "--user", "--map-root-user", "--net"]
    env = {**os.environ, "PORTIER_BENCH_UI_NETNS": "1"}
    return subprocess.run([*unshare, PYTHON, os.path.abspath(__file__), BUILD], env=env).returncode


def main():
    status = in_empty_network()
    if status is not None:
        return status

    needed = {FIRST_FRAME}
    needed |= {arg for _, argv, _, _ in PROGRAMS for arg in argv if arg.startswith("/")}
    for path in sorted(needed):
        if not os.path.exists(path):
            print(f"missing {path}: build Portier, and install gufw and firewall-config")
            return 2

    work = tempfile.mkdtemp(prefix="portier-bench-ui-")
    procs = []
    try:
        display = free_display()
        procs.append(subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x1024x24",
                                       "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        wait_for(f"/tmp/.X11-unix/X{display}")
        buses = {}
        for name in ("session", "system"):
            socket = os.path.join(work, f"{name}-bus")
            procs.append(subprocess.Popen(["dbus-daemon", "--session", "--nofork",
                                           f"--address=unix:path={socket}"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for(socket)
            buses[name] = f"unix:path={socket}"

        env = {
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME": work,
            "LANG": "C.UTF-8",
            "DISPLAY": f":{display}",
            "DBUS_SESSION_BUS_ADDRESS": buses["session"],
            "DBUS_SYSTEM_BUS_ADDRESS": buses["system"],
            "XDG_RUNTIME_DIR": work,
            "GSETTINGS_BACKEND": "memory",
            "GSETTINGS_SCHEMA_DIR": os.path.join(BUILD, "data"),
            "NO_AT_BRIDGE": "1",
            "GTK_A11Y": "none",
            "PORTIER_STATE_DIR": os.path.join(work, "state"),
            "PORTIER_DISCOVER_ROUTER": "0",
            "PORTIER_MODULE_DIR": os.path.join(BUILD, "src", "core"),
        }

        results = {name: [] for name, *_ in PROGRAMS}
        for _ in range(RUNS):
            for name, argv, extra, _ in PROGRAMS:
                results[name].append(measure(argv, {**env, **extra}))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)

    def median(values):
        return statistics.median(values)

    summary = {}
    print(f"{'program':24} {'first run':>10} {'median':>10} {'min':>8} {'CPU':>8} "
          f"{'peak RSS':>10}")
    for name, *_ in PROGRAMS:
        runs = results[name]
        frames = [ms for ms, _, _ in runs[1:]]
        rss = median([mb for _, mb, _ in runs[1:]])
        cpu = median([cpu for _, _, cpu in runs[1:]])
        summary[name] = (median(frames), rss, cpu)
        print(f"{name:24} {runs[0][0]:7.0f} ms {median(frames):7.0f} ms {min(frames):5.0f} ms "
              f"{cpu:5.0f} ms {rss:7.0f} MB")
    print(f"(time from start to first frame; CPU: processor time used by then; {RUNS - 1} runs "
          f"after the first; peak RSS of the program and its children)")

    frame, rss, cpu = summary["portier"]
    checks = [
        (f"time to first frame <= {FRAME_VS_EMPTY}x the {EMPTY}'s",
         frame / summary[EMPTY][0], FRAME_VS_EMPTY),
        ("time to first frame <= firewall-config's",
         frame / summary["firewall-config"][0], 1.0),
        (f"peak RSS <= {RSS_VS_EMPTY}x the {EMPTY}'s",
         rss / summary[EMPTY][1], RSS_VS_EMPTY),
    ]
    met = True
    for what, ratio, limit in checks:
        verdict = "met" if ratio <= limit else "NOT met"
        met = met and ratio <= limit
        print(f"portier: {what}: {ratio:.2f}x {verdict}")

    floors = [name for name, _, _, role in PROGRAMS if role == "floor"]
    for floor in floors:
        print(f"{floor}: portier takes {frame - summary[floor][0]:+.0f} ms, "
              f"{cpu - summary[floor][2]:+.0f} ms of processor time and "
              f"{rss - summary[floor][1]:+.0f} MB beyond it")
    # The machine's speed drifts over minutes; a program and the empty window started one
    # after the other in the same round share its state, so the ratio within each round
    # says more about Portier's own cost than the ratio of medians taken minutes apart.
    paired = [p[0] / e[0] for p, e in zip(results["portier"][1:], results[EMPTY][1:])]
    print(f"portier / {EMPTY}, round by round: median {median(paired):.2f}x, "
          f"from {min(paired):.2f}x to {max(paired):.2f}x (information)")
    print(f"portier / {HEADER}: {frame / summary[HEADER][0]:.2f}x its time to the first frame "
          f"(information)")
    for peer in [name for name, _, _, role in PROGRAMS if role == "peer"]:
        print(f"portier / {peer}: {frame / summary[peer][0]:.0%} of its time to the first "
              f"frame (information)")
    return 0 if met else 1

if __name__ == "__main__":
    sys.exit(main())
