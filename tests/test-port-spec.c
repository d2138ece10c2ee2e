/* test-port-spec.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-error.h"
#include "portier-port-spec.h"

static void
test_parse_valid (void)
{
  static const struct
  {
    const char      *text;
    guint16          first;
    guint16          last;
    PortierProtocol  protocol;
    const char      *canonical;
  } cases[] = {
    { "25565", 25565, 25565, PORTIER_PROTOCOL_TCP, "25565/tcp" },
    { "25565/tcp", 25565, 25565, PORTIER_PROTOCOL_TCP, "25565/tcp" },
    { "19132/udp", 19132, 19132, PORTIER_PROTOCOL_UDP, "19132/udp" },
    { "2456-2458/udp", 2456, 2458, PORTIER_PROTOCOL_UDP, "2456-2458/udp" },
    { "22000/both", 22000, 22000, PORTIER_PROTOCOL_BOTH, "22000/both" },
    { "  8080/TCP \n", 8080, 8080, PORTIER_PROTOCOL_TCP, "8080/tcp" },
    { "1", 1, 1, PORTIER_PROTOCOL_TCP, "1/tcp" },
    { "65535/udp", 65535, 65535, PORTIER_PROTOCOL_UDP, "65535/udp" },
    { "1000-1999", 1000, 1999, PORTIER_PROTOCOL_TCP, "1000-1999/tcp" },
    { "7777-7777/both", 7777, 7777, PORTIER_PROTOCOL_BOTH, "7777/both" },
    { "064738", 64738, 64738, PORTIER_PROTOCOL_TCP, "64738/tcp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (cases[i].text, &error);
      g_autoptr(PortierPortSpec) again = NULL;
      g_autofree char *text = NULL;

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_no_error (error);
      g_assert_nonnull (spec);
      g_assert_cmpuint (spec->first, ==, cases[i].first);
      g_assert_cmpuint (spec->last, ==, cases[i].last);
      g_assert_cmpint (spec->protocol, ==, cases[i].protocol);

      text = portier_port_spec_to_string (spec);
      g_assert_cmpstr (text, ==, cases[i].canonical);

      /* The canonical form reads back as the same spec. */
      again = portier_port_spec_parse (text, &error);
      g_assert_no_error (error);
      g_assert_true (portier_port_spec_equal (spec, again));
    }
}

static void
test_parse_invalid (void)
{
  static const struct
  {
    const char *text;
    const char *message_part;
  } cases[] = {
    { "0", "Port 0" },
    { "65536", "does not exist" },
    { "99999999999999999999", "does not exist" },
    { "-1", "not a port" },
    { "80-70", "backwards" },
    { "abc", "not a port number" },
    { "25565/icmp", "icmp" },
    { "", "Type a port" },
    { "   ", "Type a port" },
    { "1-5000", "at most 1000" },
    { "1-1001/udp", "at most 1000" },
    { "1234567890123456789012345678901234567890", "too long" },
    { "25565/", "kind of connection" },
    { "/tcp", "not a port number" },
    { "25 565", "not a port number" },
    { "+25565", "not a port number" },
    { "25565/tcp/udp", "kind of connection" },
    { "1--2", "not a port or a range" },
    { "2456-", "not a port or a range" },
    { "0-10", "Port 0" },
    { "0x50", "not a port number" },
    { "\xff\xfe", "not a port number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (cases[i].text, &error);

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_null (spec);
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_null (portier_port_spec_parse (NULL, &error));
    g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
  }
}

static void
test_new_validates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierPortSpec) spec = NULL;

  spec = portier_port_spec_new (10, 5, PORTIER_PROTOCOL_TCP, &error);
  g_assert_null (spec);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
  g_clear_error (&error);

  spec = portier_port_spec_new (10, 10, 0, &error);
  g_assert_null (spec);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
  g_clear_error (&error);

  spec = portier_port_spec_new (10, 10, 7, &error);
  g_assert_null (spec);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC);
  g_clear_error (&error);

  spec = portier_port_spec_new (10, 1009, PORTIER_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (portier_port_spec_get_n_ports (spec), ==, 1000);
}

static void
test_describe (void)
{
  g_autoptr(PortierPortSpec) one = portier_port_spec_parse ("25565", NULL);
  g_autoptr(PortierPortSpec) range = portier_port_spec_parse ("2456-2458/udp", NULL);
  g_autoptr(PortierPortSpec) both = portier_port_spec_parse ("22000/both", NULL);
  g_autofree char *one_text = portier_port_spec_describe (one);
  g_autofree char *range_text = portier_port_spec_describe (range);
  g_autofree char *both_text = portier_port_spec_describe (both);

  g_assert_cmpstr (one_text, ==, "port 25565 (TCP)");
  g_assert_cmpstr (range_text, ==, "ports 2456 to 2458 (UDP)");
  g_assert_cmpstr (both_text, ==, "port 22000 (TCP and UDP)");
}

