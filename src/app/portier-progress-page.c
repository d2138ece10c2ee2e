/* portier-progress-page.c: each step of the opening, live, as it happens; stoppable
 *
 * Given an opener, the page opens the plan's ports itself (PortierOpenRun: all or none)
 * and shows what PortierOpenRun::step-changed says, step by step; when the run is over it
 * says so with ::finished or ::stopped. Stopping cancels the page's cancellable, which
 * the run goes with; what was done is then undone. Leaving the page stops it too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-progress-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-enums.h"
#include "portier-error.h"
#include "portier-open-run.h"
#include "portier-progress-page.h"

#define N_STEPS 3

typedef struct
{
  AdwActionRow      *row;
  GtkImage          *icon;
  GtkSpinner        *spinner;
  PortierStepStatus  status;
} StepView;

struct _PortierProgressPage
{
  GtkWidget            parent_instance;

  PortierPlan         *plan;
  PortierFixAction     fix;
  PortierOpener       *opener;
  GCancellable        *cancellable;
  StepView             steps[N_STEPS];

  GtkLabel            *title_label;
  AdwPreferencesGroup *steps_group;
  GtkButton           *cancel_button;
};

G_DEFINE_FINAL_TYPE (PortierProgressPage, portier_progress_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_FIX,
  PROP_OPENER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FINISHED,
  SIGNAL_STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
step_title (PortierStep step)
{
  switch (step)
    {
    case PORTIER_STEP_FIREWALL:
      return _("This computer’s firewall");
    case PORTIER_STEP_ROUTER:
      return _("Your router");
    case PORTIER_STEP_VERIFY:
    default:
      return _("Test from the internet");
    }
}

static const char *
status_sentence (PortierStepStatus status)
{
  switch (status)
    {
    case PORTIER_STEP_STATUS_PENDING:
      return _("Waiting");
    case PORTIER_STEP_STATUS_RUNNING:
      return _("Working on it…");
    case PORTIER_STEP_STATUS_DONE:
      return _("Done");
    case PORTIER_STEP_STATUS_SKIPPED:
      return _("Not needed");
    case PORTIER_STEP_STATUS_FAILED:
      return _("Did not work");
    case PORTIER_STEP_STATUS_UNDONE:
    default:
      return _("Undone, so nothing is left half-open");
    }
}

static void
show_status (StepView          *view,
             PortierStepStatus  status)
{
  const char *icon = NULL;
  const char *css = NULL;

  view->status = status;
  gtk_widget_remove_css_class (GTK_WIDGET (view->icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (view->icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (view->icon), "dim-label");

  switch (status)
    {
    case PORTIER_STEP_STATUS_PENDING:
      icon = "content-loading-symbolic";
      css = "dim-label";
      break;
    case PORTIER_STEP_STATUS_RUNNING:
      break;
    case PORTIER_STEP_STATUS_DONE:
      icon = "emblem-ok-symbolic";
      css = "success";
      break;
    case PORTIER_STEP_STATUS_SKIPPED:
      icon = "action-unavailable-symbolic";
      css = "dim-label";
      break;
    case PORTIER_STEP_STATUS_FAILED:
      icon = "dialog-error-symbolic";
      css = "error";
      break;
    case PORTIER_STEP_STATUS_UNDONE:
    default:
      icon = "edit-undo-symbolic";
      css = "dim-label";
      break;
    }

  gtk_spinner_set_spinning (view->spinner, status == PORTIER_STEP_STATUS_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (view->spinner), status == PORTIER_STEP_STATUS_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (view->icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (view->icon, icon);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (view->icon), css);
}

/**
 * portier_progress_page_set_step:
 * @message: (nullable): what the step is doing or did, translated; %NULL for the
 *   status's own words
 *
 * The handler for PortierOpener::step-changed.
 */
void
portier_progress_page_set_step (PortierProgressPage *self,
                                PortierStep          step,
                                PortierStepStatus    status,
                                const char          *message)
{
  StepView *view;

  g_return_if_fail (PORTIER_IS_PROGRESS_PAGE (self));
  g_return_if_fail ((guint) step < N_STEPS);

  view = &self->steps[step];
  show_status (view, status);
  adw_action_row_set_subtitle (view->row,
                               message != NULL && message[0] != '\0'
                                 ? message : status_sentence (status));
}

PortierStepStatus
portier_progress_page_get_step_status (PortierProgressPage *self,
                                       PortierStep          step)
{
  g_return_val_if_fail (PORTIER_IS_PROGRESS_PAGE (self), PORTIER_STEP_STATUS_PENDING);
  g_return_val_if_fail ((guint) step < N_STEPS, PORTIER_STEP_STATUS_PENDING);

  return self->steps[step].status;
}

/**
 * portier_progress_page_begin_port:
 * @index: which of the plan's ports is being opened now
 *
 * Shows every step as waiting, for the next port.
 */
