/* portier-troubleshoot-page.c: what stands between the internet and the app, layer by
 * layer, with the first problem first and what to do about it
 *
 * The page shows a PortierDiagnosisReport: the checks it runs itself
 * (portier_troubleshoot_page_check(), and its "Check Again" button), or one set from
 * outside (portier_troubleshoot_page_set_report()). A fix that opens something is asked
 * for with PortierTroubleshootPage::fix; the window leads to the opening.
 *
 * "Close What Portier Opened…" closes, after asking, what Portier's ledger holds for the
 * page's ports (a PortierCloseRun with the page's opener), and says what came of it.
 * Without an opener it leads to "Ports I opened" instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-troubleshoot-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-close-run.h"
#include "portier-enums.h"
#include "portier-error.h"
#include "portier-troubleshoot-page.h"

struct _PortierTroubleshootPage
{
  GtkWidget               parent_instance;

  PortierPortSpec         spec;
  PortierPlan            *plan;
  PortierOpener          *opener;
  PortierDiagnosisReport *report;
  GCancellable           *cancellable;
  PortierFixAction        fix_action;

  GtkStack               *verdict_stack;
  GtkSpinner             *spinner;
  GtkImage               *verdict_icon;
  GtkLabel               *verdict_label;
  GtkLabel               *intro_label;
  GtkLabel               *closed_label;
  AdwPreferencesGroup    *first_group;
  AdwActionRow           *first_row;
  GtkImage               *first_icon;
  GtkListBox             *next_list;
  GtkButton              *fix_button;
  GtkBox                 *layers_box;
  GtkButton              *check_button;
  GtkButton              *close_opened_button;
};

G_DEFINE_FINAL_TYPE (PortierTroubleshootPage, portier_troubleshoot_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_FIX,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_SPEC,
  PROP_PLAN,
  PROP_INTRO,
  PROP_OPENER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[N_SIGNALS];

/* Inside out: from the app to the internet. */
static const PortierLayer layer_order[] = {
  PORTIER_LAYER_APP,
  PORTIER_LAYER_HOST_FIREWALL,
  PORTIER_LAYER_ROUTER,
  PORTIER_LAYER_NETWORK,
  PORTIER_LAYER_INTERNET,
};

static const char *
layer_title (PortierLayer layer)
{
  switch (layer)
    {
    case PORTIER_LAYER_APP:
      return _("Your App");
    case PORTIER_LAYER_HOST_FIREWALL:
      return _("This Computer’s Firewall");
    case PORTIER_LAYER_ROUTER:
      return _("Your Router");
    case PORTIER_LAYER_NETWORK:
      return _("Your Internet Connection");
    case PORTIER_LAYER_INTERNET:
    default:
      return _("From the Internet");
    }
}

static void
status_icon (PortierFindingStatus   status,
             const char           **icon,
             const char           **css)
{
  switch (status)
    {
    case PORTIER_FINDING_OK:
      *icon = "emblem-ok-symbolic";
      *css = "success";
      break;
    case PORTIER_FINDING_PROBLEM:
      *icon = "dialog-error-symbolic";
      *css = "error";
      break;
    case PORTIER_FINDING_WARNING:
      *icon = "dialog-warning-symbolic";
      *css = "warning";
      break;
    case PORTIER_FINDING_UNKNOWN:
    default:
      *icon = "dialog-question-symbolic";
      *css = "dim-label";
      break;
    }
}

static const char *
fix_label (PortierFixAction action)
{
  switch (action)
    {
    case PORTIER_FIX_OPEN_FIREWALL:
      return _("_Allow Through the Firewall");
    case PORTIER_FIX_ADD_MAPPING:
      return _("_Ask the Router to Forward It");
    case PORTIER_FIX_USE_OTHER_PORT:
      return _("_Use Another Outside Port");
    case PORTIER_FIX_FOLLOW_GUIDE:
      /* TRANSLATORS: opens the step-by-step guide for the router's settings */
      return _("_Show Me How, Step by Step");
    case PORTIER_FIX_NONE:
    case PORTIER_FIX_CHECK_AGAIN:
    default:
      /* The person acts; "Check Again" is always there. */
      return NULL;
    }
}

