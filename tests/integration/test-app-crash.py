#!/usr/bin/python3
# "While Portier runs" ends when the app dies: the real app (its window on an X server of
# its own, its own session bus) on the home computer of the simulated home network, with
# an nftables drop policy, the real portier-helper behind the real polkitd, and the real
# router. The app opens a port "while Portier runs" (its test action, see
# portier-application.c), is killed with SIGKILL, and
#   - the firewall rule is gone within 2 s (the helper watches the app's bus name);
#   - the router forward has a lease of minutes, not an hour (the default), renewed while
#     the app lives; with a lease of 10 s asked for through the test action, the forward
#     outlives its first lease while the app runs and is gone within a lease after the
#     app died;
#   - the next portierctl finds the dead app's opening and closes what is left.
#
#   test-app-crash.py HELPER PORTIERCTL POLICY BUS_POLICY PROBE_SERVER PORTIER
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from home import ComputerHome  # noqa: E402
from testbed import free_display, main, test  # noqa: E402

HELPER, PORTIERCTL, POLICY, BUS_POLICY, PROBE_SERVER, PORTIER = [
    os.path.abspath(a) for a in sys.argv[1:7]]
del sys.argv[1:7]
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(PORTIER)))
SESSION_BUS = "unix:path=/run/portier-test/session-bus"
PORT = 25565
# What the lease of a forward "while Portier runs" may be at most (minutes, not hours).
SHORT_LEASE = 300
# The lease the second case asks for, to watch renewal and expiry within a test's time.
TEST_LEASE = 10


def wait_for(condition, what, timeout):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def app_env(home, display):
    return {
        "DISPLAY": f":{display}",
        "DBUS_SESSION_BUS_ADDRESS": SESSION_BUS,
        "PORTIER_TEST_ACTIONS": "1",
        "XDG_CONFIG_HOME": os.path.join(home.state, "config"),
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": os.path.join(BUILD, "data"),
        "GTK_A11Y": "none",
        "NO_AT_BRIDGE": "1",
        "ADW_DISABLE_PORTAL": "1",
    }


def start_app(home):
    """The app with its window, on an X server and a session bus of its own; returns the
    app's name on the session bus."""
    display = free_display()
    home.send({"start": "xvfb", "argv": ["Xvfb", f":{display}", "-screen", "0",
                                         "1024x768x24", "-nolisten", "tcp"]})
    wait_for(lambda: os.path.exists(f"/tmp/.X11-unix/X{display}"), "Xvfb", 10)
    home.send({"start": "bus", "argv": ["dbus-daemon", "--session", "--nofork",
                                        "--address", SESSION_BUS]})
    env = app_env(home, display)
    list_names = ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                  "--object-path", "/org/freedesktop/DBus", "--method",
                  "org.freedesktop.DBus.ListNames"]
    wait_for(lambda: home.send({"call": list_names, "env": env})["status"] == 0,
             "the session bus", 10)
    home.send({"start": "app", "argv": [PORTIER], "env": env})

    def app_name():
        names = home.send({"call": list_names, "env": env})["stdout"]
        return next((n.strip(" '[]()\n") for n in names.split(",")
                     if "io.github.portier_app.Portier" in n), None)
    return wait_for(app_name, "the app on its session bus", 30), env


def open_while_running(home, lease=0):
    """Starts the app and has it open PORT "while Portier runs" (a router lease of @lease
    seconds when not 0); returns once it said it opened."""
    name, env = start_app(home)
    path = "/" + name.replace(".", "/")
    activated = home.send({"call": [
        "gdbus", "call", "--session", "--dest", name, "--object-path", path,
        "--method", "org.gtk.Actions.Activate", "test-open-while-running",
        f"[<('{PORT}/tcp', uint32 {lease})>]", "{}"], "env": env})
    assert activated["status"] == 0, activated

    def said():
        text = home.send({"output": "app"})["text"]
        return text if "opened " in text or "failed: " in text else None
    output = wait_for(said, "the app to open the port", 60)
    assert "opened " in output, output


def forwards(net):
    return [m for m in net.router_mappings() if m["external_port"] == PORT]


@test
def while_portier_runs_ends_when_the_app_is_killed():
    with ComputerHome(HELPER, PORTIERCTL, POLICY, BUS_POLICY, PROBE_SERVER,
                      app=False) as home:
        net = home.net
        before = home.send({"ruleset": True})["ruleset"]
        open_while_running(home)
        ruleset = home.send({"ruleset": True})["ruleset"]
        assert "portier:" in ruleset, ruleset
        forwards = [m for m in net.router_mappings() if m["external_port"] == PORT]
        assert len(forwards) == 1 and 0 < forwards[0]["lease"] <= SHORT_LEASE, forwards
        assert net.reaches(PORT)

        # The app dies without a word to anyone.
        home.send({"kill": "app"})
        killed = time.monotonic()
        wait_for(lambda: "portier:" not in home.send({"ruleset": True})["ruleset"],
                 "the firewall rule to go with the app", 2)
        print(f"# the firewall rule went {time.monotonic() - killed:.2f} s after the app "
              "died", flush=True)
        assert home.send({"ruleset": True})["ruleset"] == before
        assert not net.reaches(PORT)

        # The forward ends by itself within minutes: its lease is short.
        forwards = [m for m in net.router_mappings() if m["external_port"] == PORT]
        assert len(forwards) == 1 and 0 < forwards[0]["lease"] <= SHORT_LEASE, forwards

        # The next portierctl finds the dead app's opening and closes what is left.
        closed, ruleset = home.json("close", "--all")
        assert closed["errors"] == [], closed
        assert ruleset == before
        assert [m for m in net.router_mappings() if m["external_port"] == PORT] == []

@test
def the_forward_is_renewed_while_the_app_runs_and_ends_after_it_died():
    with ComputerHome(HELPER, PORTIERCTL, POLICY, BUS_POLICY, PROBE_SERVER,
                      app=False) as home:
        net = home.net
        before = home.send({"ruleset": True})["ruleset"]
        open_while_running(home, lease=TEST_LEASE)
        opened = time.monotonic()
        found = forwards(net)
        assert len(found) == 1 and 0 < found[0]["lease"] <= TEST_LEASE, found

        # While the app runs, the forward outlives its first lease: it is renewed.
        time.sleep(TEST_LEASE * 1.5)
        found = forwards(net)
        assert len(found) == 1 and 0 < found[0]["lease"] <= TEST_LEASE, found
        assert net.reaches(PORT)

        home.send({"kill": "app"})
        killed = time.monotonic()
        print(f"# the app died {killed - opened:.1f} s after it opened", flush=True)

        # Nothing renews it now: the router ends it within one lease (and the router's
        # own clean-up round).
        wait_for(lambda: not forwards(net), "the forward to end by itself",
                 TEST_LEASE + 15)
        print(f"# the forward ended {time.monotonic() - killed:.1f} s after the app died",
              flush=True)
        assert not net.reaches(PORT)
        assert home.send({"ruleset": True})["ruleset"] == before


if __name__ == "__main__":
    sys.exit(main())
