/* test-e2e.c: the whole wizard, driven through its widgets, against a real home network
 *
 * Run by tests/integration/test-wizard.py inside the simulated home network (the "lan"
 * computer, with its own X server), never on its own: pressing "Open" really opens.
 *
 *   test-e2e open PUBLIC_ADDRESS      Minecraft (Java) → open → the result page shows
 *                                     PUBLIC_ADDRESS:25565, reachable; then "Ports I
 *                                     opened" → Close removes it
 *   test-e2e cgnat                    the same, behind carrier-grade NAT: the wizard goes
 *                                     to the troubleshooter, which lists cgnat after the
 *                                     app that is not running
 *   test-e2e all-or-nothing           Syncthing (22000/tcp, then 22000/udp) while another
 *                                     device holds 22000/udp on the router: the wizard goes
 *                                     to the troubleshooter, and the TCP port it had opened
 *                                     is closed again
 *   test-e2e guide LAN PUBLIC FLAG     a router without UPnP: the troubleshooter's fix
 *                                     button leads to the guide, which names the router and
 *                                     gives LAN, the port and the protocol; "Check again"
 *                                     says it still fails; the test prints "forward now"
 *                                     and waits for the file FLAG (the forward made by hand
 *                                     in the router); "Check again" then leads to the result
 *                                     page, reachable at PUBLIC:25565
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "portier-guide-page.h"
#include "portier-opening-row.h"
#include "portier-openings-page.h"
#include "portier-progress-page.h"
#include "portier-review-page.h"
#include "portier-result-page.h"
#include "portier-troubleshoot-page.h"
#include "portier-welcome-page.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

#define TIMEOUT_SECONDS 90

static char *public_address;
static char *lan_address;
static char *flag_path;

/* Every warning and critical ends the test, as G_DEBUG=fatal-warnings would, except
 * the opener's word that an opening failed: behind carrier-grade NAT, that is the
 * outcome the test expects. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (level, fields, n_fields, user_data);
  const char *domain = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;

  if ((level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL)) &&
      !((level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "portier-opener") == 0))
    g_abort ();

  return output;
}

typedef gboolean (*Condition) (PortierWindow *window);

static void
wait_for (PortierWindow *window,
          Condition      condition,
          const char    *what)
{
  gint64 end = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!condition (window))
    {
      if (g_get_monotonic_time () > end)
        g_error ("waited %d s for %s; the page is a %s", TIMEOUT_SECONDS, what,
                 G_OBJECT_TYPE_NAME (portier_window_get_page (window)));
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static gboolean
outcome_shown (PortierWindow *window)
{
  GtkWidget *page = portier_window_get_page (window);

  return PORTIER_IS_RESULT_PAGE (page) || PORTIER_IS_TROUBLESHOOT_PAGE (page);
}

static gboolean
report_shown (PortierWindow *window)
{
  GtkWidget *page = portier_window_get_page (window);

  return PORTIER_IS_TROUBLESHOOT_PAGE (page) &&
         portier_troubleshoot_page_get_report (PORTIER_TROUBLESHOOT_PAGE (page)) != NULL;
}

static gboolean
nothing_open (PortierWindow *window)
{
  GtkWidget *page = portier_window_get_page (window);

  return PORTIER_IS_OPENINGS_PAGE (page) &&
         portier_openings_page_get_n_rows (PORTIER_OPENINGS_PAGE (page)) == 0;
}

/* Choose the app, keep the defaults, and press "Open Port". */
static PortierWindow *
open_app (const char *search,
          const char *app_id)
{
  PortierWindow *window = ui_test_window_new (800, 700);
  GtkWidget *page;
  GtkWidget *progress;

  ui_test_show_review (window, search, app_id);
  page = portier_window_get_page (window);
  ui_test_click (ui_test_child (page, PORTIER_TYPE_REVIEW_PAGE, "open_button"));

  /* In the simulated network it can all be over by the time the click is done. */
  progress = portier_window_get_page (window);
  g_assert_true (PORTIER_IS_PROGRESS_PAGE (progress) || outcome_shown (window));
  wait_for (window, outcome_shown, "the outcome of opening");
  return window;
}