static GtkWidget *
new_icon (const char *icon_name,
          const char *css_class)
{
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                  "icon-name", icon_name,
                                  "valign", GTK_ALIGN_CENTER,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                  NULL);

  gtk_widget_add_css_class (icon, css_class);
  return icon;
}

static GtkWidget *
text_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  return row;
}

/* The finding's summary, with the app's name where the core can only name the process
 * ("Minecraft is waiting…", not "java is waiting…"). */
static char *
finding_summary (PortierTroubleshootPage *self,
                 const PortierFinding    *finding)
{
  PortierApp *app = self->plan != NULL ? portier_plan_get_app (self->plan) : NULL;

  if (app != NULL && g_str_equal (finding->code, "listening"))
    /* TRANSLATORS: %s is the app's name, such as "Minecraft: Java Edition" */
    return g_strdup_printf (_("%s is waiting for connections."), portier_app_get_name (app));
  if (app != NULL && g_str_equal (finding->code, "listener-loopback-only"))
    /* TRANSLATORS: %s is the app's name, such as "Minecraft: Java Edition" */
    return g_strdup_printf (_("%s only accepts connections from this computer itself."),
                            portier_app_get_name (app));
  return g_strdup (finding->summary);
}

/* Whether only the internet provider can fix @finding: the person phones them. */
static gboolean
needs_provider (const PortierFinding *finding)
{
  return g_str_equal (finding->code, "cgnat");
}

/* What to do about @finding, in one sentence; for a call to the provider, the exact
 * words to say. */
static char *
finding_fix (PortierTroubleshootPage *self,
             const PortierFinding    *finding)
{
  PortierApp *app = self->plan != NULL ? portier_plan_get_app (self->plan) : NULL;

  if (needs_provider (finding))
    return g_strdup (_("Call your internet provider and say: “Please give my connection a "
                       "public IP address of its own. It is behind carrier-grade NAT, and I "
                       "want to let friends connect to a game at home.”"));
  if (app != NULL && g_str_equal (finding->code, "no-listener"))
    /* TRANSLATORS: %s is the app's name, such as "Minecraft: Java Edition" */
    return g_strdup_printf (_("Start %s on this computer, then check again."),
                            portier_app_get_name (app));
  return g_strdup (finding->fix);
}

/* Whether @finding belongs in the list of what to do: problems, and what is unsure or
 * odd when there is something to do about it. When the test from the internet got
 * through, only the app can still be in the way (the core's rule for the first
 * problem). */
static gboolean
is_to_do (const PortierDiagnosisReport *report,
          const PortierFinding         *finding)
{
  gboolean reached = FALSE;

  for (guint i = 0; i < report->findings->len; i++)
    if (g_str_equal (((PortierFinding *) g_ptr_array_index (report->findings, i))->code,
                     "reachable"))
      reached = TRUE;

  if (finding->status == PORTIER_FINDING_PROBLEM)
    return !reached || finding->layer == PORTIER_LAYER_APP;
  return finding->status != PORTIER_FINDING_OK && finding->fix != NULL && !reached;
}

/* One row of the technical details: what one check found, and why. For what is in
 * the list of what to do, only the why (the summary is up there already). */
static GtkWidget *
finding_row (PortierTroubleshootPage      *self,
             const PortierDiagnosisReport *report,
             const PortierFinding         *finding)
{
  g_autofree char *summary = finding_summary (self, finding);
  const char *icon;
  const char *css;
  GtkWidget *row;

  status_icon (finding->status, &icon, &css);
  if (is_to_do (report, finding))
    row = text_row (layer_title (finding->layer), finding->detail);
  else
    {
      g_autofree char *text = finding->detail != NULL
        ? g_strdup_printf ("%s %s", summary, finding->detail)
        : g_strdup (summary);

      row = text_row (layer_title (finding->layer), text);
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), new_icon (icon, css));
  return row;
}

/* One step of what to do, after the first. */
static GtkWidget *
to_do_row (PortierTroubleshootPage *self,
           const PortierFinding    *finding)
{
  g_autofree char *summary = finding_summary (self, finding);
  g_autofree char *fix = finding_fix (self, finding);
  const char *icon;
  const char *css;
  GtkWidget *row = text_row (summary, fix);

  status_icon (finding->status, &icon, &css);
  if (needs_provider (finding))
    {
      icon = "call-start-symbolic";
      css = "accent";
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), new_icon (icon, css));
  return row;
}

