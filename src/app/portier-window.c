/* portier-window.c: the main window, which leads through the wizard's pages
 *
 * Navigation is a stack of pages with a back button: each step pushes its page; going
 * back removes the page, which cancels whatever it was doing. The window connects the
 * pages: what one page chose, the next one shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-window"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-application.h"
#include "portier-diagnosis.h"
#include "portier-error.h"
#include "portier-opener.h"
#include "portier-choose-page.h"
#include "portier-details-page.h"
#include "portier-explainer-page.h"
#include "portier-openings-page.h"
#include "portier-progress-page.h"
#include "portier-result-page.h"
#include "portier-review-page.h"
#include "portier-settings.h"
#include "portier-troubleshoot-page.h"
#include "portier-welcome-page.h"
#include "portier-window.h"

struct _PortierWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  PortierCatalog       *catalog;
  PortierLedger        *ledger;
  PortierOpener        *opener;
  GPtrArray            *history;   /* the pages, from the welcome page to the visible one */
  GPtrArray            *leaving;   /* pages being animated away */
  guint                 serial;
  guint                 remove_id;

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkButton            *help_button;
  GtkStack             *pages;
  PortierWelcomePage   *welcome_page;
};

G_DEFINE_FINAL_TYPE (PortierWindow, portier_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_opening    (PortierWindow       *self,
                              PortierProgressPage *page,
                              PortierFixAction     fix);
static void start_diagnosis  (PortierWindow           *self,
                              PortierTroubleshootPage *page);
static void push_troubleshooter (PortierWindow         *self,
                                 PortierPlan           *plan,
                                 const PortierPortSpec *spec,
                                 const char            *intro);

PortierWindow *
portier_window_new (PortierApplication *application)
{
  return g_object_new (PORTIER_TYPE_WINDOW, "application", application, NULL);
}

/* Navigation */

static gboolean
can_go_back (PortierWindow *self)
{
  GtkWidget *page;

  if (self->history->len <= 1)
    return FALSE;

  /* While a port is being opened, "Stop" undoes it; leaving would not say so. */
  page = g_ptr_array_index (self->history, self->history->len - 1);
  if (PORTIER_IS_PROGRESS_PAGE (page) &&
      gtk_widget_is_sensitive (page) &&
      !g_cancellable_is_cancelled (
        portier_progress_page_get_cancellable (PORTIER_PROGRESS_PAGE (page))))
    return FALSE;

  return TRUE;
}

static void
update_header (PortierWindow *self)
{
  GtkWidget *page = portier_window_get_page (self);
  GtkStackPage *stack_page = gtk_stack_get_page (self->pages, page);
  gboolean back = can_go_back (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", back);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->history->len > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.explain",
                                 !PORTIER_IS_EXPLAINER_PAGE (page));
  adw_window_title_set_title (self->window_title, gtk_stack_page_get_title (stack_page));
}

static gboolean
remove_leaving_cb (gpointer user_data)
{
  PortierWindow *self = user_data;

  self->remove_id = 0;

  /* After the animation; the stack says when it is over. */
  if (gtk_stack_get_transition_running (self->pages))
    return G_SOURCE_REMOVE;

  while (self->leaving->len > 0)
    {
      GtkWidget *page = g_ptr_array_steal_index (self->leaving, self->leaving->len - 1);

      /* The page is disposed here, which cancels whatever it was doing. */
      gtk_stack_remove (self->pages, page);
      g_object_unref (page);
    }
  return G_SOURCE_REMOVE;
}

/* Pages left are removed from the main loop, not from inside a handler of one of their
 * own buttons. */
static void
remove_leaving (PortierWindow *self)
{
  if (self->leaving->len > 0 && self->remove_id == 0)
    self->remove_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, remove_leaving_cb, self, NULL);
}

static void
leave_page (PortierWindow *self,
            GtkWidget     *page)
{
  g_ptr_array_add (self->leaving, g_object_ref (page));
}

