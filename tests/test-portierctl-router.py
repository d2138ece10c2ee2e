#!/usr/bin/python3
# portierctl open, close, list and status: usage and bad input, and what they say when
# there is no router at all. Every run is inside a new, empty network namespace (no
# interfaces but loopback), so nothing here can reach a real network. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import tap

PORTIERCTL = sys.argv[1]
TESTS = []
HOME = tempfile.mkdtemp(prefix="portierctl-router-")


def test(function):
    TESTS.append(function)
    return function


def isolation():
    """A command prefix that runs in an empty network namespace, or None."""
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
                return prefix
        except FileNotFoundError:
            return None
    return None


PREFIX = isolation()


def run(*args, status=None):
    env = dict(os.environ, LC_ALL="C.UTF-8", XDG_CACHE_HOME=os.path.join(HOME, "cache"),
               XDG_STATE_HOME=os.path.join(HOME, "state"))
    proc = subprocess.run([*PREFIX, PORTIERCTL, *args], capture_output=True, text=True,
                          env=env, timeout=60)
    for stream in (proc.stdout, proc.stderr):
        assert "CRITICAL" not in stream and "WARNING" not in stream, stream
    if status is not None:
        assert proc.returncode == status, (
            f"{args}: exit {proc.returncode}, wanted {status}\n{proc.stdout}\n{proc.stderr}")
    return proc


@test
def bad_usage_exits_2_before_touching_any_network():
    cases = [
        ("open",),
        ("open", "25565", "25566", "--no-firewall", "--no-verify"),
        ("open", "99999", "--no-firewall", "--no-verify"),
        ("open", "no-such-app", "--no-firewall", "--no-verify"),
        ("open", "25565", "--no-firewall", "--no-verify", "--lease", "0"),
        ("open", "25565", "--no-firewall", "--no-verify", "--lease", "604801"),
        ("open", "25565", "--no-firewall", "--no-verify", "--lease", "60", "--permanent"),
        ("open", "25565", "--no-firewall", "--no-verify", "--external-port", "0"),
        ("open", "25565", "--no-firewall", "--no-verify", "--external-port", "http"),
        ("open", "25565", "--no-firewall", "--no-verify", "--app", "no-such-app"),
        ("open", "100-200", "--no-firewall", "--no-verify", "--external-port", "65500"),
        ("close",),
        ("close", "--all", "25565"),
        ("close", "25565", "25566"),
        ("close", "not-an-app-or-id"),
        ("close", "70000"),
        ("list", "25565"),
        ("status", "25565"),
    ]
    for args in cases:
        start = time.monotonic()
        proc = run(*args, status=2)
        assert proc.stderr.startswith("portierctl: "), (args, proc.stderr)
        assert proc.stdout == "", (args, proc.stdout)
        assert time.monotonic() - start < 5, args


@test
def without_a_router_status_and_list_say_so():
    doc = json.loads(run("status", "--json", status=0).stdout)
    assert doc["router"]["found"] is False
    assert doc["router"]["error_name"] == "RouterNotFound"
    out = run("status", status=0).stdout
    assert "did not answer" in out, out
    doc = json.loads(run("list", "--json", status=0).stdout)
    assert doc["openings"] == [] and doc["router_mappings"] == []
    assert doc["router"]["found"] is False


@test
def without_a_router_open_fails_with_its_reason():
    proc = run("open", "25565", "--no-firewall", "--no-verify", "--json", status=1)
    doc = json.loads(proc.stdout)
    assert doc["router"]["status"] == "failed"
    assert doc["router"]["error_name"] == "RouterNotFound"
    assert doc["status"] == "failed" and doc.get("share") is None, doc
    assert doc["port"] == {"first": 25565, "last": 25565, "protocol": "tcp"}
    proc = run("open", "25565", "--no-firewall", "--no-verify", status=1)
    assert "UPnP or NAT-PMP" in proc.stderr, proc.stderr
    # Nothing stays recorded.
    ledger = os.path.join(HOME, "state", "portier", "openings.json")
    assert not os.path.exists(ledger) or json.load(open(ledger))["openings"] == []
    # --no-router: nothing to do, nothing done, nothing recorded.
    doc = json.loads(run("open", "25565", "--no-firewall", "--no-verify", "--no-router",
                         "--json", status=0).stdout)
    assert doc["router"]["status"] == "skipped" and doc["id"] == "", doc


@test
def a_damaged_record_is_said_and_set_aside():
    state = os.path.join(HOME, "state", "portier")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "openings.json"), "w") as f:
        f.write("{ not json")
    proc = run("list", status=0)
    assert "was damaged" in proc.stderr, proc.stderr
    assert [n for n in os.listdir(state) if n.startswith("openings.json.damaged")]
    # Said once: the record is whole again.
    assert "damaged" not in run("list", status=0).stderr


@test
def help_names_the_router_commands():
    out = run("--help", status=0).stdout
    for command in ("open", "close", "list", "status"):
        assert f"  {command} " in out, out
    assert "--external-port" in run("open", "--help", status=0).stdout


def main():
    if PREFIX is None:
        print("1..0 # SKIP cannot make an empty network namespace here")
        return 0
    try:
        return tap.run(TESTS)
    finally:
        shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