void
portier_progress_page_begin_port (PortierProgressPage *self,
                                  guint                index)
{
  GArray *ports;
  g_autofree char *title = NULL;

  g_return_if_fail (PORTIER_IS_PROGRESS_PAGE (self));

  ports = portier_plan_get_ports (self->plan);
  g_return_if_fail (index < ports->len);

  /* The app first: the person chose the app, not a port number. */
  if (ports->len > 1)
    /* TRANSLATORS: the progress page's heading; %s is the app, such as "Minecraft: Java
     * Edition"; then which of its ports, such as 1 of 2 */
    title = g_strdup_printf (_("Opening the way to %s, part %u of %u…"),
                             portier_plan_get_title (self->plan), index + 1, ports->len);
  else
    /* TRANSLATORS: the progress page's heading; %s is the app, such as "Minecraft: Java
     * Edition" */
    title = g_strdup_printf (_("Opening the way to %s…"), portier_plan_get_title (self->plan));
  gtk_label_set_text (self->title_label, title);

  for (guint i = 0; i < N_STEPS; i++)
    portier_progress_page_set_step (self, i, PORTIER_STEP_STATUS_PENDING, NULL);
}

/**
 * portier_progress_page_finish:
 *
 * Everything has run: there is nothing left to stop.
 */
void
portier_progress_page_finish (PortierProgressPage *self)
{
  g_return_if_fail (PORTIER_IS_PROGRESS_PAGE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "progress.cancel", FALSE);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->cancel_button),
                                                   GTK_TYPE_ACTION_BAR), FALSE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (widget);

  gtk_label_set_text (self->title_label, _("Stopping, and undoing what was done…"));
  gtk_widget_action_set_enabled (widget, "progress.cancel", FALSE);
  g_cancellable_cancel (self->cancellable);
}

/**
 * portier_progress_page_new:
 *
 * A page that shows the opening of @plan; what it shows is set from outside.
 */
GtkWidget *
portier_progress_page_new (PortierPlan *plan)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);

  return g_object_new (PORTIER_TYPE_PROGRESS_PAGE, "plan", plan, NULL);
}

/**
 * portier_progress_page_new_opening:
 * @fix: %PORTIER_FIX_NONE to open the plan, or the troubleshooter's fix that it is for
 *
 * A page that opens @plan's ports with @opener, and shows how it goes.
 */
GtkWidget *
portier_progress_page_new_opening (PortierPlan      *plan,
                                   PortierFixAction  fix,
                                   PortierOpener    *opener)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);
  g_return_val_if_fail (PORTIER_IS_OPENER (opener), NULL);

  return g_object_new (PORTIER_TYPE_PROGRESS_PAGE, "plan", plan, "fix", fix, "opener", opener,
                       NULL);
}

static void
port_started_cb (PortierProgressPage *self,
                 guint                index)
{
  portier_progress_page_begin_port (self, index);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PortierProgressPage) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  const PortierOpenResult *failed;

  g_signal_handlers_disconnect_by_data (source, self);
  results = portier_open_run_execute_finish (PORTIER_OPEN_RUN (source), result, &error);
  failed = results != NULL ? portier_open_run_get_failed (results) : NULL;

  /* Stopped, or the password prompt was closed: nothing was changed, and that is a normal
   * outcome. */
  if (results == NULL ||
      (failed != NULL && (g_error_matches (failed->error, PORTIER_ERROR,
                                           PORTIER_ERROR_AUTHORIZATION_DISMISSED) ||
                          g_error_matches (failed->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))))
    {
      g_signal_emit (self, signals[SIGNAL_STOPPED], 0, results != NULL ? failed->error : error);
      return;
    }

  portier_progress_page_finish (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, results);
}

/* The plan's ports, as the opener takes them. A fix does only its own step, and the
 * test. */
static GPtrArray *
open_options (PortierProgressPage *self)
{
  GArray *ports = portier_plan_get_ports (self->plan);
  PortierApp *app = portier_plan_get_app (self->plan);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_open_options_free);

  for (guint i = 0; i < ports->len; i++)
    {
      PortierOpenOptions *options =
        portier_open_options_new (&g_array_index (ports, PortierAppPort, i).spec);

      options->app_id = app != NULL ? g_strdup (portier_app_get_id (app)) : NULL;
      options->label = app != NULL ? NULL : g_strdup (portier_plan_get_title (self->plan));
      options->duration = portier_plan_get_duration (self->plan);
      options->hours = portier_plan_get_hours (self->plan);
      options->interactive = TRUE;
      options->firewall = self->fix == PORTIER_FIX_NONE || self->fix == PORTIER_FIX_OPEN_FIREWALL;
      options->router = self->fix != PORTIER_FIX_OPEN_FIREWALL;
      g_ptr_array_add (all, options);
    }
  return all;
}

