/* test-findings.c: the troubleshooter's words and order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <libintl.h>
#include <string.h>

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
    "mapping-present", "mapping-missing", "mapping-other-host", "mapping-stale-address",
    "mapping-other-program",
    "double-nat", "cgnat",
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

/* A router that keeps its own address to itself: the words name no other address for it
 * (not the provider's side of the link, not the box in front); the box in front is named
 * as what it is. A forward at the old address names both addresses. */
static void
test_addresses_as_they_are (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  PortierFindingFacts f = facts (spec);
  g_autoptr(PortierFinding) cgnat = NULL;
  g_autoptr(PortierFinding) double_nat = NULL;
  g_autoptr(PortierFinding) stale = NULL;

  f.router_address = NULL;
  f.outer_address = "192.168.0.1";
  f.old_address = "192.168.1.17";
  cgnat = portier_finding_new ("cgnat", &f);
  double_nat = portier_finding_new ("double-nat", &f);
  stale = portier_finding_new ("mapping-stale-address", &f);

  g_assert_null (strstr (cgnat->detail, "100.64"));
  g_assert_null (strstr (cgnat->detail, "?"));
  g_assert_nonnull (strstr (double_nat->detail, "another router at 192.168.0.1"));
  g_assert_null (strstr (double_nat->detail, "?"));
  g_assert_nonnull (strstr (stale->summary, "old address (192.168.1.17); it now has "
                                            "192.168.1.10"));
  g_assert_cmpint (stale->layer, ==, PORTIER_LAYER_ROUTER);
  g_assert_cmpint (stale->status, ==, PORTIER_FINDING_PROBLEM);
}

/* The findings of @codes, put in order; *verdict gets the verdict. */
static GPtrArray *
ordered (const PortierPortSpec *spec,
         const char * const    *codes,
         PortierVerdict        *verdict)
{
  PortierFindingFacts f = facts (spec);
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);

  for (guint i = 0; codes[i] != NULL; i++)
    g_ptr_array_add (findings, portier_finding_new (codes[i], &f));
  *verdict = portier_findings_order (findings);
  return findings;
}

static const char *
code_at (GPtrArray *findings,
         guint      i)
{
  return ((PortierFinding *) g_ptr_array_index (findings, i))->code;
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
  PortierVerdict verdict;

  cgnat_case[0] = "listening";   /* a CGNAT network is never reachable */
  a = ordered (spec, cgnat_case, &verdict);
  g_assert_cmpstr (code_at (a, 0), ==, "cgnat");
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_NOT_REACHABLE);
  g_assert_cmpstr (portier_findings_first_problem (a)->code, ==, "cgnat");

  b = ordered (spec, healthy, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_REACHABLE);
  /* Fine findings keep the layer order: app, firewall, router, internet. */
  g_assert_cmpstr (code_at (b, 0), ==, "listening");
  g_assert_cmpstr (code_at (b, 3), ==, "reachable");
  g_assert_null (portier_findings_first_problem (b));

  /* Several problems: the app first, the layers outwards. */
  c = ordered (spec, nothing, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_NOT_REACHABLE);
  g_assert_cmpstr (code_at (c, 0), ==, "no-listener");
  g_assert_cmpstr (code_at (c, 1), ==, "host-firewall-blocks");
  g_assert_cmpstr (code_at (c, 2), ==, "mapping-missing");
  g_assert_cmpstr (code_at (c, 3), ==, "unreachable");

  /* The way in works, but nothing answers: not reachable for the friend. */
  {
    const char *no_app[] = { "reachable", "no-listener", "mapping-present", NULL };
    g_autoptr(GPtrArray) e = ordered (spec, no_app, &verdict);
    g_assert_cmpint (verdict, ==, PORTIER_VERDICT_NOT_REACHABLE);
    g_assert_cmpstr (code_at (e, 0), ==, "no-listener");
    g_assert_cmpstr (portier_findings_first_problem (e)->code, ==, "no-listener");
  }

  d = ordered (spec, unknown, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_UNKNOWN);
  g_assert_cmpstr (code_at (d, 0), ==, "probe-unavailable");
}

