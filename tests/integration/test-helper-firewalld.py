#!/usr/bin/python3
# portier-helper with firewalld: the real firewalld runs in this test's namespaces, on
# its private system bus, with a copy of its configuration. A port opens in the zone of
# the interface toward the gateway, closes again, and firewalld's runtime and permanent
# configuration and the nftables ruleset end exactly as they began. Without the helper,
# Portier talks to firewalld directly. Prints TAP.
#
#   test-helper-firewalld.py HELPER PORTIERCTL POLICY BUS_POLICY
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

pt.enter_namespaces(needs=("firewalld", "firewall-cmd"))

HELPER, PORTIERCTL, POLICY, BUS_POLICY = sys.argv[1:5]
FIREWALLD_NAME = "org.fedoraproject.FirewallD1"
tap = pt.Tap()


class Context:
    pass


def fwcmd(*args, check=True):
    return pt.run("firewall-cmd", *args, check=check).stdout


def state():
    """firewalld's runtime and permanent configuration, and the live ruleset."""
    return "\n=====\n".join([fwcmd("--list-all-zones"),
                             fwcmd("--permanent", "--list-all-zones"),
                             pt.nft_ruleset()])


def start_firewalld(ctx):
    log = open(os.path.join(pt.WORK, "firewalld.log"), "a")
    ctx.firewalld = subprocess.Popen(["firewalld", "--nofork", "--nopid",
                                      "--system-config", ctx.config,
                                      "--log-target", "console"],
                                     stdout=log, stderr=log)
    pt.wait_for(lambda: fwcmd("--state", check=False).strip() == "running", "firewalld",
                timeout=60, interval=0.2)


def setup():
    ctx = Context()
    pt.private_filesystems()
    ctx.net = pt.Network()
    ctx.config = os.path.join(pt.WORK, "firewalld")
    shutil.copytree("/etc/firewalld", ctx.config, symlinks=True)
    ctx.world = pt.World(HELPER, POLICY, BUS_POLICY,
                         extra_bus_policies=["/usr/share/dbus-1/system.d/FirewallD.conf"])
    start_firewalld(ctx)
    # The interface toward the gateway belongs to the "home" zone, for good.
    fwcmd("--permanent", "--zone=home", "--add-interface=veth-host")
    fwcmd("--reload")
    assert fwcmd("--get-zone-of-interface=veth-host").strip() == "home"
    ctx.world.start_helper()
    return ctx


def ctl(*args, **kwargs):
    return pt.portierctl(PORTIERCTL, *args, **kwargs)


@tap.test
def blocked_then_open_in_the_right_zone_then_blocked_and_firewalld_is_unchanged(ctx):
    before = state()
    assert not ctx.net.reaches(8080)
    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert doc["firewall"]["backend"] == "firewalld", doc
    assert doc["firewall"]["zone"] == "home", doc
    assert "8080/tcp" in fwcmd("--zone=home", "--list-ports").split()
    assert ctx.net.reaches(8080) and ctx.net.reaches(8080, family=6)
    ctl("close", doc["id"], "--json", check_status=0)
    assert not ctx.net.reaches(8080)
    pt.assert_same(before, state())