static void
start (PortierProgressPage *self)
{
  g_autoptr(GPtrArray) options = open_options (self);
  g_autoptr(PortierOpenRun) run = NULL;

  run = portier_open_run_new (self->opener, options, self->fix == PORTIER_FIX_USE_OTHER_PORT);
  g_signal_connect_object (run, "port-started", G_CALLBACK (port_started_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (run, "step-changed", G_CALLBACK (portier_progress_page_set_step),
                           self, G_CONNECT_SWAPPED);
  /* The run holds the page until it is over, so that it can say how it ended. */
  portier_open_run_execute_async (run, self->cancellable, run_done_cb, g_object_ref (self));
}

static void
portier_progress_page_constructed (GObject *object)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (object);

  G_OBJECT_CLASS (portier_progress_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_PLAN (self->plan));
  portier_progress_page_begin_port (self, 0);
  if (self->opener != NULL)
    start (self);
}

/**
 * portier_progress_page_get_fix:
 *
 * Returns: the troubleshooter's fix the opening is for, or %PORTIER_FIX_NONE
 */
PortierFixAction
portier_progress_page_get_fix (PortierProgressPage *self)
{
  g_return_val_if_fail (PORTIER_IS_PROGRESS_PAGE (self), PORTIER_FIX_NONE);
  return self->fix;
}

static void
portier_progress_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_FIX:
      g_value_set_enum (value, self->fix);
      break;
    case PROP_OPENER:
      g_value_set_object (value, self->opener);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_progress_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_FIX:
      self->fix = g_value_get_enum (value);
      break;
    case PROP_OPENER:
      self->opener = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/**
 * portier_progress_page_get_plan:
 *
 * Returns: (transfer none): what is being opened
 */
PortierPlan *
portier_progress_page_get_plan (PortierProgressPage *self)
{
  g_return_val_if_fail (PORTIER_IS_PROGRESS_PAGE (self), NULL);
  return self->plan;
}

/**
 * portier_progress_page_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the person stops, or leaves the page
 */
GCancellable *
portier_progress_page_get_cancellable (PortierProgressPage *self)
{
  g_return_val_if_fail (PORTIER_IS_PROGRESS_PAGE (self), NULL);
  return self->cancellable;
}

static void
portier_progress_page_unroot (GtkWidget *widget)
{
  /* Leaving the page stops what it was doing. */
  g_cancellable_cancel (PORTIER_PROGRESS_PAGE (widget)->cancellable);

  GTK_WIDGET_CLASS (portier_progress_page_parent_class)->unroot (widget);
}

static void
portier_progress_page_dispose (GObject *object)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_PROGRESS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->plan);
  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_progress_page_parent_class)->dispose (object);
}

static void
portier_progress_page_finalize (GObject *object)
{
  PortierProgressPage *self = PORTIER_PROGRESS_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (portier_progress_page_parent_class)->finalize (object);
}

static void
portier_progress_page_class_init (PortierProgressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_progress_page_constructed;
  object_class->get_property = portier_progress_page_get_property;
  object_class->set_property = portier_progress_page_set_property;
  object_class->dispose = portier_progress_page_dispose;
  widget_class->unroot = portier_progress_page_unroot;
  object_class->finalize = portier_progress_page_finalize;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIX] =
    g_param_spec_enum ("fix", NULL, NULL, PORTIER_TYPE_FIX_ACTION, PORTIER_FIX_NONE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Without one, the page opens nothing: it shows what it is told. */
  properties[PROP_OPENER] =
    g_param_spec_object ("opener", NULL, NULL, PORTIER_TYPE_OPENER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierProgressPage::finished:
   * @results: (element-type PortierOpenResult): one for each port opened; when one
   *   failed, it is the last, and the ports before it were closed again
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  /**
   * PortierProgressPage::stopped:
   * @error: why: cancelled, or the password prompt was closed
   *
   * Nothing was left open.
   */
  signals[SIGNAL_STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierProgressPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, PortierProgressPage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, PortierProgressPage, cancel_button);
  gtk_widget_class_install_action (widget_class, "progress.cancel", NULL, cancel_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_progress_page_init (PortierProgressPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_STEPS; i++)
    {
      StepView *view = &self->steps[i];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      view->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (view->row), step_title (i));
      adw_action_row_set_subtitle_lines (view->row, 0);

      view->icon = GTK_IMAGE (g_object_new (GTK_TYPE_IMAGE,
                                            "accessible-role",
                                            GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                            NULL));
      view->spinner = GTK_SPINNER (gtk_spinner_new ());
      gtk_widget_set_size_request (box, 16, 16);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->icon));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (view->spinner));
      adw_action_row_add_prefix (view->row, box);
      adw_preferences_group_add (self->steps_group, GTK_WIDGET (view->row));
    }
}
