#!/usr/bin/python3
# portier-helper and polkit: the real polkitd on a private system bus decides. A caller
# without a rule is refused (and the refusal arrives as NotAuthorized), a rules file
# grants exactly what it names, and any trouble with polkit is a refusal. Prints TAP.
#
#   test-helper-polkit.py HELPER PORTIERCTL POLICY BUS_POLICY ACTIVATION_FILE
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

pt.enter_namespaces(needs=("script", "pkttyagent"))

HELPER, PORTIERCTL, POLICY, BUS_POLICY, ACTIVATION = sys.argv[1:6]
DAEMON = 1      # another user
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

# Grants opening port 8080/tcp — and nothing else — to nobody. It checks the details the
# helper passes, so it also proves they arrive.
OPEN_8080 = """
polkit.addRule(function(action, subject) {
    if (action.id == "io.github.portier_app.Portier.open-port" &&
        subject.user == "nobody" &&
        action.lookup("port") == "8080" && action.lookup("protocol") == "tcp") {
        return polkit.Result.YES;
    }
});
"""


class Context:
    pass


def setup():
    ctx = Context()
    pt.private_filesystems()
    ctx.net = pt.Network()
    pt.run("nft", "-f", "-", input=RULESET)
    ctx.world = pt.World(HELPER, POLICY, BUS_POLICY)
    ctx.world.start_helper()
    return ctx


def ctl(*args, **kwargs):
    return pt.portierctl(PORTIERCTL, *args, **kwargs)


@tap.test
def nobody_without_a_rule_is_refused(ctx):
    ctx.world.set_polkit_rules(None)
    before = pt.nft_ruleset()

    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", user=pt.NOBODY,
              check_status=1)
    assert doc["firewall"]["status"] == "failed", doc
    assert pt.error_code(doc["firewall"]) == "NotAuthorized", doc
    proc = ctl("open", "8080", "--no-router", "--no-verify", user=pt.NOBODY, check_status=1)
    assert "not allowed to change this computer’s firewall" in proc.stderr, proc.stderr

    answer = pt.call("OpenPort", "(qqssubsb)", 8080, 8080, "tcp", "", 0, False, "", True,
                     user=pt.NOBODY)
    assert answer == ("error", pt.error_name("NotAuthorized")), answer
    pt.assert_same(before, pt.nft_ruleset())
    assert not ctx.net.reaches(8080)


@tap.test
def nobody_may_read_without_asking(ctx):
    status, answer = pt.call("QueryPort", "(qqs)", 8080, 8080, "tcp", user=pt.NOBODY)
    assert status == "ok" and answer[0]["status"] == "blocked", answer
    status, answer = pt.call("GetInfo", None, user=pt.NOBODY)
    assert status == "ok" and answer[0]["backend"] == "nftables", answer
    status, answer = pt.call("ListRules", None, user=pt.NOBODY)
    assert status == "ok", answer


