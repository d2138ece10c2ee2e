/* test-helper-args.c: what the helper accepts from callers, and nothing more
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-backend-firewalld.h"
#include "portier-error.h"
#include "portier-helper-args.h"
#include "portier-helper-run.h"

static GVariant *
open_args (guint16     first,
           guint16     last,
           const char *protocol,
           const char *zone,
           guint32     timeout,
           gboolean    permanent,
           const char *label)
{
  return g_variant_ref_sink (g_variant_new ("(qqssubsb)", first, last, protocol, zone, timeout,
                                            permanent, label, TRUE));
}

static void
test_open_valid (void)
{
  g_autoptr(GVariant) args = open_args (2456, 2458, "udp", "home", 3600, FALSE,
                                        "Valheim (dedicated server)");
  g_autoptr(GError) error = NULL;
  PortierOpenRequest request;

  g_assert_true (portier_helper_parse_open_args (args, &request, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (request.first, ==, 2456);
  g_assert_cmpuint (request.last, ==, 2458);
  g_assert_cmpint (request.protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_cmpstr (request.zone, ==, "home");
  g_assert_cmpuint (request.timeout, ==, 3600);
  g_assert_false (request.permanent);
  g_assert_cmpstr (request.label, ==, "Valheim (dedicated server)");
  g_assert_true (request.interactive);
  portier_open_request_clear (&request);

  /* a whole 1000-port range, the edges of the port numbers, empty zone and label */
  for (guint i = 0; i < 3; i++)
    {
      static const guint16 ranges[][2] = { { 1, 1000 }, { 65535, 65535 }, { 64536, 65535 } };
      g_autoptr(GVariant) edge = open_args (ranges[i][0], ranges[i][1], "tcp", "", 0, TRUE, "");

      g_assert_true (portier_helper_parse_open_args (edge, &request, &error));
      g_assert_no_error (error);
      portier_open_request_clear (&request);
    }
}

