/* test-nft-ruleset.c: reading and judging `nft -a list ruleset`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-nft-ruleset.h"

static PortierNftRuleset *
load_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "firewall",
                                                 "nft-ruleset", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  PortierNftRuleset *ruleset;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  ruleset = portier_nft_ruleset_parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ruleset);
  return ruleset;
}

static void
test_parse (void)
{
  g_autoptr(PortierNftRuleset) ruleset = load_fixture ();
  const PortierNftChain *input, *more, *odd, *bridge;
  const PortierNftRule *rule;

  /* inet filter: input, more, forward; ip nat: 2; ip6 odd: 1; inet open: 1; bridge: 1 */
  g_assert_cmpuint (ruleset->chains->len, ==, 8);

  input = portier_nft_ruleset_find_chain (ruleset, "inet", "filter", "input");
  g_assert_nonnull (input);
  g_assert_true (input->input_filter);
  g_assert_true (input->policy_drop);
  g_assert_true (input->names_usable);
  g_assert_cmpuint (input->rules->len, ==, 12);

  rule = portier_nft_chain_find_handle (input, 12);
  g_assert_nonnull (rule);
  g_assert_cmpstr (rule->comment, ==, "portier:0123456789abcdef");
  g_assert_cmpstr (rule->text, ==, "tcp dport 8080 accept comment \"portier:0123456789abcdef\"");
  g_assert_cmpstr (portier_nft_chain_find_handle (input, 9)->comment, ==, "web");
  g_assert_null (portier_nft_chain_find_handle (input, 3));   /* the set's handle */

  more = portier_nft_ruleset_find_chain (ruleset, "inet", "filter", "more");
  g_assert_false (more->input_filter);                         /* not a base chain */

  /* a nat chain on the input hook does not filter */
  g_assert_false (portier_nft_ruleset_find_chain (ruleset, "ip", "nat", "input")->input_filter);

  /* names the helper would not hand to nft */
  odd = portier_nft_ruleset_find_chain (ruleset, "ip6", "odd table", "in put");
  g_assert_nonnull (odd);
  g_assert_true (odd->input_filter);
  g_assert_false (odd->names_usable);

  bridge = portier_nft_ruleset_find_chain (ruleset, "bridge", "filter", "input");
  g_assert_false (bridge->input_filter);                       /* not a family we handle */

  g_assert_cmpuint (portier_nft_ruleset_count_input (ruleset), ==, 3);
}

static void
test_judge (void)
{
  g_autoptr(PortierNftRuleset) ruleset = load_fixture ();
  const PortierNftChain *input = portier_nft_ruleset_find_chain (ruleset, "inet", "filter",
                                                                 "input");
  static const struct
  {
    guint16          port;
    PortierProtocol  protocol;
    gboolean         lets_in;
    const char      *why;
  } cases[] = {
    { 22, PORTIER_PROTOCOL_TCP, TRUE, "tcp dport 22 accept" },
    { 22, PORTIER_PROTOCOL_UDP, FALSE, "only tcp" },
    { 443, PORTIER_PROTOCOL_TCP, TRUE, "in the set" },
    { 8005, PORTIER_PROTOCOL_TCP, TRUE, "in the set's range" },
    { 8011, PORTIER_PROTOCOL_TCP, FALSE, "past the set's range" },
    { 53, PORTIER_PROTOCOL_UDP, TRUE, "th dport with l4proto set" },
    { 53, PORTIER_PROTOCOL_TCP, TRUE, "th dport with l4proto set" },
    { 5432, PORTIER_PROTOCOL_TCP, FALSE, "only from some addresses" },
    { 9999, PORTIER_PROTOCOL_UDP, FALSE, "dropped on purpose" },
    { 8080, PORTIER_PROTOCOL_TCP, TRUE, "Portier's own rule" },
    { 6000, PORTIER_PROTOCOL_TCP, FALSE, "accepted in a jumped-to chain: not counted" },
    { 7000, PORTIER_PROTOCOL_TCP, FALSE, "after the unconditional log-and-drop" },
    { 25565, PORTIER_PROTOCOL_TCP, FALSE, "the policy" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%u: %s", cases[i].port, cases[i].why);
      g_assert_cmpint (portier_nft_chain_lets_in (input, cases[i].port, cases[i].protocol), ==,
                       cases[i].lets_in);
    }
}

static void
test_blocking (void)
{
  g_autoptr(PortierNftRuleset) ruleset = load_fixture ();
  PortierPortSpec open_spec = { 80, 80, PORTIER_PROTOCOL_TCP };
  PortierPortSpec closed_spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };
  PortierPortSpec partly = { 8009, 8012, PORTIER_PROTOCOL_TCP };
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) some = NULL;

  /* 80: inet filter lets it in, but the odd ip6 chain rejects everything */
  none = portier_nft_ruleset_blocking (ruleset, &open_spec);
  g_assert_cmpuint (none->len, ==, 1);
  g_assert_cmpstr (((PortierNftChain *) g_ptr_array_index (none, 0))->table, ==, "odd table");

  two = portier_nft_ruleset_blocking (ruleset, &closed_spec);
  g_assert_cmpuint (two->len, ==, 2);

  some = portier_nft_ruleset_blocking (ruleset, &partly);
  g_assert_cmpuint (some->len, ==, 2);
}