static void
clear_layers (PortierTroubleshootPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layers_box))) != NULL)
    gtk_box_remove (self->layers_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->next_list))) != NULL)
    gtk_list_box_remove (self->next_list, child);
}

static void
show_verdict (PortierTroubleshootPage *self,
              const char              *icon,
              const char              *css,
              const char              *text)
{
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->verdict_stack, "verdict");
  gtk_image_set_from_icon_name (self->verdict_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), css);
  gtk_label_set_text (self->verdict_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.check-again", TRUE);
}

/**
 * portier_troubleshoot_page_set_checking:
 *
 * The checks are running: the page says so, and forgets the last report. The previous
 * cancellable is cancelled and replaced.
 */
void
portier_troubleshoot_page_set_checking (PortierTroubleshootPage *self)
{
  g_autofree char *described = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_pointer (&self->report, portier_diagnosis_report_free);
  clear_layers (self);
  gtk_widget_set_visible (GTK_WIDGET (self->first_group), FALSE);

  described = portier_port_spec_describe (&self->spec);
  /* TRANSLATORS: %s is e.g. "port 25565 (TCP)" */
  text = g_strdup_printf (_("Checking every step to %s…"), described);
  gtk_label_set_text (self->verdict_label, text);
  gtk_stack_set_visible_child_name (self->verdict_stack, "checking");
  gtk_spinner_start (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.check-again", FALSE);
}

void
portier_troubleshoot_page_set_error (PortierTroubleshootPage *self,
                                     const GError            *error)
{
  g_return_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self));
  g_return_if_fail (error != NULL);

  show_verdict (self, "dialog-question-symbolic", "warning",
                portier_error_user_message (error));
}

void
portier_troubleshoot_page_set_report (PortierTroubleshootPage      *self,
                                      const PortierDiagnosisReport *report)
{
  const PortierFinding *first;
  g_autofree char *described = NULL;
  g_autofree char *verdict = NULL;

  g_return_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self));
  g_return_if_fail (report != NULL);

  g_clear_pointer (&self->report, portier_diagnosis_report_free);
  self->report = portier_diagnosis_report_copy (report);
  self->spec = report->spec;
  clear_layers (self);

  described = self->plan != NULL ? g_strdup (portier_plan_get_title (self->plan))
                                  : portier_port_spec_describe (&self->spec);
  first = portier_diagnosis_report_get_first_problem (report);

  switch (report->verdict)
    {
    case PORTIER_VERDICT_REACHABLE:
      /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565 (TCP)" */
      verdict = g_strdup_printf (_("Your friends can reach %s"), described);
      show_verdict (self, "emblem-ok-symbolic", "success", verdict);
      break;
    case PORTIER_VERDICT_NOT_REACHABLE:
      /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565 (TCP)" */
      verdict = g_strdup_printf (_("Your friends cannot reach %s yet"), described);
      show_verdict (self, "dialog-warning-symbolic", "warning", verdict);
      break;
    case PORTIER_VERDICT_UNKNOWN:
    default:
      verdict = g_strdup_printf (_("Portier could not tell for sure whether your friends can "
                                   "reach %s"), described);
      show_verdict (self, "dialog-question-symbolic", "warning", verdict);
      break;
    }

  /* Every problem once, in the order to fix it (the core's: this computer first, then
   * the provider or a second router, then the router); the first one with Portier's fix
   * when there is one. */
  self->fix_action = PORTIER_FIX_NONE;
  if (first == NULL)
    for (guint i = 0; i < report->findings->len && first == NULL; i++)
      if (is_to_do (report, g_ptr_array_index (report->findings, i)))
        first = g_ptr_array_index (report->findings, i);
  gtk_widget_set_visible (GTK_WIDGET (self->first_group), first != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.fix", FALSE);
  if (first != NULL)
    {
      const char *label = first->status == PORTIER_FINDING_PROBLEM ? fix_label (first->action)
                                                                   : NULL;
      g_autofree char *summary = finding_summary (self, first);
      g_autofree char *fix = finding_fix (self, first);
      const char *icon;
      const char *css;

      status_icon (first->status, &icon, &css);
      if (needs_provider (first))
        {
          icon = "call-start-symbolic";
          css = "accent";
        }
      gtk_image_set_from_icon_name (self->first_icon, icon);
      gtk_widget_set_css_classes (GTK_WIDGET (self->first_icon), (const char *[]) { css, NULL });
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->first_row), summary);
      adw_action_row_set_subtitle (self->first_row, fix != NULL ? fix : "");
      self->fix_action = first->action;
      gtk_widget_set_visible (GTK_WIDGET (self->fix_button), label != NULL);
      if (label != NULL)
        gtk_button_set_label (self->fix_button, label);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.fix", label != NULL);
    }

  for (guint i = 0; i < report->findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (report->findings, i);

      if (finding != first && is_to_do (report, finding))
        gtk_list_box_append (self->next_list, to_do_row (self, finding));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->next_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->next_list)) != NULL);

  /* What every check found, layer by layer from the app outwards: folded away. */
  if (report->findings->len > 0)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *technical = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (technical), _("Technical details"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (technical),
                                     _("What Portier checked, step by step"));
      gtk_widget_add_css_class (technical, "technical-details");
      for (guint l = 0; l < G_N_ELEMENTS (layer_order); l++)
        for (guint i = 0; i < report->findings->len; i++)
          {
            const PortierFinding *finding = g_ptr_array_index (report->findings, i);

            if (finding->layer == layer_order[l])
              adw_expander_row_add_row (ADW_EXPANDER_ROW (technical),
                                        finding_row (self, report, finding));
          }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), technical);
      gtk_box_append (self->layers_box, group);
    }
}

