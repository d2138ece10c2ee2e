#!/usr/bin/python3
# portier-helper with ufw: a port ufw blocks opens for another computer and closes again,
# and ufw's rules and the live tables end exactly as they began. ufw's configuration is a
# copy placed over /etc/ufw in this test's mount namespace only. Prints TAP.
#
#   test-helper-ufw.py HELPER PORTIERCTL POLICY BUS_POLICY
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

pt.enter_namespaces(needs=("ufw", "iptables-save", "systemd-tmpfiles"))

HELPER, PORTIERCTL, POLICY, BUS_POLICY = sys.argv[1:5]
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TMPFILES = os.path.join(SOURCE, "data", "portier-helper.tmpfiles.conf")
UNIT = os.path.join(SOURCE, "data", "portier-helper.service.in")
tap = pt.Tap()


class Context:
    pass


def ufw(*args):
    return pt.run("ufw", *args).stdout


def ufw_state():
    """Everything ufw holds: its rule files, its view, and the live tables."""
    parts = []
    for name in ("user.rules", "user6.rules"):
        with open(os.path.join("/etc/ufw", name)) as f:
            # the files carry the time of their last change in a comment
            parts.append("\n".join(line for line in f.read().splitlines()
                                   if not line.startswith("# Last modified")))
    parts.append(ufw("status", "verbose"))
    for program in ("iptables-save", "ip6tables-save"):
        text = pt.run(program).stdout
        # drop the "generated on <date>" comments and the packet counters, which the
        # test's own connections change
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        parts.append(re.sub(r"\[\d+:\d+\]", "[]", text))
    return "\n=====\n".join(parts)


def setup():
    ctx = Context()
    pt.private_filesystems()
    ctx.net = pt.Network()
    pt.overlay_directory("/etc/ufw")
    ufw("--force", "enable")
    assert ufw("status").startswith("Status: active")
    # The first change of any rule makes ufw rewrite its files and reload its user chains
    # in a slightly different shape than "enable" loaded them (ufw6-user-limit gains two
    # lines). Make that first change here, so the comparisons below see only Portier's.
    ufw("allow", "1/tcp")
    ufw("delete", "allow", "1/tcp")
    ctx.world = pt.World(HELPER, POLICY, BUS_POLICY)
    ctx.world.start_helper()
    return ctx


def ctl(*args, **kwargs):
    return pt.portierctl(PORTIERCTL, *args, **kwargs)


@tap.test
def blocked_then_open_then_blocked_again_and_ufw_is_unchanged(ctx):
    before = ufw_state()
    assert not ctx.net.reaches(8080), "ufw should block 8080 before"

    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert doc["firewall"]["backend"] == "ufw", doc
    rule_id = doc["firewall"]["rules"][0]
    assert f"portier:{rule_id}" in ufw("status"), "the rule carries Portier's mark"
    assert ctx.net.reaches(8080) and ctx.net.reaches(8080, family=6)

    ctl("close", rule_id, "--json", check_status=0)
    assert not ctx.net.reaches(8080)
    pt.assert_same(before, ufw_state())