static PortierWindow *
open_minecraft (void)
{
  return open_app ("minecraft java", "minecraft-java");
}

static void
test_open_and_close (void)
{
  PortierWindow *window = open_minecraft ();
  GtkWidget *page = portier_window_get_page (window);
  g_autofree char *share = g_strdup_printf ("%s:25565", public_address);
  GtkWidget *row;

  if (PORTIER_IS_TROUBLESHOOT_PAGE (page))
    {
      wait_for (window, report_shown, "the troubleshooter's report");
      g_error ("opening failed; the troubleshooter's first problem: %s",
               portier_diagnosis_report_get_first_problem (
                 portier_troubleshoot_page_get_report (PORTIER_TROUBLESHOOT_PAGE (page)))->code);
    }

  g_assert_cmpint (portier_result_page_get_outcome (PORTIER_RESULT_PAGE (page)), ==,
                   PORTIER_OUTCOME_REACHABLE);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (
                     ui_test_child (page, PORTIER_TYPE_RESULT_PAGE, "status_page"))), ==,
                   "Your Friends Can Join Now");
  /* The router's WAN address, with the port, is the address to give friends. */
  row = ui_test_find_row (ui_test_child (page, PORTIER_TYPE_RESULT_PAGE, "share_group"), share);
  g_assert_nonnull (row);
  g_assert_nonnull (ui_test_find_row (ui_test_child (page, PORTIER_TYPE_RESULT_PAGE,
                                                     "steps_group"),
                                      "Reachable from the internet: the test got through"));
  ui_test_save_png (GTK_WIDGET (window), "e2e-result");

  /* Ports I opened: it is there, and "Close" removes it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "wizard.openings", NULL);
  page = portier_window_get_page (window);
  g_assert_true (PORTIER_IS_OPENINGS_PAGE (page));
  g_assert_cmpuint (portier_openings_page_get_n_rows (PORTIER_OPENINGS_PAGE (page)), ==, 1);
  row = ui_test_find_row (page, "Minecraft: Java Edition");
  g_assert_nonnull (row);
  ui_test_click (ui_test_child (row, PORTIER_TYPE_OPENING_ROW, "close_button"));
  wait_for (window, nothing_open, "the opening to be closed");

  ui_test_window_destroy (window);
}

static void
test_cgnat (void)
{
  PortierWindow *window = open_minecraft ();
  const PortierDiagnosisReport *report;
  const PortierFinding *first;
  const PortierFinding *cgnat = NULL;
  GtkWidget *page;

  g_assert_true (PORTIER_IS_TROUBLESHOOT_PAGE (portier_window_get_page (window)));
  wait_for (window, report_shown, "the troubleshooter's report");
  page = portier_window_get_page (window);
  report = portier_troubleshoot_page_get_report (PORTIER_TROUBLESHOOT_PAGE (page));
  first = portier_diagnosis_report_get_first_problem (report);
  g_assert_nonnull (first);
  /* No game server runs here: starting it comes first, on this computer, before the
   * call to the provider (issue 17). */
  g_assert_cmpstr (first->code, ==, "no-listener");
  for (guint i = 0; i < report->findings->len && cgnat == NULL; i++)
    if (g_str_equal (((PortierFinding *) g_ptr_array_index (report->findings, i))->code,
                     "cgnat"))
      cgnat = g_ptr_array_index (report->findings, i);
  g_assert_nonnull (cgnat);

  /* What the person reads is that finding, first; the provider's after it. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                     ui_test_child (page, PORTIER_TYPE_TROUBLESHOOT_PAGE, "first_row"))), ==,
                   first->summary);
  g_assert_nonnull (ui_test_find_row (ui_test_child (page, PORTIER_TYPE_TROUBLESHOOT_PAGE,
                                                     "next_list"),
                                      cgnat->summary));
  ui_test_save_png (GTK_WIDGET (window), "e2e-cgnat");

  ui_test_window_destroy (window);
}

/* An app's ports open all, or none: when the second cannot be forwarded, the first is
 * closed again before the troubleshooter says what is in the way. */