static void
test_open_invalid (void)
{
  g_autofree char *long_label = g_strnfill (10240, 'x');
  g_autofree char *label_65 = g_strnfill (65, 'a');
  struct
  {
    const char *why;
    GVariant   *args;
  } cases[] = {
    { "port 0", open_args (0, 0, "tcp", "", 0, FALSE, "") },
    { "first 0", open_args (0, 80, "tcp", "", 0, FALSE, "") },
    { "backwards", open_args (90, 80, "tcp", "", 0, FALSE, "") },
    { "1001 ports", open_args (1000, 2000, "tcp", "", 0, FALSE, "") },
    { "5000 ports", open_args (10000, 14999, "tcp", "", 0, FALSE, "") },
    { "shell in protocol", open_args (80, 80, "tcp; rm -rf /", "", 0, FALSE, "") },
    { "both", open_args (80, 80, "both", "", 0, FALSE, "") },
    { "upper case", open_args (80, 80, "TCP", "", 0, FALSE, "") },
    { "empty protocol", open_args (80, 80, "", "", 0, FALSE, "") },
    { "sctp", open_args (80, 80, "sctp", "", 0, FALSE, "") },
    { "protocol with space", open_args (80, 80, "tcp ", "", 0, FALSE, "") },
    { "zone with space", open_args (80, 80, "tcp", "home ", 0, FALSE, "") },
    { "zone with semicolon", open_args (80, 80, "tcp", "home;drop", 0, FALSE, "") },
    { "zone starting with dash", open_args (80, 80, "tcp", "-home", 0, FALSE, "") },
    { "zone too long", open_args (80, 80, "tcp", "abcdefghijabcdefghijabcdefghijabc", 0, FALSE, "") },
    { "quote in label", open_args (80, 80, "tcp", "", 0, FALSE, "a\"b") },
    { "apostrophe in label", open_args (80, 80, "tcp", "", 0, FALSE, "it's") },
    { "newline in label", open_args (80, 80, "tcp", "", 0, FALSE, "a\nb") },
    { "semicolon in label", open_args (80, 80, "tcp", "", 0, FALSE, "a; flush ruleset") },
    { "brace in label", open_args (80, 80, "tcp", "", 0, FALSE, "{ accept }") },
    { "label with space at the end", open_args (80, 80, "tcp", "", 0, FALSE, "Minecraft ") },
    { "non-ASCII label", open_args (80, 80, "tcp", "", 0, FALSE, "Caf\xc3\xa9") },
    { "non-ASCII zone", open_args (80, 80, "tcp", "Caf\xc3\xa9", 0, FALSE, "") },
    { "65-byte label", open_args (80, 80, "tcp", "", 0, FALSE, label_65) },
    { "10 KB label", open_args (80, 80, "tcp", "", 0, FALSE, long_label) },
    { "timeout and permanent", open_args (80, 80, "tcp", "", 60, TRUE, "") },
    { "timeout over a year", open_args (80, 80, "tcp", "", PORTIER_HELPER_MAX_TIMEOUT + 1, FALSE, "") },
    { "wrong type", g_variant_ref_sink (g_variant_new ("(uussubsb)", 80, 80, "tcp", "", 0, FALSE,
                                                       "", FALSE)) },
    { "too few", g_variant_ref_sink (g_variant_new ("(qqs)", 80, 80, "tcp")) },
    { "nothing", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PortierOpenRequest request;

      g_test_message ("%s", cases[i].why);
      g_assert_false (portier_helper_parse_open_args (cases[i].args, &request, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
      g_assert_null (request.zone);
      g_assert_null (request.label);
      g_clear_pointer (&cases[i].args, g_variant_unref);
    }
}

static void
test_query_and_close (void)
{
  g_autoptr(GVariant) query = g_variant_ref_sink (g_variant_new ("(qqs)", 80, 90, "udp"));
  g_autoptr(GVariant) bad_query = g_variant_ref_sink (g_variant_new ("(qqs)", 80, 90, "tcp,udp"));
  g_autoptr(GVariant) close = g_variant_ref_sink (g_variant_new ("(sb)", "0123456789abcdef", TRUE));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  PortierPortSpec spec;
  gboolean interactive = FALSE;
  const char *bad_ids[] = {
    "", "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF", "0123456789abcdeg",
    "../../etc/passwd", "0123456789abcde;", "0123456789abcdef\n", "firewalld:home:80:tcp",
  };

  g_assert_true (portier_helper_parse_query_args (query, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (spec.first, ==, 80);
  g_assert_cmpuint (spec.last, ==, 90);
  g_assert_cmpint (spec.protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_false (portier_helper_parse_query_args (bad_query, &spec, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (portier_helper_parse_close_args (close, &id, &interactive, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "0123456789abcdef");
  g_assert_true (interactive);

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(GVariant) args = g_variant_ref_sink (g_variant_new ("(sb)", bad_ids[i], FALSE));
      g_autofree char *ignored = NULL;

      g_assert_false (portier_helper_parse_close_args (args, &ignored, &interactive, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
      g_assert_null (ignored);
      g_clear_error (&error);
    }
}

static void
test_rule_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *id = portier_helper_new_rule_id ();

      g_assert_true (portier_helper_check_rule_id (id, NULL));
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, id);
    }
}

static void
test_format_ports (void)
{
  g_autofree char *one = portier_helper_format_ports (8080, 8080);
  g_autofree char *range = portier_helper_format_ports (8000, 8010);

  g_assert_cmpstr (one, ==, "8080");
  g_assert_cmpstr (range, ==, "8000-8010");
}

static void
test_default_route (void)
{
  const char *route =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
    "eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
  const char *route6 =
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 wg0\n";
  const char *bad =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
    "eth0;x\t00000000\t0101A8C0\t0003\t0\t0\t1\t00000000\n";
  g_autofree char *v4 = portier_default_route_interface (route, route6);
  g_autofree char *v6 = portier_default_route_interface ("Iface\n", route6);
  g_autofree char *none = portier_default_route_interface ("", "");
  g_autofree char *refused = portier_default_route_interface (bad, NULL);

  g_assert_cmpstr (v4, ==, "eth0");      /* the lowest metric wins */
  g_assert_cmpstr (v6, ==, "wg0");
  g_assert_null (none);
  g_assert_null (refused);               /* a name the helper would not hand on */
}

static gpointer
interrupt_soon (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (G_CANCELLABLE (data));
  return NULL;
}

/* A read's program stops when a change interrupts it (from another thread), long before
 * it would have ended; without the interrupt, programs run as before. */
static void
test_run_interrupt (void)
{
  const char *sleep_argv[] = { "sleep", "30", NULL };
  const char *true_argv[] = { "true", NULL };
  g_autoptr(GCancellable) interrupt = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start;
  int status = -1;

  portier_helper_run_set_interrupt (interrupt);
  g_assert_true (portier_helper_run (true_argv, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  thread = g_thread_new ("interrupt", interrupt_soon, interrupt);
  start = g_get_monotonic_time ();
  g_assert_false (portier_helper_run (sleep_argv, NULL, NULL, NULL, &status, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_thread_join (thread);
  g_clear_error (&error);

  /* Interrupted already: nothing more is started. */
  g_assert_false (portier_helper_run (true_argv, NULL, NULL, NULL, &status, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  portier_helper_run_set_interrupt (NULL);
  status = -1;
  g_assert_true (portier_helper_run (true_argv, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper-args/open/valid", test_open_valid);
  g_test_add_func ("/helper-args/open/invalid", test_open_invalid);
  g_test_add_func ("/helper-args/query-and-close", test_query_and_close);
  g_test_add_func ("/helper-args/rule-ids", test_rule_ids);
  g_test_add_func ("/helper-args/format-ports", test_format_ports);
  g_test_add_func ("/helper-args/default-route", test_default_route);
  g_test_add_func ("/helper-args/run-interrupt", test_run_interrupt);

  return g_test_run ();
}
