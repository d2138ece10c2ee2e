/* test-findings.c: the troubleshooter's words and order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-findings.h"

static PortierFindingFacts
facts (const PortierPortSpec *spec)
{
  PortierFindingFacts f = { 0 };

  f.spec = spec;
  f.program = "java";
  f.lan_address = "192.168.1.10";
  f.gateway = "192.168.1.1";
  f.router_address = "100.64.0.2";
  f.public_address = "11.200.0.9";
  f.other_host = "192.168.1.20";
  f.router_error_code = 718;
  return f;
}

static void
test_every_code (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  PortierFindingFacts f = facts (spec);
  const char * const *codes = portier_finding_codes ();
  static const char *design_codes[] = {
    "listening", "no-listener", "listener-loopback-only", "host-firewall-open",
    "host-firewall-blocks", "host-firewall-unknown", "no-router-support", "router-refused",
    "mapping-present", "mapping-missing", "mapping-other-host", "double-nat", "cgnat",
    "public-address-mismatch", "vpn-active", "reachable", "unreachable", "probe-unavailable",
  };

  /* Exactly the codes of the design, no more, no fewer. */
  g_assert_cmpuint (g_strv_length ((GStrv) codes), ==, G_N_ELEMENTS (design_codes));
  for (guint i = 0; i < G_N_ELEMENTS (design_codes); i++)
    g_assert_true (portier_finding_code_known (design_codes[i]));
  g_assert_false (portier_finding_code_known ("no-such-code"));

  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autoptr(PortierFinding) finding = portier_finding_new (codes[i], &f);

      g_test_message ("%s: %s", codes[i], finding->summary);
      g_assert_cmpstr (finding->code, ==, codes[i]);
      g_assert_true (g_str_has_suffix (finding->summary, "."));
      g_assert_true (g_str_has_suffix (finding->detail, "."));
      /* Every problem says what to do. */
      if (finding->status == PORTIER_FINDING_PROBLEM)
        {
          g_assert_nonnull (finding->fix);
          g_assert_true (g_str_has_suffix (finding->fix, "."));
        }
      /* The words use the facts, not placeholders. */
      g_assert_null (strstr (finding->summary, "%"));
      g_assert_null (strstr (finding->detail, "%"));
    }
}

static void
test_facts_in_words (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  PortierFindingFacts f = facts (spec);
  g_autoptr(PortierFinding) other = portier_finding_new ("mapping-other-host", &f);
  g_autoptr(PortierFinding) cgnat = portier_finding_new ("cgnat", &f);
  g_autoptr(PortierFinding) refused = portier_finding_new ("router-refused", &f);
  g_autoptr(PortierFinding) no_router = portier_finding_new ("no-router-support", &f);

  g_assert_nonnull (strstr (other->summary, "192.168.1.20"));
  g_assert_nonnull (strstr (other->summary, "port 25565 (TCP)"));
  g_assert_cmpint (other->action, ==, PORTIER_FIX_USE_OTHER_PORT);
  g_assert_nonnull (strstr (cgnat->detail, "100.64.0.2"));
  g_assert_nonnull (strstr (refused->detail, "718"));
  g_assert_cmpstr (refused->fix, ==, portier_router_error_advice (718));
  g_assert_nonnull (strstr (no_router->fix, "192.168.1.1"));
  g_assert_nonnull (strstr (no_router->fix, "192.168.1.10"));
  g_assert_cmpint (cgnat->layer, ==, PORTIER_LAYER_NETWORK);
}

static GPtrArray *
findings_of (const PortierPortSpec *spec,
             const char * const    *codes)
{
  PortierFindingFacts f = facts (spec);
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);

  for (guint i = 0; codes[i] != NULL; i++)
    g_ptr_array_add (findings, portier_finding_new (codes[i], &f));
  portier_findings_sort (findings);
  return findings;
}

static void
test_order_and_verdict (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *cgnat_case[] = { "reachable", "listening", "host-firewall-open",
                               "mapping-present", "unreachable", "cgnat", NULL };
  const char *healthy[] = { "mapping-present", "reachable", "listening",
                            "host-firewall-open", NULL };
  const char *nothing[] = { "unreachable", "mapping-missing", "host-firewall-blocks",
                            "no-listener", NULL };
  const char *unknown[] = { "probe-unavailable", "listening", "host-firewall-unknown", NULL };
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;
  g_autoptr(GPtrArray) d = NULL;

  cgnat_case[0] = "listening";   /* a CGNAT network is never reachable */
  a = findings_of (spec, cgnat_case);
  g_assert_cmpstr (((PortierFinding *) a->pdata[0])->code, ==, "cgnat");
  g_assert_cmpint (portier_findings_verdict (a), ==, PORTIER_VERDICT_NOT_REACHABLE);

  b = findings_of (spec, healthy);
  g_assert_cmpint (portier_findings_verdict (b), ==, PORTIER_VERDICT_REACHABLE);
  /* Fine findings keep the layer order: app, firewall, router, internet. */
  g_assert_cmpstr (((PortierFinding *) b->pdata[0])->code, ==, "listening");
  g_assert_cmpstr (((PortierFinding *) b->pdata[3])->code, ==, "reachable");

  /* Several problems: the app first, the layers outwards. */
  c = findings_of (spec, nothing);
  g_assert_cmpstr (((PortierFinding *) c->pdata[0])->code, ==, "no-listener");
  g_assert_cmpstr (((PortierFinding *) c->pdata[1])->code, ==, "host-firewall-blocks");
  g_assert_cmpstr (((PortierFinding *) c->pdata[2])->code, ==, "mapping-missing");
  g_assert_cmpstr (((PortierFinding *) c->pdata[3])->code, ==, "unreachable");

  /* The way in works, but nothing answers: not reachable for the friend. */
  {
    const char *no_app[] = { "reachable", "no-listener", "mapping-present", NULL };
    g_autoptr(GPtrArray) e = findings_of (spec, no_app);
    g_assert_cmpint (portier_findings_verdict (e), ==, PORTIER_VERDICT_NOT_REACHABLE);
    g_assert_cmpstr (((PortierFinding *) e->pdata[0])->code, ==, "no-listener");
  }

  d = findings_of (spec, unknown);
  g_assert_cmpint (portier_findings_verdict (d), ==, PORTIER_VERDICT_UNKNOWN);
}

static void
test_report (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *codes[] = { "listening", "mapping-missing", "no-router-support", NULL };
  g_autoptr(PortierDiagnosisReport) report = g_new0 (PortierDiagnosisReport, 1);
  g_autoptr(PortierDiagnosisReport) copy = NULL;

  report->spec = *spec;
  report->findings = findings_of (spec, codes);
  report->verdict = portier_findings_verdict (report->findings);
  copy = portier_diagnosis_report_copy (report);

  g_assert_cmpstr (portier_diagnosis_report_get_first_problem (copy)->code, ==,
                   "no-router-support");
  g_assert_cmpuint (copy->findings->len, ==, 3);
  g_assert_cmpstr (portier_verdict_to_string (copy->verdict), ==, "not-reachable");
  g_assert_cmpstr (portier_layer_to_string (PORTIER_LAYER_HOST_FIREWALL), ==, "host-firewall");
  g_assert_cmpstr (portier_finding_status_to_string (PORTIER_FINDING_WARNING), ==, "warning");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/findings/every-code", test_every_code);
  g_test_add_func ("/findings/facts-in-words", test_facts_in_words);
  g_test_add_func ("/findings/order-and-verdict", test_order_and_verdict);
  g_test_add_func ("/findings/report", test_report);

  return g_test_run ();
}