static void
test_odd_text (void)
{
  const char *texts[] = {
    "",
    "}}}}",
    "table",
    "table inet { chain",
    ("table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n"
     "\t\ttcp dport { 1, 2 accept # handle 5\n\t}\n}\n"),
    "table inet t {\n chain c {\n type\n tcp dport 99999999999999999999 accept # handle x\n",
    "table inet t {\n chain c {\n tcp dport \"unterminated accept # handle 3\n }\n}\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortierNftRuleset) ruleset = portier_nft_ruleset_parse (texts[i], &error);
      PortierPortSpec spec = { 1, 2, PORTIER_PROTOCOL_TCP };
      g_autoptr(GPtrArray) blocking = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (ruleset);
      blocking = portier_nft_ruleset_blocking (ruleset, &spec);
      g_assert_nonnull (blocking);
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_null (portier_nft_ruleset_parse ("table \xff\xfe", &error));
    g_assert_nonnull (error);
  }
}

static void
test_placement (void)
{
  g_autoptr(PortierNftRuleset) ruleset = load_fixture ();
  const PortierNftChain *input = portier_nft_ruleset_find_chain (ruleset, "inet", "filter",
                                                                 "input");
  const PortierNftChain *odd = portier_nft_ruleset_find_chain (ruleset, "ip6", "odd table",
                                                               "in put");
  static const char blocklist[] =
    "table inet filter { # handle 1\n"
    "\tset blocklist { # handle 2\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.3 }\n\t}\n\n"
    "\tchain input { # handle 3\n"
    "\t\ttype filter hook input priority filter; policy drop;\n"
    "\t\tct state established,related accept # handle 4\n"
    "\t\tct state invalid drop # handle 5\n"
    "\t\tip saddr @blocklist drop # handle 6\n"
    "\t\tip6 saddr 2001:db8::/32 counter packets 0 bytes 0 reject # handle 7\n"
    "\t\tiifname \"wan0\" tcp dport 25565 drop # handle 8\n"
    "\t\tjump blocked # handle 9\n"
    "\t\ttcp dport 22 accept # handle 10\n"
    "\t}\n}\n";
  static const struct
  {
    guint16          first, last;
    PortierProtocol  protocol;
    guint64          before;   /* 0: at the end */
    const char      *why;
  } cases[] = {
    { 25565, 25565, PORTIER_PROTOCOL_TCP, 14, "after ct state invalid drop: the log-and-drop" },
    { 9999, 9999, PORTIER_PROTOCOL_UDP, 11, "the drop of exactly this port" },
    { 9990, 9999, PORTIER_PROTOCOL_UDP, 11, "a range: the first drop of any of its ports" },
    { 9999, 9999, PORTIER_PROTOCOL_TCP, 14, "udp's drop does not drop tcp" },
    { 7000, 7000, PORTIER_PROTOCOL_TCP, 14, "accepted only after the drop" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierNftRuleset) administered = portier_nft_ruleset_parse (blocklist, &error);
  const PortierNftChain *chain;
  PortierPortSpec spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PortierPortSpec each = { cases[i].first, cases[i].last, cases[i].protocol };
      const PortierNftRule *drop = portier_nft_chain_first_drop (input, &each);

      g_test_message ("%u-%u: %s", cases[i].first, cases[i].last, cases[i].why);
      g_assert_nonnull (drop);
      g_assert_cmpuint (drop->handle, ==, cases[i].before);
    }

  /* An unconditional reject is the first thing in the odd chain. */
  g_assert_cmpuint (portier_nft_chain_first_drop (odd, &spec)->handle, ==, 2);

  /* The administrator's conditional drops (a blocklist set, invalid packets, a source
   * network, another interface, a jump) never count: only the policy drops, so the
   * accept goes at the end, behind all of them. */
  g_assert_no_error (error);
  chain = portier_nft_ruleset_find_chain (administered, "inet", "filter", "input");
  g_assert_nonnull (chain);
  g_assert_false (portier_nft_chain_lets_in (chain, 25565, PORTIER_PROTOCOL_TCP));
  g_assert_null (portier_nft_chain_first_drop (chain, &spec));
}

