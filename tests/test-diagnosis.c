/* test-diagnosis.c: the troubleshooter — which findings, in which order, the first
 * problem, and the verdict — without root
 *
 * The router, the firewall and the test from the internet are fakes in memory
 * (fake-peers.h), handed in the way the opener takes them; the app's check is real (a
 * socket this test listens on), and so is the network's (read from the kernel). The
 * integration suite (test-troubleshooter.py) runs the same checks against miniupnpd,
 * nftables and the probe server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "fake-peers.h"
#include "portier-diagnosis.h"
#include "portier-error.h"

typedef struct
{
  GSocket         *listener;   /* the app: listens on every address */
  PortierPortSpec  spec;
  FakeRouter      *router;
  FakeFirewallWay *way;
  PortierFirewall *firewall;
  FakeProbe       *probe;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  fixture->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                    G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (fixture->listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (fixture->listener, &error));
  bound = g_socket_get_local_address (fixture->listener, &error);
  g_assert_no_error (error);
  fixture->spec.first = fixture->spec.last =
    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  fixture->spec.protocol = PORTIER_PROTOCOL_TCP;

  fixture->router = fake_router_new ("203.0.113.7");
  fixture->way = fake_firewall_way_new ();
  fixture->firewall = portier_firewall_new_for_way (PORTIER_FIREWALL_MODE_HELPER,
                                                    PORTIER_FIREWALL_WAY (fixture->way));
  fixture->probe = fake_probe_new (PORTIER_PROBE_RESULT_REACHABLE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->router);
  g_assert_finalize_object (fixture->firewall);
  g_assert_finalize_object (fixture->way);
  g_assert_finalize_object (fixture->probe);
  g_clear_object (&fixture->listener);
}