/**
 * portier_window_push_page:
 * @page: (transfer floating): the next page
 *
 * Shows @page, after the visible one.
 */
void
portier_window_push_page (PortierWindow *self,
                          GtkWidget     *page,
                          const char    *title)
{
  g_autofree char *name = NULL;

  g_return_if_fail (PORTIER_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  name = g_strdup_printf ("page-%u", ++self->serial);
  gtk_stack_add_titled (self->pages, page, name, title);
  g_ptr_array_add (self->history, page);
  gtk_stack_set_visible_child (self->pages, page);
  update_header (self);
  remove_leaving (self);
}

/**
 * portier_window_go_back:
 *
 * Returns: %TRUE if there was a page to go back to
 */
gboolean
portier_window_go_back (PortierWindow *self)
{
  GtkWidget *page;

  g_return_val_if_fail (PORTIER_IS_WINDOW (self), FALSE);

  if (self->history->len <= 1)
    return FALSE;

  page = g_ptr_array_steal_index (self->history, self->history->len - 1);
  leave_page (self, page);
  gtk_stack_set_visible_child (self->pages,
                               g_ptr_array_index (self->history, self->history->len - 1));
  update_header (self);
  remove_leaving (self);
  return TRUE;
}

/**
 * portier_window_go_home:
 *
 * Back to the welcome page; every other page is left.
 */
void
portier_window_go_home (PortierWindow *self)
{
  g_return_if_fail (PORTIER_IS_WINDOW (self));

  while (self->history->len > 1)
    leave_page (self, g_ptr_array_steal_index (self->history, self->history->len - 1));
  gtk_stack_set_visible_child (self->pages, GTK_WIDGET (self->welcome_page));
  update_header (self);
  remove_leaving (self);
}

/* Keeps only the welcome page under the next page pushed: for pages after which going
 * back makes no sense (the result of an opening). */
static void
forget_history (PortierWindow *self)
{
  while (self->history->len > 1)
    leave_page (self, g_ptr_array_steal_index (self->history, self->history->len - 1));
}

/**
 * portier_window_get_page:
 *
 * Returns: (transfer none): the page shown now
 */
GtkWidget *
portier_window_get_page (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return g_ptr_array_index (self->history, self->history->len - 1);
}

/**
 * portier_window_get_depth:
 *
 * Returns: how many pages lead to the visible one, the welcome page included
 */
guint
portier_window_get_depth (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), 0);
  return self->history->len;
}