static void
test_iptables (void)
{
  static const char text[] =
    "table ip filter { # handle 1\n"
    "\tchain INPUT { # handle 1\n"
    "\t\ttype filter hook input priority filter; policy drop;\n"
    "\t\tip saddr 10.0.0.5 counter packets 0 bytes 0 drop # handle 2\n"
    "\t}\n\n"
    "\tchain mine { # handle 3\n"
    "\t\tcounter packets 0 bytes 0 accept # handle 4\n"
    "\t}\n}\n"
    "table ip nat { # handle 2\n"
    "\tchain PREROUTING { # handle 1\n"
    "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
    "\t}\n}\n"
    "table inet filter { # handle 3\n"
    "\tchain input { # handle 1\n"
    "\t\ttype filter hook input priority filter; policy drop;\n"
    "\t}\n}\n"
    "table ip filter2 { # handle 4\n"
    "\tchain INPUT { # handle 1\n"
    "\t\ttype filter hook input priority filter; policy drop;\n"
    "\t}\n}\n"
    "table ip6 filter { # handle 5\n"
    "\tchain input { # handle 1\n"
    "\t\ttype filter hook input priority filter; policy drop;\n"
    "\t}\n}\n"
    "table ip6 \"my table\" { # handle 6\n"
    "\tchain in { # handle 1\n"
    "\t\ttype filter hook input priority filter; policy accept;\n"
    "\t\tcounter packets 0 bytes 0 reject # handle 2\n"
    "\t}\n}\n";
  static const struct
  {
    const char *family, *table, *chain;
    gboolean    iptables;
  } cases[] = {
    { "ip", "filter", "INPUT", TRUE },          /* iptables' built-in chain */
    { "ip", "filter", "mine", TRUE },           /* a chain of the same table */
    { "ip", "nat", "PREROUTING", TRUE },
    { "inet", "filter", "input", FALSE },       /* nft's own */
    { "ip", "filter2", "INPUT", FALSE },        /* not a table of iptables' */
    { "ip6", "filter", "input", FALSE },        /* not named as iptables names them */
    { "ip6", "my table", "in", FALSE },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierNftRuleset) ruleset = portier_nft_ruleset_parse (text, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const PortierNftChain *chain = portier_nft_ruleset_find_chain (ruleset, cases[i].family,
                                                                     cases[i].table,
                                                                     cases[i].chain);
      g_test_message ("%s %s %s", cases[i].family, cases[i].table, cases[i].chain);
      g_assert_nonnull (chain);
      g_assert_cmpint (chain->iptables, ==, cases[i].iptables);
    }

  /* nft's own warning marks a table too (it sees iptables-nft's xt expressions). */
  portier_nft_ruleset_note_warnings (ruleset,
                                     "something else\n"
                                     "# Warning: table ip6 filter2 is managed by iptables-nft\n"
                                     "Warning: table ip6 \"my table\" is cool\n"
                                     "# Warning: table ip6 \"my table\" is managed by "
                                     "iptables-nft, do not touch!\n");
  g_assert_true (portier_nft_ruleset_find_chain (ruleset, "ip6", "my table", "in")->iptables);
  g_assert_false (portier_nft_ruleset_find_chain (ruleset, "ip6", "filter", "input")->iptables);
  g_assert_false (portier_nft_ruleset_find_chain (ruleset, "inet", "filter", "input")->iptables);
  portier_nft_ruleset_note_warnings (ruleset, NULL);
  portier_nft_ruleset_note_warnings (ruleset, "\xff\xfe Warning: table");
  portier_nft_ruleset_note_warnings (ruleset, "# Warning: table");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/nft-ruleset/parse", test_parse);
  g_test_add_func ("/nft-ruleset/judge", test_judge);
  g_test_add_func ("/nft-ruleset/blocking", test_blocking);
  g_test_add_func ("/nft-ruleset/odd-text", test_odd_text);
  g_test_add_func ("/nft-ruleset/placement", test_placement);
  g_test_add_func ("/nft-ruleset/iptables", test_iptables);

  return g_test_run ();
}
