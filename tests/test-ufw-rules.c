/* test-ufw-rules.c: reading and judging ufw's rule files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-ufw-rules.h"

static GPtrArray *
load_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "firewall",
                                                 "ufw-user.rules", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return portier_ufw_parse_rules (text);
}

static void
test_parse (void)
{
  g_autoptr(GPtrArray) tuples = load_fixture ();
  const PortierUfwTuple *web, *ours, *mumble, *route, *logged;

  g_assert_cmpuint (tuples->len, ==, 11);   /* the two malformed lines are left out */

  web = g_ptr_array_index (tuples, 3);
  g_assert_cmpstr (web->dport, ==, "8000:8010");
  g_assert_cmpstr (web->comment, ==, "my web app");

  ours = g_ptr_array_index (tuples, 4);
  g_assert_cmpstr (ours->comment, ==, "portier:0123456789abcdef");

  mumble = g_ptr_array_index (tuples, 7);
  g_assert_true (mumble->app);
  g_assert_cmpstr (mumble->direction, ==, "in");

  route = g_ptr_array_index (tuples, 8);
  g_assert_true (route->forward);
  g_assert_cmpstr (route->action, ==, "allow");

  logged = g_ptr_array_index (tuples, 10);
  g_assert_cmpstr (logged->action, ==, "allow");   /* "_log" is how, not what */
}

static void
test_judge (void)
{
  g_autoptr(GPtrArray) tuples = load_fixture ();
  static const struct
  {
    guint16          port;
    PortierProtocol  protocol;
    gboolean         lets_in;
    const char      *why;
  } cases[] = {
    { 22, PORTIER_PROTOCOL_TCP, TRUE, "allowed" },
    { 22, PORTIER_PROTOCOL_UDP, FALSE, "only tcp" },
    { 9999, PORTIER_PROTOCOL_UDP, FALSE, "denied" },
    { 5432, PORTIER_PROTOCOL_TCP, FALSE, "only from some addresses" },
    { 8005, PORTIER_PROTOCOL_TCP, TRUE, "in a range" },
    { 8080, PORTIER_PROTOCOL_TCP, TRUE, "Portier's own" },
    { 2222, PORTIER_PROTOCOL_TCP, TRUE, "limited, but let in" },
    { 3389, PORTIER_PROTOCOL_TCP, FALSE, "only on one interface" },
    { 64738, PORTIER_PROTOCOL_UDP, TRUE, "an app profile for any protocol" },
    { 1194, PORTIER_PROTOCOL_TCP, FALSE, "a route rule does not let in" },
    { 25, PORTIER_PROTOCOL_TCP, FALSE, "outgoing rules do not count" },
    { 27018, PORTIER_PROTOCOL_UDP, TRUE, "in a multiport list" },
    { 27021, PORTIER_PROTOCOL_UDP, FALSE, "past it" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%u: %s", cases[i].port, cases[i].why);
      g_assert_cmpint (portier_ufw_lets_in (tuples, FALSE, cases[i].port, cases[i].protocol), ==,
                       cases[i].lets_in);
    }

  /* with the default to accept, only explicit denials keep ports out */
  g_assert_true (portier_ufw_lets_in (tuples, TRUE, 25565, PORTIER_PROTOCOL_TCP));
  g_assert_false (portier_ufw_lets_in (tuples, TRUE, 9999, PORTIER_PROTOCOL_UDP));
}

static void
test_same_ports (void)
{
  g_autoptr(GPtrArray) tuples = load_fixture ();
  PortierPortSpec ssh = { 22, 22, PORTIER_PROTOCOL_TCP };
  PortierPortSpec web = { 8000, 8010, PORTIER_PROTOCOL_TCP };
  PortierPortSpec inside = { 8001, 8002, PORTIER_PROTOCOL_TCP };
  PortierPortSpec denied = { 9999, 9999, PORTIER_PROTOCOL_UDP };
  PortierPortSpec mumble = { 64738, 64738, PORTIER_PROTOCOL_TCP };
  g_autofree char *one = portier_ufw_format_ports (&ssh);
  g_autofree char *range = portier_ufw_format_ports (&web);

  g_assert_cmpstr (one, ==, "22");
  g_assert_cmpstr (range, ==, "8000:8010");

  g_assert_true (portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, 0), &ssh));
  g_assert_true (portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, 3), &web));
  g_assert_false (portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, 3), &inside));
  g_assert_true (portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, 1), &denied));
  /* ufw keeps application rules apart: adding a port rule does not touch them */
  g_assert_false (portier_ufw_tuple_same_ports (g_ptr_array_index (tuples, 7), &mumble));
}

static void
test_defaults (void)
{
  g_assert_false (portier_ufw_parse_default_accept ("DEFAULT_INPUT_POLICY=\"DROP\"\n"));
  g_assert_false (portier_ufw_parse_default_accept ("DEFAULT_INPUT_POLICY=\"REJECT\"\n"));
  g_assert_true (portier_ufw_parse_default_accept ("# x\nDEFAULT_INPUT_POLICY=\"ACCEPT\"\n"));
  g_assert_false (portier_ufw_parse_default_accept (""));
  g_assert_false (portier_ufw_parse_default_accept (NULL));
}

static void
test_odd_text (void)
{
  const char *texts[] = {
    "### tuple ###",
    "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in comment=zz",
    "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in comment=fff",
    "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in comment=ff",
    "### tuple ### allow tcp 99999:1 0.0.0.0/0 any 0.0.0.0/0 in",
    "### tuple ### route:",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) tuples = portier_ufw_parse_rules (texts[i]);

      (void) portier_ufw_lets_in (tuples, FALSE, 80, PORTIER_PROTOCOL_TCP);
      for (guint t = 0; t < tuples->len; t++)
        {
          const PortierUfwTuple *tuple = g_ptr_array_index (tuples, t);

          /* a comment that is not hexadecimal text is dropped, not guessed */
          g_assert_true (tuple->comment == NULL ||
                         g_utf8_validate (tuple->comment, -1, NULL));
        }
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ufw-rules/parse", test_parse);
  g_test_add_func ("/ufw-rules/judge", test_judge);
  g_test_add_func ("/ufw-rules/same-ports", test_same_ports);
  g_test_add_func ("/ufw-rules/defaults", test_defaults);
  g_test_add_func ("/ufw-rules/odd-text", test_odd_text);

  return g_test_run ();
}