@tap.test
def a_range_around_a_port_opened_by_hand_gives_that_port_back(ctx):
    fwcmd("--zone=home", "--add-port=8005/tcp")
    before = state()
    doc = ctl("open", "8000-8010", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert ctx.net.reaches(8000) and ctx.net.reaches(8010)
    ctl("close", "8000-8010", "--json", check_status=0)
    assert not ctx.net.reaches(8000)
    assert ctx.net.reaches(8005), "the port opened by hand stays open"
    assert fwcmd("--zone=home", "--list-ports").split() == ["8005/tcp"]
    pt.assert_same(before, state())
    fwcmd("--zone=home", "--remove-port=8005/tcp")


@tap.test
def rules_made_outside_portier_survive_close_and_close_all(ctx):
    fwcmd("--zone=home", "--add-port=9090/tcp")
    before = state()
    doc = ctl("open", "9090", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "already-open", doc
    doc = ctl("close", "9090", "--json", check_status=1)
    assert pt.error_code(doc) == "NotFound", doc
    ctl("open", "9091", "--no-router", "--no-verify", "--json", check_status=0)
    ctl("open", "9092/udp", "--no-router", "--no-verify", "--json", check_status=0)
    closed = ctl("close", "--all", "--json", check_status=0)
    assert len(closed["closed"]) == 2, closed
    pt.assert_same(before, state())
    assert ctx.net.reaches(9090)
    fwcmd("--zone=home", "--remove-port=9090/tcp")


@tap.test
def after_firewalld_reloads_the_helper_adds_its_rule_again(ctx):
    before = state()
    doc = ctl("open", "8181", "--no-router", "--no-verify", "--json", check_status=0)
    fwcmd("--reload")
    pt.wait_for(lambda: "8181/tcp" in fwcmd("--zone=home", "--list-ports").split(),
                "the helper to add the rule again", timeout=15, interval=0.2)
    assert ctx.net.reaches(8181)
    rule_id = doc["firewall"]["rules"][0]
    pt.wait_for(lambda: f"forgot rule {rule_id}" in ctx.world.helper_output(),
                "the helper to log what it added again")
    ctl("close", doc["id"], "--json", check_status=0)
    pt.assert_same(before, state())


@tap.test
def a_port_the_administrator_configures_after_portier_is_theirs(ctx):
    before = state()
    doc = ctl("open", "8787", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    # The administrator opens the same port for good, and reloads.
    fwcmd("--permanent", "--zone=home", "--add-port=8787/tcp")
    fwcmd("--reload")
    pt.wait_for(lambda: "not Portier's any more" in ctx.world.helper_output(),
                "the helper to let go of the port")
    ctl("close", doc["id"], "--json", check_status=0)
    assert "8787/tcp" in fwcmd("--zone=home", "--list-ports").split(), \
        "closing removes only what Portier added"
    assert ctx.net.reaches(8787)
    fwcmd("--permanent", "--zone=home", "--remove-port=8787/tcp")
    fwcmd("--reload")
    pt.assert_same(before, state())


@tap.test
def a_permanent_rule_goes_into_the_permanent_configuration_and_out_again(ctx):
    before = state()
    doc = ctl("open", "8282", "--permanent", "--no-router", "--no-verify", "--json",
              check_status=0)
    assert "8282/tcp" in fwcmd("--permanent", "--zone=home", "--list-ports").split()
    assert ctx.net.reaches(8282)
    ctl("close", doc["id"], "--json", check_status=0)
    pt.assert_same(before, state())


@tap.test
def panic_mode_is_reported_and_nothing_changes(ctx):
    fwcmd("--panic-on")
    try:
        before = state()
        doc = ctl("open", "8383", "--no-router", "--no-verify", "--json", check_status=1)
        assert pt.error_code(doc["firewall"]) == "FirewallPanicMode", doc
        status, answer = pt.call("QueryPort", "(qqs)", 8383, 8383, "tcp")
        assert answer[0]["panic-mode"] is True and answer[0]["status"] == "blocked", answer
        pt.assert_same(before, state())
    finally:
        fwcmd("--panic-off")


@tap.test
def query_port_names_the_zone(ctx):
    status, answer = pt.call("QueryPort", "(qqs)", 22, 22, "tcp")
    assert status == "ok", answer
    assert answer[0]["backend"] == "firewalld" and answer[0]["zone"] == "home", answer
    assert answer[0]["status"] == "open", answer    # the ssh service of the home zone
    status, answer = pt.call("QueryPort", "(qqs)", 8484, 8484, "udp")
    assert answer[0]["status"] == "blocked", answer


@tap.test
def without_the_helper_portier_asks_firewalld_directly(ctx):
    ctx.world.stop_helper()
    before = state()
    # firewalld asks polkit itself: nobody is refused...
    doc = ctl("open", "8585", "--no-router", "--no-verify", "--json", user=pt.NOBODY,
              check_status=1)
    assert pt.error_code(doc["firewall"]) == "NotAuthorized", doc
    pt.assert_same(before, state())
    # ...root is not.
    doc = ctl("open", "8585", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert doc["firewall"]["rules"] == ["firewalld:home:8585:tcp"], doc
    assert ctx.net.reaches(8585)
    ctl("close", doc["id"], "--json", check_status=0)
    assert not ctx.net.reaches(8585)
    pt.assert_same(before, state())
    ctx.world.start_helper()


@tap.test
def after_a_restart_of_the_computer_the_administrators_port_is_left_alone(ctx):
    doc = ctl("open", "8686", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    ctx.world.stop_helper()
    # The computer restarts: firewalld's runtime starts from its permanent configuration,
    # where the administrator has since opened the same port.
    fwcmd("--permanent", "--zone=home", "--add-port=8686/tcp")
    fwcmd("--reload")
    path = os.path.join(ctx.world.state_dir, "rules.ini")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("boot-id=", "boot-id=0ther-"))
    before = state()
    ctx.world.start_helper()
    assert pt.call("ListRules", None) == ("ok", [[]])
    pt.assert_same(before, state())
    assert ctx.net.reaches(8686)
    fwcmd("--permanent", "--zone=home", "--remove-port=8686/tcp")
    fwcmd("--reload")


@tap.test
def after_a_crash_the_boot_command_removes_only_what_ended(ctx):
    before = state()
    live = pt.check_boot_after_a_crash(ctx.world, ctx.net, ctl, 5252, 5353)
    ctl("close", live["id"], "--json", check_status=0)
    pt.assert_same(before, state())


@tap.test
def the_helper_exits_cleanly(ctx):
    ctx.world.stop_helper()


sys.exit(tap.run(setup))
