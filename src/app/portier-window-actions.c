/* portier-window-actions.c: the window's actions, and which page follows which
 *
 * Each action pushes the first page of a flow; each page says when the person is done
 * with it (a signal), and the next page is pushed here. The pages do the work themselves:
 * the progress page opens, the troubleshooter checks, the openings page closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-window"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-choose-page.h"
#include "portier-details-page.h"
#include "portier-error.h"
#include "portier-explainer-page.h"
#include "portier-guide-page.h"
#include "portier-openings-page.h"
#include "portier-progress-page.h"
#include "portier-result-page.h"
#include "portier-review-page.h"
#include "portier-settings.h"
#include "portier-troubleshoot-page.h"
#include "portier-window-private.h"

static void push_progress      (PortierWindow         *self,
                                PortierPlan           *plan,
                                PortierFixAction       fix);
static void push_troubleshooter (PortierWindow         *self,
                                 PortierPlan           *plan,
                                 const PortierPortSpec *spec,
                                 const char            *intro);

/* The flow: open */

static void
review_confirmed_cb (PortierWindow     *self,
                     PortierReviewPage *review)
{
  push_progress (self, portier_review_page_get_plan (review), PORTIER_FIX_NONE);
}

static void
details_confirmed_cb (PortierWindow      *self,
                      PortierDetailsPage *details)
{
  PortierPlan *plan = portier_details_page_get_plan (details);
  GSettings *settings = portier_window_get_settings (self);
  GtkWidget *review;

  portier_settings_set_default_duration (settings, portier_plan_get_duration (plan),
                                         portier_plan_get_hours (plan));

  review = portier_review_page_new (plan, portier_window_get_gateway (self));
  g_signal_connect_object (review, "confirmed", G_CALLBACK (review_confirmed_cb), self,
                           G_CONNECT_SWAPPED);
  /* TRANSLATORS: the title of the page that shows the plan before anything changes */
  portier_window_push_page (self, review, _("Review"));
}