static void
test_all_or_nothing (void)
{
  PortierWindow *window = open_app ("syncthing", "syncthing");
  g_autoptr(PortierLedger) ledger = portier_ledger_new (ui_test_state_dir ());
  GtkWidget *page = portier_window_get_page (window);

  g_assert_true (PORTIER_IS_TROUBLESHOOT_PAGE (page));
  g_assert_cmpuint (portier_troubleshoot_page_get_spec (PORTIER_TROUBLESHOOT_PAGE (page))->
                      protocol, ==, PORTIER_PROTOCOL_UDP);
  g_assert_true (portier_ledger_load (ledger, NULL));
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 0);
  ui_test_save_png (GTK_WIDGET (window), "e2e-all-or-nothing");

  ui_test_window_destroy (window);
}

static gboolean
guide_checked (PortierWindow *window)
{
  GtkWidget *page = portier_window_get_page (window);

  /* Either the result, or the guide says how the check went. */
  if (!PORTIER_IS_GUIDE_PAGE (page))
    return TRUE;
  return !gtk_widget_get_visible (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE,
                                                 "status_spinner")) &&
         gtk_widget_is_sensitive (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE,
                                                 "check_button"));
}

static gboolean
result_shown (PortierWindow *window)
{
  return PORTIER_IS_RESULT_PAGE (portier_window_get_page (window));
}

static gboolean
flag_exists (PortierWindow *window)
{
  return g_file_test (flag_path, G_FILE_TEST_EXISTS);
}

