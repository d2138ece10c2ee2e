#!/usr/bin/python3
# portier-helper with nftables: a port blocked by a drop policy opens for another
# computer, closes again, and the ruleset ends exactly as it began. Hostile calls change
# nothing; rules made outside Portier survive. Prints TAP.
#
#   test-helper-nftables.py HELPER PORTIERCTL POLICY BUS_POLICY
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

pt.enter_namespaces()

HELPER, PORTIERCTL, POLICY, BUS_POLICY = sys.argv[1:5]
tap = pt.Tap()

RULESET = """
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    meta l4proto ipv6-icmp accept
    tcp dport 22 accept
  }
}
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
def blocked_then_open_then_blocked_again_and_the_ruleset_is_unchanged(ctx):
    before = pt.nft_ruleset()
    assert not ctx.net.reaches(8080), "the drop policy should block 8080 before"

    doc = ctl("open", "8080", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert doc["firewall"]["backend"] == "nftables", doc
    assert len(doc["firewall"]["rules"]) == 1, doc
    assert ctx.net.reaches(8080), "8080 should pass after open"
    assert ctx.net.reaches(8080, family=6), "8080 should pass over IPv6 too"
    assert "portier:" + doc["firewall"]["rules"][0] in pt.nft_ruleset()

    closed = ctl("close", doc["id"], "--json", check_status=0)
    assert closed["closed"] == [doc["id"]] and closed["errors"] == [], closed
    assert not ctx.net.reaches(8080), "8080 should be blocked again after close"
    pt.assert_same(before, pt.nft_ruleset())
    assert pt.call("ListRules", None) == ("ok", [[]])


@tap.test
def udp_range_opens_and_closes_by_spec(ctx):
    before = pt.nft_ruleset()
    assert not ctx.net.reaches(27015, "udp")
    doc = ctl("open", "27015-27017/udp", "--no-router", "--no-verify", "--json",
              check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert ctx.net.reaches(27015, "udp") and ctx.net.reaches(27017, "udp")
    assert not ctx.net.reaches(27018, "udp"), "only the range opens"
    assert not ctx.net.reaches(27016, "tcp"), "only the protocol opens"
    ctl("close", "27015-27017/udp", "--json", check_status=0)
    assert not ctx.net.reaches(27016, "udp")
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def a_port_already_allowed_is_left_alone(ctx):
    before = pt.nft_ruleset()
    doc = ctl("open", "22", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "already-open", doc
    assert doc["firewall"]["rules"] == [] and doc["id"] == ""
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def rules_made_outside_portier_survive_close_and_close_all(ctx):
    pt.run("nft", "add", "rule", "inet", "filter", "input", "tcp", "dport", "9090", "accept",
           "comment", '"made by the administrator"')
    before = pt.nft_ruleset()
    assert ctx.net.reaches(9090)

    # Same port, same backend: Portier sees it is open and adds nothing.
    doc = ctl("open", "9090", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "already-open", doc
    # Closing by port finds nothing Portier made.
    doc = ctl("close", "9090", "--json", check_status=1)
    assert doc["closed"] == [] and pt.error_code(doc) == "NotFound", doc

    # A range over it: Portier adds its own rule, and close removes only that one.
    doc = ctl("open", "9085-9095", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    other = ctl("open", "9100/udp", "--no-router", "--no-verify", "--json", check_status=0)
    assert other["firewall"]["status"] == "opened", other
    closed = ctl("close", "--all", "--json", check_status=0)
    assert len(closed["closed"]) == 2, closed
    pt.assert_same(before, pt.nft_ruleset())
    assert ctx.net.reaches(9090), "the administrator's rule still lets 9090 in"
    assert not ctx.net.reaches(9085)
    pt.run("nft", "flush", "ruleset")
    pt.run("nft", "-f", "-", input=RULESET)


# The administrator's drops: a blocklist set and invalid packets go before anything is
# accepted; an unconditional drop ends the chain's own list of allowed ports.
BLOCKED_V4 = "192.0.2.3"
BLOCKLIST_RULESET = """
table inet filter {
  set blocklist {
    type ipv4_addr
    elements = { %s }
  }
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    ct state invalid drop
    ip saddr @blocklist drop
    iif "lo" accept
    tcp dport 22 accept
  }
}
""" % BLOCKED_V4


def load_ruleset(text):
    pt.run("nft", "flush", "ruleset")
    pt.run("nft", "-f", "-", input=text)


def input_rules():
    """The input chain's rules, in order, without handles and counters."""
    out = pt.run("nft", "list", "chain", "inet", "filter", "input").stdout
    lines = [line.strip() for line in out.splitlines()]
    return [line for line in lines
            if line and not line.startswith(("chain ", "type ", "table ", "}"))]