@tap.test
def a_udp_range_opens_and_closes(ctx):
    before = ufw_state()
    doc = ctl("open", "7000-7010/udp", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert ctx.net.reaches(7005, "udp") and not ctx.net.reaches(7011, "udp")
    ctl("close", "7000-7010/udp", "--json", check_status=0)
    assert not ctx.net.reaches(7005, "udp")
    pt.assert_same(before, ufw_state())


@tap.test
def rules_made_outside_portier_survive_close_and_close_all(ctx):
    ufw("allow", "9090/tcp")
    ufw("allow", "9191/tcp", "comment", "made by hand")
    before = ufw_state()

    # The same ports: ufw would merge Portier's rule into these, so Portier adds nothing.
    for spec in ("9090", "9191"):
        doc = ctl("open", spec, "--no-router", "--no-verify", "--json", check_status=0)
        assert doc["firewall"]["status"] == "already-open", doc
        pt.assert_same(before, ufw_state())
        doc = ctl("close", spec, "--json", check_status=1)
        assert pt.error_code(doc) == "NotFound", doc

    # Other rules of Portier's come and go; the administrator's stay.
    ctl("open", "9092", "--no-router", "--no-verify", "--json", check_status=0)
    ctl("open", "9093/udp", "--no-router", "--no-verify", "--json", check_status=0)
    closed = ctl("close", "--all", "--json", check_status=0)
    assert len(closed["closed"]) == 2, closed
    pt.assert_same(before, ufw_state())
    assert ctx.net.reaches(9090) and ctx.net.reaches(9191)
    ufw("delete", "allow", "9090/tcp")
    ufw("delete", "allow", "9191/tcp")


@tap.test
def a_port_the_administrator_denied_stays_denied(ctx):
    ufw("deny", "9292/tcp")
    before = ufw_state()
    doc = ctl("open", "9292", "--no-router", "--no-verify", "--json", check_status=1)
    assert pt.error_code(doc["firewall"]) == "FirewallFailed", doc
    pt.assert_same(before, ufw_state())
    assert not ctx.net.reaches(9292)
    ufw("delete", "deny", "9292/tcp")


@tap.test
def hostile_calls_change_nothing(ctx):
    before = ufw_state()
    for args in [(0, 0, "tcp", "", 0, False, "", False),
                 (1, 5000, "tcp", "", 0, False, "", False),
                 (8080, 8080, "tcp; rm -rf /", "", 0, False, "", False),
                 (8080, 8080, "tcp", "", 0, False, "it's \"quoted\"", False),
                 (8080, 8080, "tcp", "", 0, False, "x" * 10240, False),
                 (8080, 8080, "tcp", "", 0, False, "two\nlines", False)]:
        answer = pt.call("OpenPort", "(qqssubsb)", *args)
        assert answer == ("error", pt.error_name("InvalidArgument")), (args, answer)
    answer = pt.call("ClosePort", "(sb)", "ffffffffffffffff", False)
    assert answer == ("error", pt.error_name("NotFound")), answer
    pt.assert_same(before, ufw_state())


@tap.test
def query_port_follows_ufw(ctx):
    status, answer = pt.call("QueryPort", "(qqs)", 8080, 8080, "tcp")
    assert status == "ok" and answer[0] == {"backend": "ufw", "status": "blocked", "zone": "",
                                            "panic-mode": False}, answer
    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", check_status=0)
    status, answer = pt.call("QueryPort", "(qqs)", 8080, 8080, "tcp")
    assert answer[0]["status"] == "open", answer
    assert answer[0]["rule-id"] == doc["firewall"]["rules"][0], answer
    ctl("close", doc["id"], "--json", check_status=0)


@tap.test
def after_a_crash_the_boot_command_removes_only_what_ended(ctx):
    before = ufw_state()
    live = pt.check_boot_after_a_crash(ctx.world, ctx.net, ctl, 5252, 5353)
    ctl("close", live["id"], "--json", check_status=0)
    pt.assert_same(before, ufw_state())


@tap.test
def a_ufw_that_fails_is_an_error_not_inactive(ctx):
    # ufw takes /run/ufw.lock for every command; where it cannot (a read-only path
    # under ProtectSystem=strict, here a folder in its place) it fails. The helper must
    # say so, and never fall through to editing ufw's tables with nft.
    before = ufw_state()
    nft_before = pt.nft_ruleset()
    lock = "/run/ufw.lock"
    if os.path.exists(lock):
        os.unlink(lock)
    os.mkdir(lock)
    try:
        assert pt.run("ufw", "status", check=False).returncode != 0
        answer = pt.call("GetInfo", None)
        assert answer == ("error", pt.error_name("FirewallFailed")), answer
        status, answer = pt.call("QueryPort", "(qqs)", 8080, 8080, "tcp")
        assert (status, answer) == ("error", pt.error_name("FirewallFailed")), answer
        doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", check_status=1)
        assert doc["firewall"]["status"] == "failed", doc
        # the attempt's packets move the counters of ufw's rules, and nothing else
        assert not ctx.net.reaches(8080), "8080 stays blocked"
        assert pt.nft_ruleset() == nft_before, "nothing was added behind ufw's back"
    finally:
        os.rmdir(lock)
    pt.assert_same(before, ufw_state())
    assert "ufw is installed but does not work" in ctx.world.helper_output()


@tap.test
def the_boot_unit_makes_ufws_lock_files(ctx):
    # tmpfiles.d makes the lock files at boot, so that the helper (ProtectSystem=strict)
    # may write them: the installed entry, applied to an empty root, makes both.
    root = os.path.join(pt.WORK, "tmpfiles-root")
    os.makedirs(os.path.join(root, "run"))
    pt.run("systemd-tmpfiles", "--create", f"--root={root}", TMPFILES)
    for name in ("ufw.lock", "xtables.lock"):
        assert os.path.isfile(os.path.join(root, "run", name)), name
    with open(UNIT) as f:
        unit = f.read()
    for name in ("/run/ufw.lock", "/run/xtables.lock"):
        assert f"-{name}" in unit, f"the helper may write {name}"


@tap.test
def ufw_switched_off_or_on_is_noticed_by_the_next_call(ctx):
    # ufw switched off or on is seen by the next call. (Each call asks about another
    # port: the helper keeps each answer for a moment.)
    def backend(port):
        status, answer = pt.call("QueryPort", "(qqs)", port, port, "tcp")
        assert status == "ok", answer
        return answer[0]["backend"]

    assert backend(8090) == "ufw"
    ufw("disable")
    try:
        assert backend(8091) != "ufw"
    finally:
        ufw("--force", "enable")
    assert backend(8092) == "ufw"


@tap.test
def the_helper_exits_cleanly(ctx):
    ctx.world.stop_helper()


sys.exit(tap.run(setup))