@tap.test
def a_rule_grants_exactly_the_port_it_names(ctx):
    ctx.world.set_polkit_rules(OPEN_8080)
    before = pt.nft_ruleset()

    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", user=pt.NOBODY,
              check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    rule_id = doc["firewall"]["rules"][0]
    assert ctx.net.reaches(8080)
    status, rules = pt.call("ListRules", None)
    assert status == "ok" and rules[0][0]["uid"] == pt.NOBODY, rules

    # Another port, or the same port over udp: not granted.
    for spec in ("8081", "8080/udp"):
        doc = ctl("open", spec, "--no-router", "--no-verify", "--json", user=pt.NOBODY,
                  check_status=1)
        assert pt.error_code(doc["firewall"]) == "NotAuthorized", (spec, doc)

    # Closing someone else's rule is a separate action: not granted to another user.
    answer = pt.call("ClosePort", "(sb)", rule_id, False, user=DAEMON)
    assert answer == ("error", pt.error_name("NotAuthorized")), answer
    assert ctx.net.reaches(8080), "a refused close changes nothing"

    # Its owner closes it without a close-port rule and without being asked.
    closed = ctl("close", "8080", "--json", user=pt.NOBODY)
    # Closed now, either by this command or — where portierctl first finishes closings
    # that were left half-done — before it looked, which then finds nothing left to close.
    assert (len(closed["closed"]) == 1 and closed["errors"] == []) or \
        (closed["closed"] == [] and pt.error_code(closed) == "NotFound"), closed
    assert pt.call("ListRules", None) == ("ok", [[]])
    assert not ctx.net.reaches(8080)
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def polkit_asks_for_a_password_only_when_the_caller_allows_it(ctx):
    ctx.world.set_polkit_rules(None)
    before = pt.nft_ruleset()
    agent = pt.reachable_by_anyone(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "polkit-agent.py"))

    def attempt(interactive, message_flag):
        proc = pt.run("/usr/bin/python3", agent, interactive, message_flag, "8080",
                      user=pt.NOBODY)
        return json.loads(proc.stdout)

    # Both asked for: the person is asked — with the port in the message — and closes
    # the dialog.
    answer = attempt("true", "allow")
    assert answer["result"] == pt.error_name("AuthorizationDismissed"), answer
    assert answer["asked"] == [{
        "action": "io.github.portier_app.Portier.open-port",
        "message": "Authentication is required to let other computers reach port 8080/tcp",
    }], answer

    # Either one missing: nobody is asked, and the answer is no.
    for interactive, message_flag in (("true", "none"), ("false", "allow")):
        answer = attempt(interactive, message_flag)
        assert answer == {"result": pt.error_name("NotAuthorized"), "asked": []}, answer
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def in_a_terminal_portierctl_asks_for_the_password(ctx):
    # portierctl starts polkit's text agent when it runs in a terminal (here the pseudo
    # terminal of script(1)). Nobody types a password: the request is refused.
    ctx.world.set_polkit_rules(None)
    before = pt.nft_ruleset()
    env = dict(os.environ, LC_ALL="C.UTF-8", DBUS_SYSTEM_BUS_ADDRESS=pt.BUS_ADDRESS,
               PORTIER_STATE_DIR=pt.user_state_dir(pt.NOBODY),
               PORTIER_PROBE_SERVER="http://127.0.0.1:9/")
    proc = subprocess.Popen(["script", "-qec",
                             f"{pt.reachable_by_anyone(PORTIERCTL)} open 8080 --no-router "
                             "--no-verify", "/dev/null"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, user=pt.NOBODY,
                            group=pt.NOBODY, extra_groups=[])
    output = b""
    deadline = time.monotonic() + 30
    while b"Password:" not in output and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            output += chunk
    # End of input: nobody types a password. The agent may still be switching the
    # terminal's echo off (which throws away what was typed before), so say it again
    # until the answer comes.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.write(proc.stdin.fileno(), b"\x04")
        except BrokenPipeError:
            break
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            output += chunk
    try:
        proc.stdin.close()
    except BrokenPipeError:
        pass
    proc.wait(timeout=30)
    text = output.decode(errors="replace")
    assert "Authentication is required to let other computers reach port 8080/tcp" in text, text
    assert "not allowed to change this computer’s firewall" in text, text
    assert proc.returncode != 0
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def when_polkit_cannot_answer_everyone_is_refused(ctx):
    ctx.world.set_polkit_rules(OPEN_8080)
    before = pt.nft_ruleset()
    ctx.world.stop_polkit()
    try:
        for user in (pt.NOBODY, None):
            answer = pt.call("OpenPort", "(qqssubsb)", 8080, 8080, "tcp", "", 0, False, "",
                             False, user=user)
            assert answer == ("error", pt.error_name("NotAuthorized")), (user, answer)
        pt.assert_same(before, pt.nft_ruleset())
    finally:
        ctx.world.start_polkit()


@tap.test
def only_root_may_own_the_helper_name(ctx):
    answer = pt.call("RequestName", "(su)", pt.HELPER_NAME, 0, user=pt.NOBODY,
                     name="org.freedesktop.DBus", path="/org/freedesktop/DBus",
                     interface="org.freedesktop.DBus")
    assert answer == ("error", "org.freedesktop.DBus.Error.AccessDenied"), answer


@tap.test
def the_bus_starts_the_helper_on_the_first_call(ctx):
    ctx.world.stop_helper()
    services = os.path.join(pt.WORK, "system-services")
    os.makedirs(services, exist_ok=True)
    # The project's activation file, pointed at the built helper.
    with open(ACTIVATION) as f:
        text = f.read()
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = (f"Exec={HELPER} --state-directory {ctx.world.state_dir} "
                    f"--idle-timeout 2 --verbose")
        lines.append(line)
    with open(os.path.join(services, pt.HELPER_NAME + ".service"), "w") as f:
        f.write("\n".join(lines) + "\n")
    ctx.world.restart_bus(servicedir=services)
    ctx.world.start_polkit()

    assert not ctx.world.has_owner(pt.HELPER_NAME)
    status, answer = pt.call("GetInfo", None, user=pt.NOBODY)
    assert status == "ok" and answer[0]["backend"] == "nftables", answer
    # Idle for two seconds with nothing to watch: it exits and gives the name back.
    pt.wait_for(lambda: not ctx.world.has_owner(pt.HELPER_NAME), "the helper to exit",
                timeout=15)


@tap.test
def the_helper_exits_cleanly(ctx):
    ctx.world.stop_helper()


sys.exit(tap.run(setup))