static void
test_class (void)
{
  g_autoptr(PortierPortSpec) crossing = portier_port_spec_parse ("1000-1100", NULL);

  g_assert_cmpint (portier_port_class_for_port (1), ==, PORTIER_PORT_CLASS_WELL_KNOWN);
  g_assert_cmpint (portier_port_class_for_port (1023), ==, PORTIER_PORT_CLASS_WELL_KNOWN);
  g_assert_cmpint (portier_port_class_for_port (1024), ==, PORTIER_PORT_CLASS_REGISTERED);
  g_assert_cmpint (portier_port_class_for_port (49151), ==, PORTIER_PORT_CLASS_REGISTERED);
  g_assert_cmpint (portier_port_class_for_port (49152), ==, PORTIER_PORT_CLASS_DYNAMIC);
  g_assert_cmpint (portier_port_class_for_port (65535), ==, PORTIER_PORT_CLASS_DYNAMIC);
  g_assert_cmpint (portier_port_spec_get_class (crossing), ==, PORTIER_PORT_CLASS_WELL_KNOWN);

  for (PortierPortClass c = PORTIER_PORT_CLASS_WELL_KNOWN; c <= PORTIER_PORT_CLASS_DYNAMIC; c++)
    {
      const char *explanation = portier_port_class_explain (c);

      g_assert_nonnull (explanation);
      /* One sentence: ends with a full stop, has no second one inside. */
      g_assert_true (g_str_has_suffix (explanation, "."));
      g_assert_null (strstr (explanation, ". "));
    }
  g_assert_cmpstr (portier_port_class_to_string (PORTIER_PORT_CLASS_REGISTERED), ==,
                   "registered");
}

static void
test_risk (void)
{
  static const struct
  {
    const char  *spec;
    PortierRisk  risk;
    const char  *reason_part;
  } cases[] = {
    { "22", PORTIER_RISK_HIGH, "remote login" },
    { "23", PORTIER_RISK_HIGH, "Telnet" },
    { "445", PORTIER_RISK_HIGH, "file sharing" },
    { "3389", PORTIER_RISK_HIGH, "remote desktop" },
    { "3306", PORTIER_RISK_HIGH, "database" },
    { "5432", PORTIER_RISK_HIGH, "database" },
    { "5900", PORTIER_RISK_HIGH, "screen sharing" },
    { "25565", PORTIER_RISK_LOW, NULL },
    { "19132/udp", PORTIER_RISK_LOW, NULL },
    { "53/udp", PORTIER_RISK_MEDIUM, "DNS" },
    { "3306/udp", PORTIER_RISK_LOW, NULL },
    /* A range is as risky as its riskiest port. */
    { "20-30", PORTIER_RISK_HIGH, "remote login" },
    { "440-450/both", PORTIER_RISK_HIGH, "file sharing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (cases[i].spec, NULL);
      const char *reason = (const char *) 0x1;

      g_test_message ("risk of %s", cases[i].spec);
      g_assert_nonnull (spec);
      g_assert_cmpint (portier_port_spec_get_risk (spec, &reason), ==, cases[i].risk);
      if (cases[i].reason_part == NULL)
        g_assert_null (reason);
      else
        g_assert_nonnull (strstr (reason, cases[i].reason_part));
    }
}

static void
test_overlap (void)
{
  g_autoptr(PortierPortSpec) a = portier_port_spec_parse ("2456-2458/udp", NULL);
  g_autoptr(PortierPortSpec) b = portier_port_spec_parse ("2458/both", NULL);
  g_autoptr(PortierPortSpec) c = portier_port_spec_parse ("2458/tcp", NULL);
  g_autoptr(PortierPortSpec) d = portier_port_spec_parse ("2459/udp", NULL);

  g_assert_true (portier_port_spec_overlaps (a, b));
  g_assert_false (portier_port_spec_overlaps (a, c));
  g_assert_false (portier_port_spec_overlaps (a, d));
  g_assert_true (portier_port_spec_contains (a, 2457, PORTIER_PROTOCOL_UDP));
  g_assert_false (portier_port_spec_contains (a, 2457, PORTIER_PROTOCOL_TCP));
  g_assert_true (portier_port_spec_contains (b, 2458, PORTIER_PROTOCOL_BOTH));
}

static void
test_boxed (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("22000/both", NULL);
  g_autoptr(PortierPortSpec) copy = g_boxed_copy (PORTIER_TYPE_PORT_SPEC, spec);
  PortierProtocol protocol;

  g_assert_true (portier_port_spec_equal (spec, copy));
  g_assert_true (portier_protocol_from_string ("UDP", &protocol));
  g_assert_cmpint (protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_false (portier_protocol_from_string ("udp ", &protocol));
  g_assert_false (portier_protocol_from_string (NULL, &protocol));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/port-spec/parse/valid", test_parse_valid);
  g_test_add_func ("/port-spec/parse/invalid", test_parse_invalid);
  g_test_add_func ("/port-spec/new", test_new_validates);
  g_test_add_func ("/port-spec/describe", test_describe);
  g_test_add_func ("/port-spec/class", test_class);
  g_test_add_func ("/port-spec/risk", test_risk);
  g_test_add_func ("/port-spec/overlap", test_overlap);
  g_test_add_func ("/port-spec/boxed", test_boxed);

  return g_test_run ();
}