static void
use_probe (Fixture            *fixture,
           PortierProbeResult  result)
{
  g_clear_object (&fixture->probe);
  fixture->probe = fake_probe_new (result);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static PortierDiagnosisReport *
diagnose (Fixture *fixture)
{
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  PortierDiagnosisReport *report;

  portier_diagnosis_run_with_peers_async (&fixture->spec, NULL,
                                          PORTIER_ROUTER (fixture->router),
                                          fixture->firewall,
                                          PORTIER_PROBE (fixture->probe), NULL, store_cb,
                                          &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  report = portier_diagnosis_run_finish (async_result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* Where @code is among the findings, or G_MAXUINT. */
static guint
find_code (const PortierDiagnosisReport *report,
           const char                   *code)
{
  for (guint i = 0; i < report->findings->len; i++)
    if (g_str_equal (((PortierFinding *) report->findings->pdata[i])->code, code))
      return i;
  return G_MAXUINT;
}

static gboolean
has (const PortierDiagnosisReport *report,
     const char                   *code)
{
  return find_code (report, code) != G_MAXUINT;
}

/* Where @code is among the findings; fails when it is not there. */
static guint
position (const PortierDiagnosisReport *report,
          const char                   *code)
{
  guint index = find_code (report, code);

  if (index == G_MAXUINT)
    g_error ("no finding %s", code);
  return index;
}

/* Everything is in place: reachable, no problem to fix, and each layer says it is fine. */
static void
test_all_fine (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;

  fake_firewall_way_set_state (fixture->way, "open");
  fake_router_put (fixture->router, fixture->spec.first, "192.168.1.20", "Portier game");
  report = diagnose (fixture);
  g_assert_cmpint (report->verdict, ==, PORTIER_VERDICT_REACHABLE);
  g_assert_null (portier_diagnosis_report_get_first_problem (report));
  g_assert_true (has (report, "listening"));
  g_assert_true (has (report, "host-firewall-open"));
  g_assert_true (has (report, "mapping-present"));
  g_assert_true (has (report, "reachable"));
  /* The layers from the app outwards. */
  g_assert_cmpuint (position (report, "listening"), <, position (report, "host-firewall-open"));
  g_assert_cmpuint (position (report, "host-firewall-open"), <,
                    position (report, "mapping-present"));
  g_assert_cmpuint (position (report, "mapping-present"), <, position (report, "reachable"));
}

/* The firewall blocks and the router has no forward, and the test does not get through:
 * problems first, the firewall's before the router's, and the firewall is the one to fix
 * first. The trial forward that told the router would make it is gone again. */
static void
test_firewall_first (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;
  const PortierFinding *first;

  use_probe (fixture, PORTIER_PROBE_RESULT_TIMEOUT);
  fake_firewall_way_set_state (fixture->way, "blocked");
  report = diagnose (fixture);
  g_assert_cmpint (report->verdict, ==, PORTIER_VERDICT_NOT_REACHABLE);
  first = portier_diagnosis_report_get_first_problem (report);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->code, ==, "host-firewall-blocks");
  g_assert_cmpint (first->action, ==, PORTIER_FIX_OPEN_FIREWALL);
  g_assert_cmpuint (position (report, "host-firewall-blocks"), <,
                    position (report, "mapping-missing"));
  g_assert_cmpuint (position (report, "mapping-missing"), <, position (report, "unreachable"));
  /* Every problem comes before what is fine. */
  g_assert_cmpuint (position (report, "unreachable"), <, position (report, "listening"));
  g_assert_cmpuint (fake_router_count (fixture->router), ==, 0);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 1);
}

/* Another device holds the port on the router: that is the problem, with its address. */
static void
test_other_device (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;
  const PortierFinding *first;

  use_probe (fixture, PORTIER_PROBE_RESULT_TIMEOUT);
  fake_firewall_way_set_state (fixture->way, "open");
  fake_router_put (fixture->router, fixture->spec.first, "192.168.1.99", "console");
  report = diagnose (fixture);
  first = portier_diagnosis_report_get_first_problem (report);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->code, ==, "mapping-other-host");
  g_assert_nonnull (strstr (first->summary, "192.168.1.99"));
  /* The other device's forward is never touched. */
  g_assert_cmpuint (fake_router_count (fixture->router), ==, 1);
  g_assert_cmpuint (fake_router_added (fixture->router), ==, 0);
}

/* The test got through although the firewall says it blocks (its answer is stale, or
 * another rule lets it in): the way in works, so no problem of the way in is offered
 * first, and it comes after what is fine. */
static void
test_reachable_no_problem_first (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;

  fake_firewall_way_set_state (fixture->way, "blocked");
  fake_router_put (fixture->router, fixture->spec.first, "192.168.1.20", "Portier game");
  report = diagnose (fixture);
  g_assert_cmpint (report->verdict, ==, PORTIER_VERDICT_REACHABLE);
  g_assert_null (portier_diagnosis_report_get_first_problem (report));
  g_assert_cmpuint (position (report, "reachable"), <,
                    position (report, "host-firewall-blocks"));
  g_assert_cmpuint (position (report, "listening"), <,
                    position (report, "host-firewall-blocks"));
}

/* No test server answered: unknown, and that comes first; what the layers found follows
 * as what is known. */
static void
test_unknown_without_test (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;
  const PortierFinding *first_finding;

  use_probe (fixture, PORTIER_PROBE_RESULT_UNAVAILABLE);
  fake_firewall_way_set_state (fixture->way, "blocked");
  report = diagnose (fixture);
  g_assert_cmpint (report->verdict, ==, PORTIER_VERDICT_UNKNOWN);
  first_finding = g_ptr_array_index (report->findings, 0);
  g_assert_cmpstr (first_finding->code, ==, "probe-unavailable");
  g_assert_true (has (report, "host-firewall-blocks"));
  g_assert_false (has (report, "reachable"));
  g_assert_false (has (report, "unreachable"));
}

/* The test could not run at all (an error, no report): unknown too. */
static void
test_unknown_when_test_fails (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;

  fake_probe_fail (fixture->probe);
  fake_firewall_way_set_state (fixture->way, "open");
  report = diagnose (fixture);
  g_assert_cmpint (report->verdict, ==, PORTIER_VERDICT_UNKNOWN);
  g_assert_cmpstr (((PortierFinding *) report->findings->pdata[0])->code, ==,
                   "probe-unavailable");
}

/* Nothing listens on the port: the app is the first problem. */
static void
test_no_listener (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PortierDiagnosisReport) report = NULL;
  const PortierFinding *first;

  g_socket_close (fixture->listener, NULL);
  use_probe (fixture, PORTIER_PROBE_RESULT_REFUSED);
  fake_firewall_way_set_state (fixture->way, "blocked");
  report = diagnose (fixture);
  first = portier_diagnosis_report_get_first_problem (report);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->code, ==, "no-listener");
  g_assert_cmpuint (position (report, "no-listener"), <,
                    position (report, "host-firewall-blocks"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* The network is read from the kernel: no NetworkManager on the unit tests' bus. */
  g_setenv ("PORTIER_NETWORK_SOURCE", "kernel", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/diagnosis/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("all-fine", test_all_fine);
  ADD ("firewall-first", test_firewall_first);
  ADD ("other-device", test_other_device);
  ADD ("reachable-no-problem-first", test_reachable_no_problem_first);
  ADD ("unknown-without-test", test_unknown_without_test);
  ADD ("unknown-when-test-fails", test_unknown_when_test_fails);
  ADD ("no-listener", test_no_listener);
#undef ADD

  return g_test_run ();
}