/**
 * portier_troubleshoot_page_set_intro:
 * @text: (nullable): what happened before, e.g. how far opening got
 */
static void
portier_troubleshoot_page_set_intro (PortierTroubleshootPage *self,
                                     const char              *text)
{
  g_return_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self));

  gtk_label_set_text (self->intro_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->intro_label), text != NULL);
}

/**
 * portier_troubleshoot_page_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown
 */
const PortierDiagnosisReport *
portier_troubleshoot_page_get_report (PortierTroubleshootPage *self)
{
  g_return_val_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self), NULL);
  return self->report;
}

const PortierPortSpec *
portier_troubleshoot_page_get_spec (PortierTroubleshootPage *self)
{
  g_return_val_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self), NULL);
  return &self->spec;
}

/**
 * portier_troubleshoot_page_get_cancellable:
 *
 * Returns: (transfer none): for the checks now running; cancelled when they are started
 *   again and when the page goes away
 */
GCancellable *
portier_troubleshoot_page_get_cancellable (PortierTroubleshootPage *self)
{
  g_return_val_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self), NULL);
  return self->cancellable;
}

static void
fix_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (widget);
  const PortierFinding *first;

  if (self->report == NULL ||
      (first = portier_diagnosis_report_get_first_problem (self->report)) == NULL)
    return;

  /* What the person does first needs only new checks. */
  if (first->action != PORTIER_FIX_OPEN_FIREWALL && first->action != PORTIER_FIX_ADD_MAPPING &&
      first->action != PORTIER_FIX_USE_OTHER_PORT && first->action != PORTIER_FIX_FOLLOW_GUIDE)
    {
      portier_troubleshoot_page_check (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_FIX], 0, first->action, first->code);
}

static void
check_again_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  portier_troubleshoot_page_check (PORTIER_TROUBLESHOOT_PAGE (widget));
}

static void
diagnosis_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(PortierTroubleshootPage) self = user_data;
  g_autoptr(PortierDiagnosisReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = portier_diagnosis_run_finish (res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (report == NULL)
    portier_troubleshoot_page_set_error (self, error);
  else
    portier_troubleshoot_page_set_report (self, report);
}

/* ---- closing what Portier opened ---- */

/* What the page is about: the app's name, or the port. */
static char *
describe_subject (PortierTroubleshootPage *self)
{
  return self->plan != NULL ? g_strdup (portier_plan_get_title (self->plan))
                            : portier_port_spec_describe (&self->spec);
}

static gboolean
is_for_this_check (PortierTroubleshootPage *self,
                   const PortierOpening    *opening)
{
  GArray *ports = self->plan != NULL ? portier_plan_get_ports (self->plan) : NULL;

  if (portier_port_spec_overlaps (&opening->spec, &self->spec))
    return TRUE;
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    if (portier_port_spec_overlaps (&opening->spec,
                                    &g_array_index (ports, PortierAppPort, i).spec))
      return TRUE;
  return FALSE;
}

/* The openings Portier's ledger holds for the page's ports. */
static GStrv
opened_ids (PortierTroubleshootPage *self)
{
  PortierLedger *ledger = portier_opener_get_ledger (self->opener);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!portier_ledger_load (ledger, &error))
    g_warning ("Cannot read %s: %s", portier_ledger_get_path (ledger), error->message);
  else
    {
      GPtrArray *openings = portier_ledger_get_openings (ledger);

      for (guint i = 0; i < openings->len; i++)
        {
          const PortierOpening *opening = g_ptr_array_index (openings, i);

          if (is_for_this_check (self, opening))
            g_strv_builder_add (builder, opening->id);
        }
    }
  return g_strv_builder_end (builder);
}