static void
app_chosen_cb (PortierWindow *self,
               PortierPlan   *plan)
{
  PortierDuration duration;
  guint hours;
  GtkWidget *details;

  duration = portier_settings_get_default_duration (portier_window_get_settings (self), &hours);
  details = portier_details_page_new (plan, duration, hours);
  g_signal_connect_object (details, "confirmed", G_CALLBACK (details_confirmed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The app's name is the page's own heading, where it has room. */
  /* TRANSLATORS: the title of the page about the app's ports and how long to open them */
  portier_window_push_page (self, details, _("Details"));
}

/* What went wrong while opening, in a sentence for the top of the troubleshooter. */
static const char *
describe_failure (const PortierOpenResult *result)
{
  if (result->error != NULL)
    return portier_error_user_message (result->error);
  if (result->verify_status == PORTIER_VERIFY_STATUS_UNREACHABLE)
    return _("Your firewall and router are set up, but the test from the internet did not "
             "get through. Portier is looking for what is in the way.");
  return _("Opening did not work all the way. Portier is looking for what is in the way.");
}

/* The opening of every port of the plan is over: the result, or what is in the way. */
static void
progress_finished_cb (PortierWindow       *self,
                      GPtrArray           *results,
                      PortierProgressPage *progress)
{
  g_autoptr(PortierPlan) plan = NULL;
  GtkWidget *result;

  g_return_if_fail (results->len > 0);

  /* The person left the page: what it did is in "Ports I opened". */
  if (portier_window_get_page (self) != GTK_WIDGET (progress))
    return;

  plan = g_object_ref (portier_progress_page_get_plan (progress));
  result = g_object_ref_sink (portier_result_page_new_with_results (plan, results));

  /* Going back from here would only lead to opening it again. */
  portier_window_forget_history (self);

  if (portier_result_page_get_outcome (PORTIER_RESULT_PAGE (result)) == PORTIER_OUTCOME_FAILED)
    {
      const PortierOpenResult *failed = NULL;

      for (guint i = 0; i < results->len && failed == NULL; i++)
        if (portier_open_result_get_outcome (g_ptr_array_index (results, i)) ==
            PORTIER_OUTCOME_FAILED)
          failed = g_ptr_array_index (results, i);

      push_troubleshooter (self, plan, &failed->spec, describe_failure (failed));
    }
  else
    {
      /* TRANSLATORS: the title of the page after opening */
      portier_window_push_page (self, result, _("Done"));
    }
  g_object_unref (result);
}

/* Stopped, or the password prompt was closed: nothing was changed, and that is a normal
 * outcome. Back to the plan, with a word about it. */
static void
progress_stopped_cb (PortierWindow       *self,
                     const GError        *error,
                     PortierProgressPage *progress)
{
  gboolean current = portier_window_get_page (self) == GTK_WIDGET (progress);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || current)
    portier_window_add_toast (self, portier_error_user_message (error));
  if (current)
    portier_window_go_back (self);
}

static void
push_progress (PortierWindow    *self,
               PortierPlan      *plan,
               PortierFixAction  fix)
{
  GtkWidget *progress = portier_progress_page_new_opening (plan, fix,
                                                           portier_window_get_opener (self));

  g_signal_connect_object (progress, "finished", G_CALLBACK (progress_finished_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (progress, "stopped", G_CALLBACK (progress_stopped_cb), self,
                           G_CONNECT_SWAPPED);
  /* TRANSLATORS: the title of the page that shows the opening as it happens */
  portier_window_push_page (self, progress, _("Opening"));
}

/* The flow: troubleshoot */

/* The guide's "check again" got through from the internet: the result, as the opening
 * would show it, with what Portier itself did (nothing but the test). */
static void
guide_reachable_cb (PortierGuidePage             *page,
                    const PortierDiagnosisReport *report,
                    PortierPlan                  *plan)
{
  PortierWindow *self = PORTIER_WINDOW (gtk_widget_get_root (GTK_WIDGET (page)));
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_open_result_free);
  PortierOpenResult *result;

  if (portier_window_get_page (self) != GTK_WIDGET (page))
    return;

  result = portier_open_result_new (&report->spec);
  result->firewall_status = PORTIER_FIREWALL_STATUS_SKIPPED;
  result->router_status = PORTIER_ROUTER_STATUS_SKIPPED;
  result->verify_status = PORTIER_VERIFY_STATUS_REACHABLE;
  /* The forward made by hand sends the same port on: friends use it at this address. */
  result->external_address = g_strdup (report->public_address);
  result->external_port = report->spec.first;
  g_ptr_array_add (results, result);

  /* Going back would lead to the steps already done. */
  portier_window_forget_history (self);
  /* TRANSLATORS: the title of the page after opening */
  portier_window_push_page (self, g_object_new (PORTIER_TYPE_RESULT_PAGE, "plan", plan,
                                                "results", results, "by-hand", TRUE, NULL),
                            _("Done"));
}

static void
unref_plan (gpointer  plan,
            GClosure *closure)
{
  g_object_unref (plan);
}

/* The troubleshooter found what Portier can open: the opening of that fix. Or the router
 * will not forward by itself: the guide through its settings. */
static void
fix_cb (PortierWindow           *self,
        PortierFixAction         action,
        const char              *code,
        PortierTroubleshootPage *page)
{
  g_autoptr(PortierPlan) fix_plan = NULL;
  const PortierDiagnosisReport *report = portier_troubleshoot_page_get_report (page);
  PortierDuration duration;
  guint hours;

  duration = portier_settings_get_default_duration (portier_window_get_settings (self), &hours);
  fix_plan = portier_plan_new_for_fix (portier_troubleshoot_page_get_plan (page),
                                       portier_troubleshoot_page_get_spec (page),
                                       duration, hours);
  if (action == PORTIER_FIX_FOLLOW_GUIDE)
    {
      GtkWidget *guide;

      g_return_if_fail (report != NULL && report->guide != NULL);
      guide = portier_guide_page_new (report->guide, portier_window_get_settings (self));
      g_signal_connect_data (guide, "reachable", G_CALLBACK (guide_reachable_cb),
                             g_steal_pointer (&fix_plan), unref_plan, 0);
      /* TRANSLATORS: the title of the step-by-step guide (short: it fits a phone) */
      portier_window_push_page (self, guide, _("Guide"));
      return;
    }
  push_progress (self, fix_plan, action);
}

static void
push_troubleshooter (PortierWindow         *self,
                     PortierPlan           *plan,
                     const PortierPortSpec *spec,
                     const char            *intro)
{
  GtkWidget *page = g_object_new (PORTIER_TYPE_TROUBLESHOOT_PAGE, "spec", spec, "plan", plan,
                                  "intro", intro, "opener", portier_window_get_opener (self),
                                  NULL);

  g_signal_connect_object (page, "fix", G_CALLBACK (fix_cb), self, G_CONNECT_SWAPPED);
  /* TRANSLATORS: the title of the troubleshooter */
  portier_window_push_page (self, page, _("Find Problems"));
  portier_troubleshoot_page_check (PORTIER_TROUBLESHOOT_PAGE (page));
}

static void
troubleshoot_chosen_cb (PortierWindow *self,
                        PortierPlan   *plan)
{
  GArray *ports = portier_plan_get_ports (plan);

  g_return_if_fail (ports->len > 0);

  push_troubleshooter (self, plan, &g_array_index (ports, PortierAppPort, 0).spec, NULL);
}

/* Actions */

static void
push_choose_page (PortierWindow        *self,
                  PortierChoosePurpose  purpose)
{
  PortierCatalog *catalog = portier_window_get_catalog (self);
  GtkWidget *page;

  if (catalog == NULL)
    {
      portier_window_add_toast (self, _("Portier’s list of apps is damaged. Reinstall Portier."));
      return;
    }

  page = portier_choose_page_new (catalog, purpose);
  if (purpose == PORTIER_CHOOSE_FOR_OPENING)
    {
      g_signal_connect_object (page, "chosen", G_CALLBACK (app_chosen_cb), self,
                               G_CONNECT_SWAPPED);
      /* TRANSLATORS: the title of the page where the person picks the app */
      portier_window_push_page (self, page, _("Choose the App"));
    }
  else
    {
      g_signal_connect_object (page, "chosen", G_CALLBACK (troubleshoot_chosen_cb), self,
                               G_CONNECT_SWAPPED);
      portier_window_push_page (self, page, _("Which App?"));
    }
}

static void
reach_app_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  push_choose_page (PORTIER_WINDOW (widget), PORTIER_CHOOSE_FOR_OPENING);
}

static void
troubleshoot_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  push_choose_page (PORTIER_WINDOW (widget), PORTIER_CHOOSE_FOR_TROUBLESHOOTING);
}