void
portier_window_add_toast (PortierWindow *self,
                          const char    *title)
{
  g_return_if_fail (PORTIER_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/**
 * portier_window_get_ledger:
 *
 * Returns: (transfer none): the record of what Portier opened
 */
PortierLedger *
portier_window_get_ledger (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return self->ledger;
}

/**
 * portier_window_get_catalog:
 *
 * Returns: (transfer none) (nullable): the apps Portier knows
 */
PortierCatalog *
portier_window_get_catalog (PortierWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);

  /* Read when first needed, not before the first frame. */
  if (self->catalog == NULL)
    {
      self->catalog = portier_catalog_new_default (&error);
      if (self->catalog == NULL)
        g_warning ("The app catalog is broken: %s", error->message);
    }
  return self->catalog;
}

/**
 * portier_window_get_opener:
 *
 * Returns: (transfer none): what opens and closes ports
 */
PortierOpener *
portier_window_get_opener (PortierWindow *self)
{
  g_return_val_if_fail (PORTIER_IS_WINDOW (self), NULL);
  return self->opener;
}

static void
transition_running_cb (PortierWindow *self)
{
  remove_leaving (self);
}

/* The flow: open */

static const char *
gateway_address (PortierWindow *self)
{
  PortierNetwork *network = portier_welcome_page_get_network (self->welcome_page);
  const PortierNetworkInfo *info = network != NULL ? portier_network_get_info (network) : NULL;

  return info != NULL ? info->ipv4_gateway : NULL;
}

static void
review_confirmed_cb (PortierWindow     *self,
                     PortierReviewPage *review)
{
  PortierPlan *plan = portier_review_page_get_plan (review);
  GtkWidget *progress = portier_progress_page_new (plan);

  /* TRANSLATORS: the title of the page that shows the opening as it happens */
  portier_window_push_page (self, progress, _("Opening"));
  start_opening (self, PORTIER_PROGRESS_PAGE (progress), PORTIER_FIX_NONE);
}

static void
details_confirmed_cb (PortierWindow      *self,
                      PortierDetailsPage *details)
{
  PortierPlan *plan = portier_details_page_get_plan (details);
  GtkWidget *review;

  portier_settings_set_default_duration (self->settings, portier_plan_get_duration (plan),
                                         portier_plan_get_hours (plan));

  review = portier_review_page_new (plan, gateway_address (self));
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

  duration = portier_settings_get_default_duration (self->settings, &hours);
  details = portier_details_page_new (plan, duration, hours);
  g_signal_connect_object (details, "confirmed", G_CALLBACK (details_confirmed_cb), self,
                           G_CONNECT_SWAPPED);
  portier_window_push_page (self, details, portier_plan_get_title (plan));
}

/* What went wrong while opening, in a sentence for the top of the troubleshooter. */
static const char *
describe_failure (const PortierOpenResult *result)
{
  if (result->error != NULL)
    return portier_error_user_message (result->error);
  if (g_strcmp0 (result->verify_status, "unreachable") == 0)
    return _("Your firewall and router are set up, but the test from the internet did not "
             "get through. Portier is looking for what is in the way.");
  return _("Opening did not work all the way. Portier is looking for what is in the way.");
}

/* Called when the opening of every port of the plan is over. */
static void
show_outcome (PortierWindow       *self,
              PortierProgressPage *progress,
              GPtrArray           *results)
{
  g_autoptr(PortierPlan) plan = g_object_ref (portier_progress_page_get_plan (progress));
  GtkWidget *result;

  g_return_if_fail (results->len > 0);

  result = g_object_ref_sink (portier_result_page_new (plan));
  for (guint i = 0; i < results->len; i++)
    portier_result_page_add_result (PORTIER_RESULT_PAGE (result),
                                    g_ptr_array_index (results, i));

  /* Going back from here would only lead to opening it again. */
  forget_history (self);

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

/* One run of the open transaction over the ports of a plan, one port after the other. */
typedef struct
{
  PortierWindow       *window;
  PortierProgressPage *page;
  PortierFixAction     fix;
  GPtrArray           *results;
  guint                index;
  guint16              external_port;
  gulong               step_handler;
} OpenRun;

static void
open_run_free (OpenRun *run)
{
  if (run->step_handler != 0)
    g_signal_handler_disconnect (run->window->opener, run->step_handler);
  g_clear_object (&run->page);
  g_clear_object (&run->window);
  g_clear_pointer (&run->results, g_ptr_array_unref);
  g_free (run);
}

static void open_next (OpenRun *run);

static void
step_changed_cb (PortierOpener *opener,
                 int            step,
                 int            status,
                 const char    *message,
                 OpenRun       *run)
{
  portier_progress_page_set_step (run->page, step, status, message);
}

static gboolean
is_current_page (PortierWindow *self,
                 gpointer       page)
{
  return self->history != NULL && self->history->len > 0 &&
         g_ptr_array_index (self->history, self->history->len - 1) == page;
}

static void
open_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  OpenRun *run = user_data;
  PortierWindow *self = run->window;
  g_autoptr(PortierOpenResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = portier_opener_open_finish (PORTIER_OPENER (source), res, &error);

  if (result == NULL || g_error_matches (result->error, PORTIER_ERROR,
                                         PORTIER_ERROR_AUTHORIZATION_DISMISSED) ||
      g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      const GError *why = result != NULL ? result->error : error;

      /* Stopped, or the password prompt was closed: nothing was changed, and that is
       * a normal outcome. Back to the plan, with a word about it. */
      if (!g_error_matches (why, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          is_current_page (self, run->page))
        portier_window_add_toast (self, portier_error_user_message (why));
      if (is_current_page (self, run->page))
        portier_window_go_back (self);
      open_run_free (run);
      return;
    }

  /* The router offered another outside port: take it, when that is the fix asked for. */
  if (result->error != NULL && run->fix == PORTIER_FIX_USE_OTHER_PORT &&
      run->external_port == 0 && result->alternative_port != 0)
    {
      run->external_port = result->alternative_port;
      open_next (run);
      return;
    }

  g_ptr_array_add (run->results, g_steal_pointer (&result));
  run->index++;

  if (((PortierOpenResult *) g_ptr_array_index (run->results, run->results->len - 1))->error
        == NULL &&
      run->index < portier_plan_get_ports (portier_progress_page_get_plan (run->page))->len)
    {
      run->external_port = 0;
      open_next (run);
      return;
    }

  portier_progress_page_finish (run->page);
  if (is_current_page (self, run->page))
    show_outcome (self, run->page, run->results);
  open_run_free (run);
}

static void
open_next (OpenRun *run)
{
  PortierPlan *plan = portier_progress_page_get_plan (run->page);
  const PortierAppPort *port = &g_array_index (portier_plan_get_ports (plan), PortierAppPort,
                                               run->index);
  PortierApp *app = portier_plan_get_app (plan);
  g_autoptr(PortierOpenOptions) options = portier_open_options_new (&port->spec);

  options->app_id = app != NULL ? g_strdup (portier_app_get_id (app)) : NULL;
  options->label = app != NULL ? NULL : g_strdup (portier_plan_get_title (plan));
  options->duration = portier_plan_get_duration (plan);
  options->hours = portier_plan_get_hours (plan);
  options->external_port = run->external_port;
  options->interactive = TRUE;
  /* A fix does only its own step, and the test. */
  options->firewall = run->fix == PORTIER_FIX_NONE || run->fix == PORTIER_FIX_OPEN_FIREWALL;
  options->router = run->fix != PORTIER_FIX_OPEN_FIREWALL;

  portier_progress_page_begin_port (run->page, run->index);
  portier_opener_open_async (run->window->opener, options,
                             portier_progress_page_get_cancellable (run->page),
                             open_cb, run);
}

static void
start_opening (PortierWindow       *self,
               PortierProgressPage *page,
               PortierFixAction     fix)
{
  OpenRun *run = g_new0 (OpenRun, 1);

  run->window = g_object_ref (self);
  run->page = g_object_ref (page);
  run->fix = fix;
  run->results = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_open_result_free);
  run->step_handler = g_signal_connect (self->opener, "step-changed",
                                        G_CALLBACK (step_changed_cb), run);
  update_header (self);
  open_next (run);
}

/* The flow: troubleshoot */

static void
diagnosis_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(PortierTroubleshootPage) page = user_data;
  g_autoptr(PortierDiagnosisReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = portier_diagnosis_run_finish (res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (report == NULL)
    portier_troubleshoot_page_set_error (page, error);
  else
    portier_troubleshoot_page_set_report (page, report);
}

static void
start_diagnosis (PortierWindow           *self,
                 PortierTroubleshootPage *page)
{
  portier_troubleshoot_page_set_checking (page);
  portier_diagnosis_run_async (portier_troubleshoot_page_get_spec (page), NULL,
                               portier_troubleshoot_page_get_cancellable (page),
                               diagnosis_cb, g_object_ref (page));
}

static void
check_again_cb (PortierWindow           *self,
                PortierTroubleshootPage *page)
{
  start_diagnosis (self, page);
}

static void
fix_cb (PortierWindow           *self,
        guint                    action,
        const char              *code,
        PortierTroubleshootPage *page)
{
  PortierPlan *plan = g_object_get_data (G_OBJECT (page), "portier-plan");
  const PortierPortSpec *spec = portier_troubleshoot_page_get_spec (page);
  g_autoptr(PortierPlan) fix_plan = NULL;
  PortierDuration duration;
  guint hours;
  GtkWidget *progress;

  if (action != PORTIER_FIX_OPEN_FIREWALL && action != PORTIER_FIX_ADD_MAPPING &&
      action != PORTIER_FIX_USE_OTHER_PORT)
    {
      start_diagnosis (self, page);
      return;
    }

  /* The fix is for the port the troubleshooter looked at: the plan itself when that is
   * its only port, else that port alone, for the usual time. */
  if (plan != NULL && portier_plan_get_ports (plan)->len == 1)
    {
      fix_plan = g_object_ref (plan);
    }
  else
    {
      fix_plan = portier_plan_new_for_port (spec, plan != NULL ? portier_plan_get_title (plan)
                                                               : NULL, NULL);
      duration = portier_settings_get_default_duration (self->settings, &hours);
      portier_plan_set_duration (fix_plan, duration, hours);
    }

  progress = portier_progress_page_new (fix_plan);
  portier_window_push_page (self, progress, _("Opening"));
  start_opening (self, PORTIER_PROGRESS_PAGE (progress), action);
}

static void
push_troubleshooter (PortierWindow         *self,
                     PortierPlan           *plan,
                     const PortierPortSpec *spec,
                     const char            *intro)
{
  GtkWidget *page = portier_troubleshoot_page_new (spec);

  if (plan != NULL)
    g_object_set_data_full (G_OBJECT (page), "portier-plan", g_object_ref (plan),
                            g_object_unref);
  portier_troubleshoot_page_set_intro (PORTIER_TROUBLESHOOT_PAGE (page), intro);
  g_signal_connect_object (page, "check-again", G_CALLBACK (check_again_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "fix", G_CALLBACK (fix_cb), self, G_CONNECT_SWAPPED);
  /* TRANSLATORS: the title of the troubleshooter */
  portier_window_push_page (self, page, _("What Is in the Way"));
  start_diagnosis (self, PORTIER_TROUBLESHOOT_PAGE (page));
}

static void
troubleshoot_chosen_cb (PortierWindow *self,
                        PortierPlan   *plan)
{
  GArray *ports = portier_plan_get_ports (plan);

  g_return_if_fail (ports->len > 0);

  push_troubleshooter (self, plan, &g_array_index (ports, PortierAppPort, 0).spec, NULL);
}

/* The flow: close */

typedef struct
{
  PortierWindow       *window;
  PortierOpeningsPage *page;
  GStrv                ids;
  guint                index;
  guint                failures;
} CloseRun;

static void
close_run_free (CloseRun *run)
{
  g_clear_object (&run->window);
  g_clear_object (&run->page);
  g_strfreev (run->ids);
  g_free (run);
}

static void close_next (CloseRun *run);

static void
closed_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  CloseRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_opener_close_finish (PORTIER_OPENER (source), res, &error))
    {
      g_debug ("closing %s: %s", run->ids[run->index], error->message);
      portier_window_add_toast (run->window, portier_error_user_message (error));
      run->failures++;
    }

  run->index++;
  close_next (run);
}

static void
close_next (CloseRun *run)
{
  if (run->ids[run->index] == NULL)
    {
      if (run->failures == 0)
        portier_window_add_toast (run->window,
                                  g_dngettext (GETTEXT_PACKAGE, "Closed. Nothing is left open.",
                                               "All closed. Nothing is left open.",
                                               run->index));
      portier_openings_page_reload (run->page);
      close_run_free (run);
      return;
    }

  /* Closing goes on when the page is left: nothing must stay half-closed. */
  portier_opener_close_async (run->window->opener, run->ids[run->index], TRUE, NULL,
                              closed_cb, run);
}

static void
close_ids (PortierWindow       *self,
           PortierOpeningsPage *page,
           GStrv                ids)
{
  CloseRun *run = g_new0 (CloseRun, 1);

  run->window = g_object_ref (self);
  run->page = g_object_ref (page);
  run->ids = ids;
  close_next (run);
}

static void
close_opening_cb (PortierWindow       *self,
                  const char          *id,
                  PortierOpeningsPage *page)
{
  const char * const ids[] = { id, NULL };

  close_ids (self, page, g_strdupv ((GStrv) ids));
}

static void
close_all_cb (PortierWindow       *self,
              PortierOpeningsPage *page)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GPtrArray *openings;

  if (portier_ledger_load (self->ledger, NULL))
    {
      openings = portier_ledger_get_openings (self->ledger);
      for (guint i = 0; i < openings->len; i++)
        g_strv_builder_add (builder, ((PortierOpening *) g_ptr_array_index (openings, i))->id);
    }
  close_ids (self, page, g_strv_builder_end (builder));
}

/* Actions */

static void
push_choose_page (PortierWindow        *self,
                  PortierChoosePurpose  purpose)
{
  GtkWidget *page;

  if (portier_window_get_catalog (self) == NULL)
    {
      portier_window_add_toast (self, _("Portier’s list of apps is damaged. Reinstall Portier."));
      return;
    }

  page = portier_choose_page_new (self->catalog, purpose);
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

  page = portier_openings_page_new (self->ledger, portier_window_get_catalog (self));
  g_signal_connect_object (page, "close", G_CALLBACK (close_opening_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "close-all", G_CALLBACK (close_all_cb), self,
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

  if (can_go_back (self))
    portier_window_go_back (self);
}

static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  portier_window_go_home (PORTIER_WINDOW (widget));
}

static void
back_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 PortierWindow   *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.back", NULL);
}

/* Window state */

static void
load_window_state (PortierWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (PortierWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
portier_window_close_request (GtkWindow *window)
{
  save_window_state (PORTIER_WINDOW (window));

  return GTK_WINDOW_CLASS (portier_window_parent_class)->close_request (window);
}

static void
portier_window_dispose (GObject *object)
{
  PortierWindow *self = PORTIER_WINDOW (object);

  g_clear_handle_id (&self->remove_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_WINDOW);

  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->leaving, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_clear_object (&self->ledger);
  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_window_parent_class)->dispose (object);
}

/* The application's ledger and opener, which outlive the window (they keep what was
 * opened in the background); a window of its own (tests) makes its own. */
static void
portier_window_constructed (GObject *object)
{
  PortierWindow *self = PORTIER_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (portier_window_parent_class)->constructed (object);

  if (PORTIER_IS_APPLICATION (app))
    {
      self->ledger = g_object_ref (portier_application_get_ledger (PORTIER_APPLICATION (app)));
      self->opener = g_object_ref (portier_application_get_opener (PORTIER_APPLICATION (app)));
    }
  else
    {
      self->ledger = portier_ledger_new_default ();
      self->opener = portier_opener_new (self->ledger);
    }
}

static void
portier_window_class_init (PortierWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = portier_window_constructed;
  object_class->dispose = portier_window_dispose;
  window_class->close_request = portier_window_close_request;

  g_type_ensure (PORTIER_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/portier_app/Portier/portier-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, help_button);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, welcome_page);

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

/* Portier's additions to the style, once for each display. */
static void
load_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (g_object_get_data (G_OBJECT (display), "portier-style") != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/portier_app/Portier/portier.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "portier-style", g_object_ref (provider),
                          g_object_unref);
}

static void
portier_window_init (PortierWindow *self)
{
  GtkGesture *back_click;

  gtk_widget_init_template (GTK_WIDGET (self));
  load_style (GTK_WIDGET (self));

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->history = g_ptr_array_new ();
  self->leaving = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->history, self->welcome_page);

  self->settings = portier_settings_new ();
  load_window_state (self);

  g_signal_connect_object (self->pages, "notify::transition-running",
                           G_CALLBACK (transition_running_cb), self, G_CONNECT_SWAPPED);

  /* The mouse's back button goes back, as in a browser. */
  back_click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (back_click), 8);
  g_signal_connect_object (back_click, "pressed", G_CALLBACK (back_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (back_click));

  update_header (self);
}