static void
show_closed (PortierTroubleshootPage *self,
             const char              *text)
{
  gtk_label_set_text (self->closed_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->closed_label), TRUE);
}

static void
closed_opened_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(PortierTroubleshootPage) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = describe_subject (self);
  g_autofree char *text = NULL;
  const GError *failure = NULL;

  results = portier_close_run_execute_finish (PORTIER_CLOSE_RUN (source), res, &error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.close-opened", TRUE);
  if (results == NULL)
    failure = error;
  for (guint i = 0; results != NULL && i < results->len && failure == NULL; i++)
    failure = ((PortierCloseResult *) g_ptr_array_index (results, i))->error;

  if (failure == NULL)
    /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565 (TCP)" */
    text = g_strdup_printf (_("Closed. Portier no longer keeps anything open for %s."),
                            subject);
  else
    /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565
     * (TCP)"; the second %s is a sentence saying why */
    text = g_strdup_printf (_("Portier could not close everything for %s. %s What is "
                              "still open is listed in “Ports I Opened”."),
                            subject, portier_error_user_message (failure));
  show_closed (self, text);
}

static void
close_opened_response_cb (AdwMessageDialog        *dialog,
                          const char              *response,
                          PortierTroubleshootPage *self)
{
  g_auto(GStrv) ids = NULL;
  g_autoptr(PortierCloseRun) run = NULL;

  if (g_strcmp0 (response, "close") != 0)
    return;

  ids = opened_ids (self);
  run = portier_close_run_new (self->opener, (const char * const *) ids, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "troubleshoot.close-opened", FALSE);
  show_closed (self, _("Closing what Portier opened…"));
  /* Not stopped when the page is left: what has begun is closed to the end. */
  portier_close_run_execute_async (run, NULL, closed_opened_cb, g_object_ref (self));
}

static void
close_opened_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) ids = NULL;
  AdwMessageDialog *dialog;

  if (self->opener == NULL)
    {
      gtk_widget_activate_action (widget, "wizard.openings", NULL);
      return;
    }

  subject = describe_subject (self);
  ids = opened_ids (self);
  if (ids[0] == NULL)
    {
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565 (TCP)" */
      text = g_strdup_printf (_("Portier has nothing open for %s."), subject);
      show_closed (self, text);
      return;
    }

  /* TRANSLATORS: %s is the app, such as "Minecraft: Java Edition", or "port 25565 (TCP)" */
  body = g_strdup_printf (_("Your friends will no longer reach %s through what Portier "
                            "opened. You can open it again at any time."), subject);
  dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            _("Close What Portier Opened?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_opened_response_cb), self,
                           0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * portier_troubleshoot_page_check:
 *
 * Runs the checks for the page's port, and shows what they find.
 */
void
portier_troubleshoot_page_check (PortierTroubleshootPage *self)
{
  g_return_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self));

  portier_troubleshoot_page_set_checking (self);
  portier_diagnosis_run_async (&self->spec, NULL, self->cancellable, diagnosis_cb,
                               g_object_ref (self));
}

/**
 * portier_troubleshoot_page_new:
 *
 * A page for the port @spec that shows what it is given (or checks, when asked to).
 */
GtkWidget *
portier_troubleshoot_page_new (const PortierPortSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return g_object_new (PORTIER_TYPE_TROUBLESHOOT_PAGE, "spec", spec, NULL);
}

/**
 * portier_troubleshoot_page_new_for_plan:
 * @plan: (nullable): what the person wanted to open, when they did
 * @spec: the port to look at, one of @plan's
 * @intro: (nullable): what went wrong, in a sentence, when it is known
 */