static gboolean
guide_has_value (GtkWidget  *page,
                 const char *value)
{
  PortierGuidePage *guide_page = PORTIER_GUIDE_PAGE (page);
  const PortierGuideStep *step = portier_guide_get_step (
    portier_guide_page_get_guide (guide_page), portier_guide_page_get_step (guide_page));

  for (guint i = 0; i < step->values->len; i++)
    {
      const PortierGuideValue *v = g_ptr_array_index (step->values, i);
      GtkWidget *row = ui_test_find_row (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE,
                                                        "values_group"), v->field);

      /* Shown: the router's name for the field, the value beneath it. */
      if (g_str_equal (v->value, value) && row != NULL &&
          g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A router without UPnP: the guide, a forward by hand, and the result. */
static void
test_guide (void)
{
  PortierWindow *window = ui_test_window_new (800, 700);
  g_autofree char *share = g_strdup_printf ("%s:25565", public_address);
  const PortierDiagnosisReport *report;
  PortierGuide *guide;
  GtkWidget *page;
  GtkWidget *status;
  guint forward;

  ui_test_choose_app (window, "wizard.troubleshoot", "minecraft java", "minecraft-java");
  wait_for (window, report_shown, "the troubleshooter's report");
  page = portier_window_get_page (window);
  report = portier_troubleshoot_page_get_report (PORTIER_TROUBLESHOOT_PAGE (page));
  g_assert_cmpstr (portier_diagnosis_report_get_first_problem (report)->code, ==,
                   "no-router-support");
  g_assert_nonnull (report->guide);

  /* The fix button opens the guide. */
  ui_test_click (ui_test_child (page, PORTIER_TYPE_TROUBLESHOOT_PAGE, "fix_button"));
  page = portier_window_get_page (window);
  g_assert_true (PORTIER_IS_GUIDE_PAGE (page));
  guide = portier_guide_page_get_guide (PORTIER_GUIDE_PAGE (page));
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE,
                                                                 "router_label"))), ==,
                   "Your router: FRITZ!Box");

  /* Next, to the forward by hand. */
  for (forward = 0; portier_guide_get_step (guide, forward)->kind != PORTIER_GUIDE_STEP_FORWARD;
       forward++)
    {
      g_assert_cmpuint (forward + 1, <, portier_guide_get_n_steps (guide));
      ui_test_click (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "next_button"));
    }
  ui_test_wait_idle ();
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, forward);
  g_assert_true (guide_has_value (page, lan_address));
  g_assert_true (guide_has_value (page, "25565"));
  g_assert_true (guide_has_value (page, "TCP"));
  ui_test_save_png (GTK_WIDGET (window), "e2e-guide");

  /* Not done yet: checking says what still fails, and the guide stays at the step. */
  ui_test_click (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "check_button"));
  wait_for (window, guide_checked, "the check of the step");
  g_assert_true (portier_window_get_page (window) == page);
  g_assert_cmpuint (portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)), ==, forward);
  status = ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "status_label");
  g_assert_true (ui_test_is_shown (status));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), !=, "");
  /* What still fails is the test from the internet, not the router's UPnP. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==,
                   "The test from the internet could not reach port 25565 (TCP) yet.");
  ui_test_save_png (GTK_WIDGET (window), "e2e-guide-not-yet");

  /* The person makes the forward in the router's pages. */
  g_print ("forward now\n");
  fflush (stdout);
  wait_for (window, flag_exists, "the forward made by hand");

  ui_test_click (ui_test_child (page, PORTIER_TYPE_GUIDE_PAGE, "check_button"));
  wait_for (window, guide_checked, "the check of the step");
  if (!result_shown (window))
    g_error ("the guide stayed at step %u: %s",
             portier_guide_page_get_step (PORTIER_GUIDE_PAGE (page)) + 1,
             gtk_label_get_text (GTK_LABEL (status)));
  page = portier_window_get_page (window);
  g_assert_cmpint (portier_result_page_get_outcome (PORTIER_RESULT_PAGE (page)), ==,
                   PORTIER_OUTCOME_REACHABLE);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (
                     ui_test_child (page, PORTIER_TYPE_RESULT_PAGE, "status_page"))), ==,
                   "Your Friends Can Join Now");
  g_assert_nonnull (ui_test_find_row (ui_test_child (page, PORTIER_TYPE_RESULT_PAGE,
                                                     "share_group"), share));
  g_assert_nonnull (ui_test_find_row (ui_test_child (page, PORTIER_TYPE_RESULT_PAGE,
                                                     "steps_group"),
                                      "Reachable from the internet: the test got through"));
  /* The forward is the person's: it stays, whatever Portier does. */
  g_assert_nonnull (ui_test_find_row (page, "The forward you made stays in your router until you "
                                      "delete it there."));
  ui_test_save_png (GTK_WIDGET (window), "e2e-guide-result");

  ui_test_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  const char *scenario;

  g_log_set_writer_func (log_writer, NULL, NULL);
  ui_test_init (&argc, &argv);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);

  if (argc < 2)
    {
      g_printerr ("usage: test-e2e open PUBLIC_ADDRESS | cgnat | all-or-nothing | "
                  "guide LAN_ADDRESS PUBLIC_ADDRESS FLAG_FILE\n");
      return 2;
    }
  scenario = argv[1];

  if (g_str_equal (scenario, "open") && argc == 3)
    {
      public_address = argv[2];
      g_test_add_func ("/e2e/open-and-close", test_open_and_close);
    }
  else if (g_str_equal (scenario, "cgnat"))
    {
      g_test_add_func ("/e2e/cgnat", test_cgnat);
    }
  else if (g_str_equal (scenario, "guide") && argc == 5)
    {
      lan_address = argv[2];
      public_address = argv[3];
      flag_path = argv[4];
      g_test_add_func ("/e2e/guide", test_guide);
    }
  else if (g_str_equal (scenario, "all-or-nothing"))
    {
      g_test_add_func ("/e2e/all-or-nothing", test_all_or_nothing);
    }
  else
    {
      g_printerr ("unknown scenario %s\n", scenario);
      return 2;
    }

  return g_test_run ();
}