/* "Test again" on "Ports I opened": the troubleshooter, for that opening. */
static void
opening_test_cb (PortierWindow        *self,
                 const PortierOpening *opening)
{
  PortierCatalog *catalog = portier_window_get_catalog (self);
  PortierApp *app = NULL;
  g_autoptr(PortierPlan) plan = NULL;

  if (opening->app_id != NULL && catalog != NULL)
    app = portier_catalog_lookup (catalog, opening->app_id);
  plan = app != NULL ? portier_plan_new_for_app (app)
                     : portier_plan_new_for_port (&opening->spec, opening->label, NULL);
  push_troubleshooter (self, plan, &opening->spec, NULL);
}

static void
openings_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PortierWindow *self = PORTIER_WINDOW (widget);
  GtkWidget *current = portier_window_get_page (self);
  GtkWidget *page;

  if (PORTIER_IS_OPENINGS_PAGE (current))
    {
      portier_openings_page_reload (PORTIER_OPENINGS_PAGE (current));
      return;
    }

  page = portier_openings_page_new (portier_window_get_ledger (self),
                                    portier_window_get_catalog (self),
                                    portier_window_get_opener (self));
  g_signal_connect_object (page, "toast", G_CALLBACK (portier_window_add_toast), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "test", G_CALLBACK (opening_test_cb), self,
                           G_CONNECT_SWAPPED);
  /* TRANSLATORS: the title of the list of what Portier opened */
  portier_window_push_page (self, page, _("Ports I Opened"));
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PortierWindow *self = PORTIER_WINDOW (widget);

  if (PORTIER_IS_EXPLAINER_PAGE (portier_window_get_page (self)))
    return;

  /* TRANSLATORS: the title of the explainer page */
  portier_window_push_page (self, portier_explainer_page_new (), _("What Is a Port?"));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PortierWindow *self = PORTIER_WINDOW (widget);

  if (portier_window_can_go_back (self))
    portier_window_go_back (self);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  portier_window_go_home (PORTIER_WINDOW (widget));
}

void
portier_window_actions_install (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "wizard.reach-app", NULL, reach_app_action);
  gtk_widget_class_install_action (widget_class, "wizard.troubleshoot", NULL,
                                   troubleshoot_action);
  gtk_widget_class_install_action (widget_class, "wizard.openings", NULL, openings_action);
  gtk_widget_class_install_action (widget_class, "wizard.explain", NULL, explain_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "wizard.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "wizard.explain", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK,
                                       "wizard.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}