GtkWidget *
portier_troubleshoot_page_new_for_plan (PortierPlan           *plan,
                                        const PortierPortSpec *spec,
                                        const char            *intro)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return g_object_new (PORTIER_TYPE_TROUBLESHOOT_PAGE, "spec", spec, "plan", plan,
                       "intro", intro, NULL);
}

/**
 * portier_troubleshoot_page_get_plan:
 *
 * Returns: (transfer none) (nullable): what the person wanted to open
 */
PortierPlan *
portier_troubleshoot_page_get_plan (PortierTroubleshootPage *self)
{
  g_return_val_if_fail (PORTIER_IS_TROUBLESHOOT_PAGE (self), NULL);
  return self->plan;
}

static void
portier_troubleshoot_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (portier_troubleshoot_page_parent_class)->constructed (object);

  portier_troubleshoot_page_set_checking (PORTIER_TROUBLESHOOT_PAGE (object));
}

static void
portier_troubleshoot_page_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SPEC:
      g_value_set_boxed (value, &self->spec);
      break;
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_INTRO:
      g_value_set_string (value, gtk_widget_get_visible (GTK_WIDGET (self->intro_label))
                                   ? gtk_label_get_text (self->intro_label) : NULL);
      break;
    case PROP_OPENER:
      g_value_set_object (value, self->opener);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_troubleshoot_page_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (object);
  const PortierPortSpec *spec;

  switch (prop_id)
    {
    case PROP_SPEC:
      spec = g_value_get_boxed (value);
      g_return_if_fail (spec != NULL);
      self->spec = *spec;
      break;
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_INTRO:
      portier_troubleshoot_page_set_intro (self, g_value_get_string (value));
      break;
    case PROP_OPENER:
      self->opener = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_troubleshoot_page_unroot (GtkWidget *widget)
{
  /* Leaving the page stops what it was doing. */
  g_cancellable_cancel (PORTIER_TROUBLESHOOT_PAGE (widget)->cancellable);

  GTK_WIDGET_CLASS (portier_troubleshoot_page_parent_class)->unroot (widget);
}

static void
portier_troubleshoot_page_dispose (GObject *object)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_TROUBLESHOOT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->report, portier_diagnosis_report_free);
  g_clear_object (&self->plan);
  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_troubleshoot_page_parent_class)->dispose (object);
}

static void
portier_troubleshoot_page_finalize (GObject *object)
{
  PortierTroubleshootPage *self = PORTIER_TROUBLESHOOT_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (portier_troubleshoot_page_parent_class)->finalize (object);
}

static void
portier_troubleshoot_page_class_init (PortierTroubleshootPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_troubleshoot_page_constructed;
  object_class->get_property = portier_troubleshoot_page_get_property;
  object_class->set_property = portier_troubleshoot_page_set_property;
  object_class->dispose = portier_troubleshoot_page_dispose;
  widget_class->unroot = portier_troubleshoot_page_unroot;
  object_class->finalize = portier_troubleshoot_page_finalize;

  properties[PROP_SPEC] =
    g_param_spec_boxed ("spec", NULL, NULL, PORTIER_TYPE_PORT_SPEC,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTRO] =
    g_param_spec_string ("intro", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* What closes what Portier opened; without one, the page leads to "Ports I opened". */
  properties[PROP_OPENER] =
    g_param_spec_object ("opener", NULL, NULL, PORTIER_TYPE_OPENER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierTroubleshootPage::fix:
   * @action: the #PortierFixAction of the first problem
   * @code: the finding's code
   */
  signals[SIGNAL_FIX] = g_signal_new ("fix", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 2, PORTIER_TYPE_FIX_ACTION, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-troubleshoot-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, verdict_stack);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, closed_label);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, first_group);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, first_row);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, first_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, next_list);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, fix_button);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, layers_box);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, PortierTroubleshootPage,
                                        close_opened_button);
  gtk_widget_class_install_action (widget_class, "troubleshoot.fix", NULL, fix_action_cb);
  gtk_widget_class_install_action (widget_class, "troubleshoot.check-again", NULL,
                                   check_again_cb);
  gtk_widget_class_install_action (widget_class, "troubleshoot.close-opened", NULL,
                                   close_opened_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_troubleshoot_page_init (PortierTroubleshootPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
