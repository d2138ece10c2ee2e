#!/usr/bin/python3
# The wizard's start, next to the firewall GUIs people would otherwise use: time from
# starting the program to its first frame on screen, and its peak memory, for portier,
# gufw (ufw's GUI) and firewall-config (firewalld's), in the same run, on the same X
# server (Xvfb) and the same private D-Bus buses. The first frame is the first time the
# window shows something drawn, not the moment it is mapped (see first-frame.c).
# Target: Portier's time to the first frame at most a quarter of theirs.
#
# For scale, two floors are measured in the same run: an empty libadwaita window and a
# plain GTK 4 window, each with one line of text, at Portier's size. What they take, any
# program built on them takes too. Xvfb has no GPU, so GTK 4 draws with Mesa's software
# GL (llvmpipe) and compiles its shaders on the processor; the rows marked "cairo
# renderer" start the same programs with GSK_RENDERER=cairo to show how much of the time
# that is. They are for information only; Portier leaves the renderer to GTK.
#
#   ui.py BUILD_DIR
#
# The first run of each program is reported on its own ("first", nearest to a cold start
# this machine allows: its page cache cannot be dropped); the medians are over the runs
# after it. Neither firewall is running: gufw reads ufw's status, firewall-config waits
# for firewalld. Portier does not look for the home router (PORTIER_DISCOVER_ROUTER=0),
# which it does in the background after its first frame anyway.
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
RUNS = 6

EMPTY_WINDOW = os.path.join(BUILD, "tests", "bench", "empty-window")
GTK_WINDOW = os.path.join(BUILD, "tests", "bench", "gtk-window")
CAIRO = {"GSK_RENDERER": "cairo"}

# name, command, extra environment, and what the row is: the program measured, a floor,
# a peer it is compared with, or information.
PROGRAMS = [
    ("portier", [PORTIER], {}, "portier"),
    ("empty libadwaita window", [EMPTY_WINDOW], {}, "floor"),
    ("empty GTK 4 window", [GTK_WINDOW], {}, "floor"),
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
    match = re.search(r"first_frame_ms=([\d.]+) peak_rss_kb=(\d+)", proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"{argv[0]}: {proc.stdout}{proc.stderr[-2000:]}")
    return float(match[1]), int(match[2]) / 1024


def main():
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
    print(f"{'program':24} {'first run':>10} {'median':>10} {'min':>8} {'peak RSS':>10}")
    for name, *_ in PROGRAMS:
        runs = results[name]
        frames = [ms for ms, _ in runs[1:]]
        rss = median([mb for _, mb in runs[1:]])
        summary[name] = median(frames)
        print(f"{name:24} {runs[0][0]:7.0f} ms {median(frames):7.0f} ms {min(frames):5.0f} ms "
              f"{rss:7.0f} MB")
    print(f"(time from start to first frame; {RUNS - 1} runs after the first; peak RSS of the "
          f"program and its children)")

    met = True
    peers = [name for name, _, _, role in PROGRAMS if role == "peer"]
    floors = [name for name, _, _, role in PROGRAMS if role == "floor"]
    for peer in peers:
        ratio = summary["portier"] / summary[peer]
        verdict = "met" if ratio <= 0.25 else "NOT met"
        met = met and ratio <= 0.25
        print(f"portier / {peer}: {ratio:.0%} of its time to the first frame "
              f"(target <= 25%) {verdict}")
    for floor in floors:
        shares = ", ".join(f"{summary[floor] / summary[peer]:.0%} of {peer}'s" for peer in peers)
        print(f"{floor}: {shares}; portier takes {summary['portier'] - summary[floor]:+.0f} ms "
              f"beyond it")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