/* No test from the internet ran: no verdict either way, whatever the layers found; the
 * test that could not run is said first, what is known follows. */
static void
test_no_verdict_without_a_test (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *codes[] = { "mapping-other-host", "host-firewall-blocks", "listening",
                          "probe-unavailable", NULL };
  const char *no_probe_finding[] = { "mapping-missing", "listening", NULL };
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) bare = NULL;
  PortierVerdict verdict;

  findings = ordered (spec, codes, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_UNKNOWN);
  g_assert_cmpstr (code_at (findings, 0), ==, "probe-unavailable");
  /* What the layers found stays, problems first among them. */
  g_assert_cmpstr (code_at (findings, 1), ==, "host-firewall-blocks");
  g_assert_cmpstr (code_at (findings, 2), ==, "mapping-other-host");
  g_assert_cmpstr (portier_findings_first_problem (findings)->code, ==,
                   "host-firewall-blocks");

  bare = ordered (spec, no_probe_finding, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_UNKNOWN);
}

/* The test from the internet got through: whatever a check says about the way in, it is
 * not offered as the problem to fix first, and not listed before what is fine. */
static void
test_reachable_offers_no_problem (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *codes[] = { "mapping-other-host", "host-firewall-blocks", "listening",
                          "reachable", "double-nat", NULL };
  g_autoptr(GPtrArray) findings = NULL;
  PortierVerdict verdict;

  findings = ordered (spec, codes, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_REACHABLE);
  g_assert_null (portier_findings_first_problem (findings));
  g_assert_cmpstr (code_at (findings, 0), ==, "listening");
  g_assert_cmpstr (code_at (findings, 1), ==, "reachable");
  for (guint i = 2; i < findings->len; i++)
    g_assert_cmpint (((PortierFinding *) findings->pdata[i])->status, ==,
                     PORTIER_FINDING_PROBLEM);
}

/* Another program's forward to this computer is the way in, named by its description. */
static void
test_forward_of_another_program (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  PortierFindingFacts f = facts (spec);
  g_autoptr(PortierFinding) named = NULL;
  g_autoptr(PortierFinding) unnamed = NULL;
  g_autoptr(PortierFinding) portiers = NULL;

  f.forwarded_by = "Some App";
  named = portier_finding_new ("mapping-present", &f);
  g_assert_cmpint (named->status, ==, PORTIER_FINDING_OK);
  g_assert_nonnull (strstr (named->summary, "set up by “Some App”"));
  g_assert_null (strstr (named->summary, "another device"));

  f.forwarded_by = "";
  unnamed = portier_finding_new ("mapping-present", &f);
  g_assert_nonnull (strstr (unnamed->summary, "another program"));

  f.forwarded_by = NULL;
  portiers = portier_finding_new ("mapping-present", &f);
  g_assert_null (strstr (portiers->summary, "set up by"));
}

static void
test_report (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *codes[] = { "listening", "mapping-missing", "no-router-support", NULL };
  g_autoptr(PortierDiagnosisReport) report = g_new0 (PortierDiagnosisReport, 1);
  g_autoptr(PortierDiagnosisReport) copy = NULL;

  report->spec = *spec;
  report->findings = ordered (spec, codes, &report->verdict);
  copy = portier_diagnosis_report_copy (report);

  g_assert_cmpstr (portier_diagnosis_report_get_first_problem (copy)->code, ==,
                   "no-router-support");
  g_assert_cmpuint (copy->findings->len, ==, 3);
  /* No test from the internet ran: the problems are known, the verdict is not. */
  g_assert_cmpint (copy->verdict, ==, PORTIER_VERDICT_UNKNOWN);
  /* Their JSON words ("unknown", "host-firewall", "warning") are portierctl's:
   * test-portierctl-json.c. */
}

/* What the person can fix on this computer comes before what needs the internet provider
 * or the router: start the app before phoning anyone (issue 17). */
