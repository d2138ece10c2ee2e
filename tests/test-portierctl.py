#!/usr/bin/python3
# portierctl's contract: commands, JSON shapes, exit codes. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import socket
import subprocess
import sys

import tap

PORTIERCTL = sys.argv[1]
TESTS = []


def test(function):
    TESTS.append(function)
    return function


def run(*args, check_status=None):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.run([PORTIERCTL, *args], capture_output=True, text=True, env=env,
                          timeout=60)
    for stream in (proc.stdout, proc.stderr):
        assert "CRITICAL" not in stream and "WARNING" not in stream, stream
    if check_status is not None:
        assert proc.returncode == check_status, (
            f"{args}: exit {proc.returncode}, wanted {check_status}\n{proc.stderr}")
    return proc


@test
def apps_json_lists_real_apps():
    doc = json.loads(run("apps", "--json", check_status=0).stdout)
    apps = doc["apps"]
    assert len(apps) >= 40, len(apps)
    ids = [a["id"] for a in apps]
    assert len(ids) == len(set(ids))
    by_id = {a["id"]: a for a in apps}
    minecraft = by_id["minecraft-java"]
    assert minecraft["ports"][0]["spec"] == "25565/tcp"
    assert minecraft["ports"][0]["port"] == {"first": 25565, "last": 25565, "protocol": "tcp"}
    assert minecraft["risk"] == "low"
    assert by_id["ssh"]["risk"] == "high"
    for app in apps:
        for key in ("id", "name", "category", "icon", "risk", "note", "ports", "lan_only"):
            assert key in app, (app["id"], key)
        assert app["ports"], app["id"]


@test
def apps_search():
    doc = json.loads(run("apps", "--json", "valheim", check_status=0).stdout)
    assert [a["id"] for a in doc["apps"]] == ["valheim"]
    out = run("apps", "no-such-thing-at-all", check_status=0).stdout
    assert "No app matches" in out


@test
def apps_human_table():
    out = run("apps", check_status=0).stdout
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "App", "Ports"], lines[0]
    assert any(line.startswith("minecraft-java ") and "25565/tcp" in line for line in lines)


@test
def listening_finds_socket_opened_just_before():
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    udp.bind(("::", 0))
    try:
        tcp_port = tcp.getsockname()[1]
        udp_port = udp.getsockname()[1]
        doc = json.loads(run("listening", "--json", check_status=0).stdout)
        mine = [l for l in doc["listeners"] if l["port"] == tcp_port and l["protocol"] == "tcp"]
        assert len(mine) == 1, mine
        assert mine[0]["address"] == "127.0.0.1"
        assert mine[0]["scope"] == "loopback"
        assert mine[0]["family"] == "ipv4"
        assert mine[0]["pid"] == os.getpid()
        with open("/proc/self/comm") as f:
            assert mine[0]["process"] == f.read().strip()
        mine = [l for l in doc["listeners"] if l["port"] == udp_port and l["protocol"] == "udp"]
        assert len(mine) == 1, mine
        assert mine[0]["address"] == "::" and mine[0]["scope"] == "all"
        assert mine[0]["family"] == "ipv6"

        # Filtered by spec, only that port.
        doc = json.loads(run("listening", f"{tcp_port}/tcp", "--json", check_status=0).stdout)
        assert [l["port"] for l in doc["listeners"]] == [tcp_port]
        doc = json.loads(run("listening", f"{tcp_port}/udp", "--json", check_status=0).stdout)
        assert doc["listeners"] == []

        out = run("listening", f"{tcp_port}", check_status=0).stdout
        assert "this computer only" in out, out
    finally:
        tcp.close()
        udp.close()


BAD_SPECS = ["0", "65536", "-1", "80-70", "abc", "25565/icmp", "", "1-5000",
             "9" * 200, "25565/", "1--2", "\u00e9\u00e9", "25565/tcp; rm -rf /"]


@test
def bad_specs_exit_2_with_a_message():
    for spec in BAD_SPECS:
        proc = run("listening", spec, check_status=2)
        assert proc.stderr.startswith("portierctl: "), (spec, proc.stderr)
        assert len(proc.stderr.strip()) > len("portierctl: ") + 10, (spec, proc.stderr)
        assert proc.stdout == "", (spec, proc.stdout)


@test
def bad_usage_exits_2():
    run(check_status=2)
    run("frobnicate", check_status=2)
    run("apps", "--no-such-option", check_status=2)
    run("listening", "1", "2", check_status=2)


@test
def help_exits_0():
    assert "listening" in run("--help", check_status=0).stdout
    assert "--json" in run("apps", "--help", check_status=0).stdout


@test
def app_id_as_spec():
    doc = json.loads(run("listening", "minecraft-java", "--json", check_status=0).stdout)
    assert all(l["port"] == 25565 for l in doc["listeners"])


if __name__ == "__main__":
    sys.exit(tap.run(TESTS))
