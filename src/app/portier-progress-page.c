/* portier-progress-page.c: each step of the opening, live, as it happens; stoppable
 *
 * The page shows what PortierOpener::step-changed says, step by step. Stopping cancels the
 * page's cancellable, which the open transaction runs with; the opener then undoes what
 * it did. Leaving the page stops it too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-progress-page"

#include "config.h"

#include <glib/gi18n.h>

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
  GCancellable        *cancellable;
  StepView             steps[N_STEPS];

  GtkLabel            *title_label;
  AdwPreferencesGroup *steps_group;
  GtkButton           *cancel_button;
};

G_DEFINE_FINAL_TYPE (PortierProgressPage, portier_progress_page, GTK_TYPE_WIDGET)

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
  g_autofree char *described = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (PORTIER_IS_PROGRESS_PAGE (self));

  ports = portier_plan_get_ports (self->plan);
  g_return_if_fail (index < ports->len);

  described = portier_port_spec_describe (&g_array_index (ports, PortierAppPort, index).spec);
  if (ports->len > 1)
    /* TRANSLATORS: "Opening port 19132 (UDP), 1 of 2…" */
    title = g_strdup_printf (_("Opening %s, %u of %u…"), described, index + 1, ports->len);
  else
    /* TRANSLATORS: "Opening port 25565 (TCP)…" */
    title = g_strdup_printf (_("Opening %s…"), described);
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
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
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

GtkWidget *
portier_progress_page_new (PortierPlan *plan)
{
  PortierProgressPage *self;

  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);

  self = g_object_new (PORTIER_TYPE_PROGRESS_PAGE, NULL);
  self->plan = g_object_ref (plan);
  portier_progress_page_begin_port (self, 0);
  return GTK_WIDGET (self);
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

  object_class->dispose = portier_progress_page_dispose;
  widget_class->unroot = portier_progress_page_unroot;
  object_class->finalize = portier_progress_page_finalize;

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
