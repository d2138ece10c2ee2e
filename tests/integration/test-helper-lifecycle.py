#!/usr/bin/python3
# portier-helper: an opening ends when Portier says it ends. On nftables, with the real
# polkitd on a private system bus:
# - "while Portier runs" ends when the program that asked for it dies (SIGKILL);
# - after sleep (logind's PrepareForSleep(false)) a rule whose time is over is removed;
# - the user who opened a port closes it without a password; another user cannot, and
#   sees neither the rule nor its id;
# - a flood of calls from one user does not hold up another user's close.
# logind cannot run here (it needs systemd as PID 1), so the PrepareForSleep signal comes
# from python-dbusmock's logind template on the private bus. Prints TAP.
#
#   test-helper-lifecycle.py HELPER PORTIERCTL POLICY BUS_POLICY
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

pt.enter_namespaces()

HELPER, PORTIERCTL, POLICY, BUS_POLICY = sys.argv[1:5]
LOGIND_NAME = "org.freedesktop.login1"
DAEMON = 1      # a second user, besides nobody
tap = pt.Tap()

RULESET = """
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    meta l4proto ipv6-icmp accept
  }
}
"""

# nobody may open any port; nobody else may do anything without an administrator.
NOBODY_OPENS = """
polkit.addRule(function(action, subject) {
    if (action.id == "io.github.portier_app.Portier.open-port" && subject.user == "nobody") {
        return polkit.Result.YES;
    }
});
"""

LOGIND_POLICY = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.login1"/>
    <allow send_destination="org.freedesktop.login1"/>
  </policy>
</busconfig>
"""

class Context:
    pass


def setup():
    ctx = Context()
    pt.private_filesystems()
    ctx.net = pt.Network()
    pt.run("nft", "-f", "-", input=RULESET)
    logind_policy = os.path.join(pt.WORK, "login1-test.conf")
    with open(logind_policy, "w") as f:
        f.write(LOGIND_POLICY)
    ctx.world = pt.World(HELPER, POLICY, BUS_POLICY, extra_bus_policies=[logind_policy])
    ctx.logind = subprocess.Popen(["/usr/bin/python3", "-m", "dbusmock", "--system",
                                   "--template", "logind"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pt.wait_for(lambda: ctx.world.has_owner(LOGIND_NAME), "the fake logind")
    ctx.world.start_helper()
    return ctx


def ctl(*args, **kwargs):
    return pt.portierctl(PORTIERCTL, *args, **kwargs)


def ours_in_ruleset():
    return "portier:" in pt.nft_ruleset()


@tap.test
def while_portier_runs_ends_when_portierctl_is_killed(ctx):
    before = pt.nft_ruleset()
    env = dict(os.environ, LC_ALL="C.UTF-8", DBUS_SYSTEM_BUS_ADDRESS=pt.BUS_ADDRESS,
               PORTIER_STATE_DIR=os.path.join(pt.WORK, "state"),
               PORTIER_PROBE_SERVER="http://127.0.0.1:9/")
    proc = subprocess.Popen([PORTIERCTL, "open", "25565/tcp", "--no-router", "--no-verify",
                             "--hold"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        pt.wait_for(ours_in_ruleset, "the rule", timeout=30)
        assert ctx.net.reaches(25565)
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    killed = time.monotonic()
    pt.wait_for(lambda: not ours_in_ruleset(), "the rule to go with portierctl", timeout=2)
    pt.log(f"the rule went {time.monotonic() - killed:.2f} s after portierctl died")
    assert not ctx.net.reaches(25565)
    assert pt.call("ListRules", None) == ("ok", [[]])
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def after_sleep_a_rule_whose_time_is_over_is_gone_within_a_second(ctx):
    before = pt.nft_ruleset()
    status, answer = pt.call("OpenPort", "(qqssubsb)", 6161, 6161, "tcp", "", 3, False,
                             "Sleep test", False)
    assert status == "ok" and answer[1]["status"] == "opened", answer
    # The computer "sleeps" through the end: the helper does not run meanwhile.
    os.kill(ctx.world.helper.pid, signal.SIGSTOP)
    try:
        time.sleep(4)
    finally:
        os.kill(ctx.world.helper.pid, signal.SIGCONT)
    pt.run("gdbus", "call", "--system", "--dest", LOGIND_NAME, "--object-path",
           "/org/freedesktop/login1", "--method", "org.freedesktop.DBus.Mock.EmitSignal",
           "org.freedesktop.login1.Manager", "PrepareForSleep", "b", "[<false>]")
    pt.wait_for(lambda: pt.nft_ruleset() == before, "the rule to go after waking", timeout=1)
    pt.wait_for(lambda: "woke up" in ctx.world.helper_output(),
                "the helper to look again after waking", timeout=5)
    assert pt.call("ListRules", None) == ("ok", [[]])


@tap.test
def the_owner_closes_their_own_port_and_nobody_else_can(ctx):
    ctx.world.set_polkit_rules(NOBODY_OPENS)
    before = pt.nft_ruleset()
    doc = ctl("open", "8080", "--no-router", "--no-verify", "--lease", "600", "--json",
              user=pt.NOBODY, check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    rule_id = doc["firewall"]["rules"][0]

    # Another user: refused, and the rule stays; they see neither it nor its id.
    answer = pt.call("ClosePort", "(sb)", rule_id, False, user=DAEMON)
    assert answer == ("error", pt.error_name("NotAuthorized")), answer
    assert ctx.net.reaches(8080)
    assert pt.call("ListRules", None, user=DAEMON) == ("ok", [[]])
    status, answer = pt.call("QueryPort", "(qqs)", 8080, 8080, "tcp", user=DAEMON)
    assert status == "ok" and answer[0]["status"] == "open", answer
    assert "rule-id" not in answer[0], answer

    # The owner and root see it.
    status, rules = pt.call("ListRules", None, user=pt.NOBODY)
    assert status == "ok" and [r["id"] for r in rules[0]] == [rule_id], rules
    status, rules = pt.call("ListRules", None)
    assert status == "ok" and [r["id"] for r in rules[0]] == [rule_id], rules

    # The owner closes it: no rule for close-port, no agent, no password.
    closed = ctl("close", rule_id, "--json", user=pt.NOBODY, check_status=0)
    assert closed["closed"] == [doc["id"]] and closed["errors"] == [], closed
    assert not ctx.net.reaches(8080)
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def a_flood_from_one_user_does_not_hold_up_the_owners_close(ctx):
    ctx.world.set_polkit_rules(NOBODY_OPENS)
    status, answer = pt.call("OpenPort", "(qqssubsb)", 8181, 8181, "tcp", "", 600, False,
                             "", False, user=pt.NOBODY)
    assert status == "ok" and answer[1]["status"] == "opened", answer
    rule_id = answer[0]
    closed, counts = pt.close_during_a_flood(rule_id, flooder=DAEMON, owner=pt.NOBODY)
    pt.log(f"the close took {closed['seconds']:.2f} s during the flood; flood answers: "
           f"{counts}")
    assert closed["result"] == "ok", closed
    # A generous budget: the point is that it is not refused or queued behind the flood.
    assert closed["seconds"] < 10, closed
    assert not ctx.net.reaches(8181)
    assert counts.get(pt.error_name("NotAuthorized"), 0) > 0, counts
    assert pt.call("ListRules", None) == ("ok", [[]])


@tap.test
def the_helper_exits_cleanly(ctx):
    ctx.world.stop_helper()


sys.exit(tap.run(setup))