@tap.test
def a_blocklisted_source_stays_out_after_open(ctx):
    try:
        blocklisted_source_stays_out(ctx)
    finally:
        load_ruleset(RULESET)


def blocklisted_source_stays_out(ctx):
    load_ruleset(BLOCKLIST_RULESET)
    ctx.net.add_peer_address(BLOCKED_V4)
    before = pt.nft_ruleset()
    assert not ctx.net.reaches(8443) and not ctx.net.reaches(8443, source=BLOCKED_V4)

    doc = ctl("open", "8443", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    assert ctx.net.reaches(8443), "the allowed source should get in"
    assert not ctx.net.reaches(8443, source=BLOCKED_V4), "a blocklisted source got in"
    rules = input_rules()
    # Only the policy drops: Portier's accept goes at the end, after every drop of the
    # administrator's.
    assert "portier:" in rules[-1], rules
    assert rules[:-1] == input_rules_of(before), rules

    ctl("close", doc["id"], "--json", check_status=0)
    pt.assert_same(before, pt.nft_ruleset())
    assert not ctx.net.reaches(8443)


def input_rules_of(ruleset_text):
    load = [line.strip() for line in ruleset_text.splitlines()]
    start = load.index("chain input {")
    rules = []
    for line in load[start + 1:]:
        if line == "}":
            break
        if line and not line.startswith("type "):
            rules.append(line)
    return rules


@tap.test
def the_accept_goes_right_before_the_first_unconditional_drop(ctx):
    try:
        accept_right_before_the_drop(ctx)
    finally:
        load_ruleset(RULESET)


def accept_right_before_the_drop(ctx):
    ctx.net.add_peer_address(BLOCKED_V4)
    load_ruleset(BLOCKLIST_RULESET.replace(
        "tcp dport 22 accept",
        "tcp dport 22 accept\n    udp dport 9999 drop\n    counter log prefix \"in: \" drop\n"
        "    tcp dport 7000 accept"))
    before = pt.nft_ruleset()
    doc = ctl("open", "8445", "--no-router", "--no-verify", "--json", check_status=0)
    assert doc["firewall"]["status"] == "opened", doc
    rules = input_rules()
    mine = [i for i, rule in enumerate(rules) if "portier:" in rule]
    assert len(mine) == 1, rules
    # After the blocklist, invalid packets, and the drop of another port; right before
    # the drop that would have kept 8445 out.
    assert rules[mine[0] + 1].startswith("counter") and rules[mine[0] + 1].endswith("drop"), rules
    assert rules[mine[0] - 1] == "udp dport 9999 drop", rules
    assert ctx.net.reaches(8445)
    assert not ctx.net.reaches(8445, source=BLOCKED_V4), "a blocklisted source got in"
    ctl("close", doc["id"], "--json", check_status=0)
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def a_table_managed_by_iptables_nft_is_refused_and_left_unchanged(ctx):
    try:
        iptables_nft_refused(ctx)
    finally:
        load_ruleset(RULESET)


def iptables_nft_refused(ctx):
    for setup in (
            # Native expressions only: nft shows no warning for this table.
            [["iptables-nft", "-P", "INPUT", "DROP"],
             ["iptables-nft", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"]],
            # An xt target: nft warns that iptables-nft manages the table.
            [["ip6tables-nft", "-A", "INPUT", "-p", "tcp", "-j", "REJECT"]]):
        pt.run("nft", "flush", "ruleset")
        for argv in setup:
            pt.run(*argv)
        before = pt.nft_ruleset()
        doc = ctl("open", "8446", "--no-router", "--no-verify", "--json", check_status=1)
        assert doc["firewall"]["status"] == "failed", doc
        assert pt.error_code(doc["firewall"]) == "FirewallIptables", doc
        assert "iptables" in doc["firewall"]["error"], doc
        pt.assert_same(before, pt.nft_ruleset())
        assert pt.call("ListRules", None) == ("ok", [[]])


HOSTILE_OPEN = [
    # (why, signature, arguments, expected error)
    ("port 0", "(qqssubsb)", (0, 0, "tcp", "", 0, False, "", False), "InvalidArgument"),
    ("last before first", "(qqssubsb)", (9000, 8000, "tcp", "", 0, False, "", False),
     "InvalidArgument"),
    ("5000-wide range", "(qqssubsb)", (10000, 14999, "tcp", "", 0, False, "", False),
     "InvalidArgument"),
    ("shell in protocol", "(qqssubsb)", (8080, 8080, "tcp; rm -rf /", "", 0, False, "", False),
     "InvalidArgument"),
    ("protocol both", "(qqssubsb)", (8080, 8080, "both", "", 0, False, "", False),
     "InvalidArgument"),
    ("upper-case protocol", "(qqssubsb)", (8080, 8080, "TCP", "", 0, False, "", False),
     "InvalidArgument"),
    ("quotes in label", "(qqssubsb)", (8080, 8080, "tcp", "", 0, False, 'x" accept; drop "',
                                       False), "InvalidArgument"),
    ("newline in label", "(qqssubsb)", (8080, 8080, "tcp", "", 0, False, "a\nflush ruleset",
                                        False), "InvalidArgument"),
    ("10 KB label", "(qqssubsb)", (8080, 8080, "tcp", "", 0, False, "x" * 10240, False),
     "InvalidArgument"),
    ("zone with spaces", "(qqssubsb)", (8080, 8080, "tcp", "public; drop", 0, False, "", False),
     "InvalidArgument"),
    ("timeout and permanent", "(qqssubsb)", (8080, 8080, "tcp", "", 60, True, "", False),
     "InvalidArgument"),
    ("ten-year timeout", "(qqssubsb)", (8080, 8080, "tcp", "", 315360000, False, "", False),
     "InvalidArgument"),
    ("permanent nftables rule", "(qqssubsb)", (8080, 8080, "tcp", "", 0, True, "", False),
     "NotSupported"),
]


@tap.test
def hostile_calls_get_clear_errors_and_change_nothing(ctx):
    before = pt.nft_ruleset()
    record = ctx.world.record()
    failures = []

    for why, signature, args, expected in HOSTILE_OPEN:
        answer = pt.call("OpenPort", signature, *args)
        if answer != ("error", pt.error_name(expected)):
            failures.append(f"{why}: {answer}")

    # Ports 70000 do not fit the type: the bus itself refuses the wrong types.
    for why, method, signature, args in [
        ("port 70000 as u", "OpenPort", "(uussubsb)", (70000, 70000, "tcp", "", 0, False, "", False)),
        ("ports as strings", "OpenPort", "(ssssubsb)", ("80", "80", "tcp", "", 0, False, "", False)),
        ("too few arguments", "OpenPort", "(qq)", (80, 80)),
        ("rule id as number", "ClosePort", "(ub)", (1, False)),
        ("query with int32", "QueryPort", "(iis)", (80, 80, "tcp")),
    ]:
        answer = pt.call(method, signature, *args)
        if answer != ("error", "org.freedesktop.DBus.Error.InvalidArgs"):
            failures.append(f"{why}: {answer}")

    for why, rule_id, expected in [
        ("unknown id", "0123456789abcdef", "NotFound"),
        ("id with shell", "0123456789abcde; rm -rf /", "InvalidArgument"),
        ("path in id", "../../etc/passwd", "InvalidArgument"),
        ("empty id", "", "InvalidArgument"),
        ("upper-case id", "0123456789ABCDEF", "InvalidArgument"),
        ("firewalld-style id", "firewalld:public:22:tcp", "InvalidArgument"),
    ]:
        answer = pt.call("ClosePort", "(sb)", rule_id, False)
        if answer != ("error", pt.error_name(expected)):
            failures.append(f"{why}: {answer}")

    for why, args in [("port 0", (0, 0, "tcp")), ("5000 wide", (1, 5000, "tcp")),
                      ("bad protocol", (80, 80, "tcp udp"))]:
        answer = pt.call("QueryPort", "(qqs)", *args)
        if answer != ("error", pt.error_name("InvalidArgument")):
            failures.append(f"query {why}: {answer}")

    assert not failures, "\n".join(failures)
    pt.assert_same(before, pt.nft_ruleset())
    assert ctx.world.record() == record


@tap.test
def a_foreign_rule_behind_a_recorded_handle_is_never_removed(ctx):
    # Someone with root rewrites the table: the handle the record names now holds a rule
    # Portier did not make. Closing must leave it alone.
    doc = ctl("open", "7070", "--no-router", "--no-verify", "--json", check_status=0)
    rule_id = doc["firewall"]["rules"][0]
    pt.run("nft", "flush", "ruleset")
    pt.run("nft", "-f", "-", input=RULESET)
    pt.run("nft", "insert", "rule", "inet", "filter", "input", "tcp", "dport", "7071", "accept")
    before = pt.nft_ruleset()
    # The record's handle now names the administrator's rule.
    recorded = [line for line in ctx.world.record().splitlines()
                if line.startswith("nft-handles=")]
    assert recorded and recorded[0].endswith(" input " + recorded[0].split()[-1]), recorded
    handle = recorded[0].split()[-1].rstrip(";")
    listing = pt.run("nft", "-a", "list", "ruleset").stdout
    assert any("7071" in line and line.endswith(f"# handle {handle}")
               for line in listing.splitlines()), listing
    ctl("close", rule_id, "--json", check_status=0)
    pt.assert_same(before, pt.nft_ruleset())
    assert ctx.net.reaches(7071)
    pt.run("nft", "flush", "ruleset")
    pt.run("nft", "-f", "-", input=RULESET)


@tap.test
def query_port_tells_open_from_blocked(ctx):
    status, answer = pt.call("QueryPort", "(qqs)", 22, 22, "tcp")
    assert status == "ok" and answer[0]["status"] == "open", answer
    assert answer[0]["backend"] == "nftables", answer
    status, answer = pt.call("QueryPort", "(qqs)", 8081, 8081, "tcp")
    assert status == "ok" and answer[0]["status"] == "blocked", answer
    status, info = pt.call("GetInfo", None)
    assert status == "ok" and info[0]["backend"] == "nftables", info


@tap.test
def a_timeout_closes_the_rule_by_itself(ctx):
    before = pt.nft_ruleset()
    # 5 s: long enough that a loaded machine still sees the rule in place before it ends.
    status, answer = pt.call("OpenPort", "(qqssubsb)", 6060, 6060, "tcp", "", 5, False,
                             "Timed test", False)
    assert status == "ok" and answer[1]["status"] == "opened", answer
    assert ctx.net.reaches(6060)
    pt.wait_for(lambda: pt.nft_ruleset() == before, "the rule to expire", timeout=20)
    assert not ctx.net.reaches(6060)
    assert pt.call("ListRules", None) == ("ok", [[]])


@tap.test
def at_start_the_helper_forgets_rules_removed_behind_its_back(ctx):
    doc = ctl("open", "5050", "--no-router", "--no-verify", "--json", check_status=0)
    rule_id = doc["firewall"]["rules"][0]
    ctx.world.stop_helper()
    pt.run("nft", "flush", "ruleset")
    pt.run("nft", "-f", "-", input=RULESET)
    ctx.world.start_helper()
    status, rules = pt.call("ListRules", None)
    assert status == "ok" and rules == [[]], rules
    assert rule_id not in ctx.world.record()


@tap.test
def after_a_restart_of_the_computer_temporary_rules_are_gone(ctx):
    before = pt.nft_ruleset()
    doc = ctl("open", "5151", "--no-router", "--no-verify", "--json", check_status=0)
    rule_id = doc["firewall"]["rules"][0]
    ctx.world.stop_helper()
    # What a restart looks like to the record: another boot id.
    path = os.path.join(ctx.world.state_dir, "rules.ini")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("boot-id=", "boot-id=0ther-"))
    ctx.world.start_helper()
    assert pt.call("ListRules", None) == ("ok", [[]])
    pt.assert_same(before, pt.nft_ruleset()), f"rule {rule_id} should have been removed"


@tap.test
def after_a_crash_the_boot_command_removes_only_what_ended(ctx):
    before = pt.nft_ruleset()
    live = pt.check_boot_after_a_crash(ctx.world, ctx.net, ctl, 5252, 5353)
    ctl("close", live["id"], "--json", check_status=0)
    pt.assert_same(before, pt.nft_ruleset())


@tap.test
def the_helper_exits_cleanly(ctx):
    ctx.world.stop_helper()


sys.exit(tap.run(setup))