static void
test_this_computer_first (void)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse ("25565/tcp", NULL);
  const char *codes[] = { "cgnat", "double-nat", "mapping-missing", "unreachable",
                          "host-firewall-blocks", "no-listener", NULL };
  const char *expected[] = { "no-listener", "host-firewall-blocks", "cgnat", "double-nat",
                             "mapping-missing", "unreachable", NULL };
  g_autoptr(GPtrArray) findings = NULL;
  PortierVerdict verdict;

  findings = ordered (spec, codes, &verdict);
  g_assert_cmpint (verdict, ==, PORTIER_VERDICT_NOT_REACHABLE);
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (code_at (findings, i), ==, expected[i]);
  g_assert_cmpstr (portier_findings_first_problem (findings)->code, ==, "no-listener");
}

/* Whether @text is a sentence: its first letter (after opening marks such as "¡" or
 * "«") a capital, a full stop at its end. */
static gboolean
is_sentence (const char *text)
{
  const char *p = text;

  while (*p != '\0' && !g_unichar_isalnum (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return *p != '\0' && g_unichar_isupper (g_utf8_get_char (p)) &&
         g_str_has_suffix (text, ".");
}

/* Every summary of every finding is a sentence that starts with a capital letter and
 * ends with a full stop, in every language Portier speaks, whatever the facts: a
 * process name as the system calls it ("java"), a name another program gave its
 * forward, a VPN's name, or none of them (issue 17: "port 25565 (TCP) cannot be
 * reached…"). */
static void
test_summaries_are_sentences (void)
{
  static const char * const languages[] = { "en", "de", "fr", "es" };
  static const char * const ports[] = { "25565/tcp", "27015-27016/udp" };
  const char * const *codes = portier_finding_codes ();
  const char *localedir = g_getenv ("PORTIER_TEST_LOCALEDIR");
  g_autofree char *english_cgnat = NULL;

  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_setenv ("LANGUAGE", languages[l], TRUE);
      /* Makes gettext read LANGUAGE again. */
      setlocale (LC_ALL, "C.UTF-8");

      for (guint p = 0; p < G_N_ELEMENTS (ports); p++)
        for (guint variant = 0; variant < 3; variant++)
          {
            g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (ports[p], NULL);
            PortierFindingFacts f = { 0 };

            f.spec = spec;
            if (variant > 0)
              {
                f = facts (spec);
                f.forwarded_by = variant == 1 ? "steam" : "";
                f.vpn_name = "wg0";
                f.old_address = "192.168.1.9";
              }
            for (guint i = 0; codes[i] != NULL; i++)
              {
                g_autoptr(PortierFinding) finding = portier_finding_new (codes[i], &f);

                if (!is_sentence (finding->summary))
                  g_error ("%s, %s: not a sentence: “%s”", languages[l], codes[i],
                           finding->summary);
                if (g_str_equal (codes[i], "cgnat") && english_cgnat == NULL)
                  english_cgnat = g_strdup (finding->summary);
                /* The language is really the one asked for. */
                else if (g_str_equal (codes[i], "cgnat") && l > 0)
                  g_assert_cmpstr (finding->summary, !=, english_cgnat);
              }
          }
    }

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/findings/every-code", test_every_code);
  g_test_add_func ("/findings/facts-in-words", test_facts_in_words);
  g_test_add_func ("/findings/addresses-as-they-are", test_addresses_as_they_are);
  g_test_add_func ("/findings/order-and-verdict", test_order_and_verdict);
  g_test_add_func ("/findings/no-verdict-without-a-test", test_no_verdict_without_a_test);
  g_test_add_func ("/findings/reachable-offers-no-problem", test_reachable_offers_no_problem);
  g_test_add_func ("/findings/forward-of-another-program", test_forward_of_another_program);
  g_test_add_func ("/findings/this-computer-first", test_this_computer_first);
  g_test_add_func ("/findings/report", test_report);
  g_test_add_func ("/findings/summaries-are-sentences", test_summaries_are_sentences);

  return g_test_run ();
}
