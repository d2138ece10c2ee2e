/* portier-details-page.c: the ports an app needs, what they are for, how risky they are,
 * and how long to keep them open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-details-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-details-page.h"
#include "portier-enums.h"
#include "portier-text.h"

struct _PortierDetailsPage
{
  GtkWidget             parent_instance;

  PortierPlan          *plan;
  PortierDuration       duration;
  guint                 hours;
  PortierRisk           risk;

  GtkImage             *app_icon;
  GtkLabel             *title_label;
  GtkLabel             *summary_label;
  AdwExpanderRow       *technical_row;
  AdwPreferencesGroup  *risk_group;
  AdwActionRow         *risk_row;
  GtkImage             *risk_icon;
  AdwActionRow         *confirm_row;
  GtkCheckButton       *confirm_check;
  GtkCheckButton       *while_running_check;
  GtkCheckButton       *hours_check;
  GtkSpinButton        *hours_spin;
  GtkLabel             *hours_unit_label;
  GtkCheckButton       *until_closed_check;
  AdwActionRow         *until_closed_row;
  GtkButton            *continue_button;
};

G_DEFINE_FINAL_TYPE (PortierDetailsPage, portier_details_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PLAN,
  PROP_DURATION,
  PROP_HOURS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
info_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
update_continue (PortierDetailsPage *self)
{
  gboolean allowed = self->risk < PORTIER_RISK_HIGH ||
                     gtk_check_button_get_active (self->confirm_check);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.continue", allowed);
}

static void
update_hours (PortierDetailsPage *self)
{
  guint hours = (guint) gtk_spin_button_get_value_as_int (self->hours_spin);

  gtk_widget_set_sensitive (GTK_WIDGET (self->hours_spin),
                            gtk_check_button_get_active (self->hours_check));
  /* TRANSLATORS: the unit after the number of hours, as in "4 hours" */
  gtk_label_set_text (self->hours_unit_label, ngettext ("hour", "hours", hours));
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PortierDetailsPage *self = PORTIER_DETAILS_PAGE (widget);
  PortierDuration duration = PORTIER_DURATION_WHILE_RUNNING;

  if (gtk_check_button_get_active (self->hours_check))
    duration = PORTIER_DURATION_UNTIL;
  else if (gtk_check_button_get_active (self->until_closed_check))
    duration = PORTIER_DURATION_UNTIL_CLOSED;

  portier_plan_set_duration (self->plan, duration,
                             (guint) gtk_spin_button_get_value_as_int (self->hours_spin));
  g_signal_emit (self, signals[SIGNAL_CONFIRMED], 0);
}

static void
show_plan (PortierDetailsPage *self)
{
  PortierApp *app = portier_plan_get_app (self->plan);
  GArray *ports = portier_plan_get_ports (self->plan);
  GArray *lan_only = portier_plan_get_lan_only (self->plan);
  PortierProtocol protocols = portier_plan_get_protocols (self->plan);
  const char *reason = NULL;
  g_autofree char *summary = NULL;

  gtk_image_set_from_icon_name (self->app_icon,
                                portier_text_kind_icon (app != NULL
                                                          ? portier_app_get_category (app)
                                                          : NULL));
  gtk_label_set_text (self->title_label, portier_plan_get_title (self->plan));
  summary = g_strdup_printf (
    /* TRANSLATORS: the one-line summary on the details page; %s is the app's name */
    _("Your friends will be able to connect from the internet to %s on this computer, "
      "for as long as you choose below."), portier_plan_get_title (self->plan));
  gtk_label_set_text (self->summary_label, summary);

  /* The technical facts, folded away: the ports, how the apps connect, and what stays
   * closed. */
  for (guint i = 0; i < ports->len; i++)
    {
      const PortierAppPort *port = &g_array_index (ports, PortierAppPort, i);
      g_autofree char *described = portier_port_spec_describe (&port->spec);
      g_autofree char *title = portier_text_capitalize (described);

      adw_expander_row_add_row (self->technical_row, info_row (title, port->purpose));
    }

  if (protocols & PORTIER_PROTOCOL_TCP)
    adw_expander_row_add_row (
      self->technical_row,
      info_row (_("TCP"),
                /* TRANSLATORS: what a TCP connection is, in one line for beginners */
                _("A steady two-way connection, like a phone call. Most apps use it.")));
  if (protocols & PORTIER_PROTOCOL_UDP)
    adw_expander_row_add_row (
      self->technical_row,
      info_row (_("UDP"),
                /* TRANSLATORS: what UDP is, in one line for beginners */
                _("Quick separate messages, like postcards. Fast games and voice chat use it.")));
  if (ports->len > 0)
    {
      const PortierAppPort *first = &g_array_index (ports, PortierAppPort, 0);

      adw_expander_row_add_row (
        self->technical_row,
        /* TRANSLATORS: the row about the number range a port belongs to */
        info_row (_("Port number"),
                  portier_port_class_explain (portier_port_spec_get_class (&first->spec))));
    }

  for (guint i = 0; i < lan_only->len; i++)
    {
      const PortierAppPort *port = &g_array_index (lan_only, PortierAppPort, i);
      g_autofree char *described = portier_port_spec_describe (&port->spec);
      g_autofree char *title = NULL;

      /* TRANSLATORS: a port of the app that Portier leaves closed; %s is "port 4445 (UDP)" */
      title = g_strdup_printf (_("Stays closed: %s"), described);
      adw_expander_row_add_row (
        self->technical_row,
        info_row (title, _("Only for your home network. Portier never opens it to the "
                           "internet.")));
    }

  self->risk = portier_plan_get_risk (self->plan, &reason);
  gtk_widget_set_visible (GTK_WIDGET (self->risk_group), self->risk > PORTIER_RISK_LOW);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_row), self->risk == PORTIER_RISK_HIGH);
  if (self->risk == PORTIER_RISK_HIGH)
    {
      g_autofree char *warning = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->risk_row),
                                     _("Strangers will try to get in through this port"));
      warning = g_strdup_printf ("%s%s%s", reason != NULL ? reason : "",
                                 reason != NULL ? " " : "",
                                 /* TRANSLATORS: the advice under a high-risk port */
                                 _("Only do this if it is protected by a strong password, "
                                   "and keep it open for as short a time as you can."));
      adw_action_row_set_subtitle (self->risk_row, warning);
      gtk_widget_add_css_class (GTK_WIDGET (self->risk_row), "risk-high");
      gtk_widget_remove_css_class (GTK_WIDGET (self->risk_icon), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->risk_icon), "error");
      /* Open for some hours, whatever was chosen last time: it closes by itself. */
      gtk_check_button_set_active (self->hours_check, TRUE);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->risk_row),
                                     _("Anyone on the internet will be able to reach this"));
      adw_action_row_set_subtitle (self->risk_row, reason != NULL ? reason : "");
    }
  update_continue (self);
}

/**
 * portier_details_page_new:
 * @duration: how long, as the person chose last time
 * @hours: for %PORTIER_DURATION_UNTIL
 */
GtkWidget *
portier_details_page_new (PortierPlan     *plan,
                          PortierDuration  duration,
                          guint            hours)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (plan), NULL);

  return g_object_new (PORTIER_TYPE_DETAILS_PAGE, "plan", plan, "duration", duration,
                       "hours", hours, NULL);
}

static void
portier_details_page_constructed (GObject *object)
{
  PortierDetailsPage *self = PORTIER_DETAILS_PAGE (object);

  G_OBJECT_CLASS (portier_details_page_parent_class)->constructed (object);

  g_return_if_fail (PORTIER_IS_PLAN (self->plan));
  if (self->hours > 0)
    gtk_spin_button_set_value (self->hours_spin, self->hours);
  switch (self->duration)
    {
    case PORTIER_DURATION_UNTIL:
      gtk_check_button_set_active (self->hours_check, TRUE);
      break;
    case PORTIER_DURATION_UNTIL_CLOSED:
      gtk_check_button_set_active (self->until_closed_check, TRUE);
      break;
    case PORTIER_DURATION_WHILE_RUNNING:
    default:
      gtk_check_button_set_active (self->while_running_check, TRUE);
      break;
    }
  update_hours (self);

  show_plan (self);
}

static void
portier_details_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PortierDetailsPage *self = PORTIER_DETAILS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_DURATION:
      g_value_set_enum (value, self->duration);
      break;
    case PROP_HOURS:
      g_value_set_uint (value, self->hours);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_details_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PortierDetailsPage *self = PORTIER_DETAILS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_DURATION:
      self->duration = g_value_get_enum (value);
      break;
    case PROP_HOURS:
      self->hours = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/**
 * portier_details_page_get_plan:
 *
 * Returns: (transfer none): the plan, with the duration chosen on this page
 */
PortierPlan *
portier_details_page_get_plan (PortierDetailsPage *self)
{
  g_return_val_if_fail (PORTIER_IS_DETAILS_PAGE (self), NULL);
  return self->plan;
}

static void
portier_details_page_dispose (GObject *object)
{
  PortierDetailsPage *self = PORTIER_DETAILS_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_DETAILS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->plan);

  G_OBJECT_CLASS (portier_details_page_parent_class)->dispose (object);
}

static void
portier_details_page_class_init (PortierDetailsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_details_page_constructed;
  object_class->get_property = portier_details_page_get_property;
  object_class->set_property = portier_details_page_set_property;
  object_class->dispose = portier_details_page_dispose;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* What the page offers first: the person's choice of last time. */
  properties[PROP_DURATION] =
    g_param_spec_enum ("duration", NULL, NULL, PORTIER_TYPE_DURATION,
                       PORTIER_DURATION_WHILE_RUNNING,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOURS] =
    g_param_spec_uint ("hours", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PortierDetailsPage::confirmed:
   *
   * The person wants to go on; the plan has their choice of duration.
   */
  signals[SIGNAL_CONFIRMED] = g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-details-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, app_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, technical_row);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, risk_group);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, risk_row);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, confirm_check);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, while_running_check);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, hours_check);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, hours_spin);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, hours_unit_label);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, risk_icon);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, until_closed_check);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, until_closed_row);
  gtk_widget_class_bind_template_child (widget_class, PortierDetailsPage, continue_button);
  gtk_widget_class_install_action (widget_class, "details.continue", NULL, continue_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_details_page_init (PortierDetailsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->confirm_check, "notify::active",
                           G_CALLBACK (update_continue), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hours_check, "notify::active",
                           G_CALLBACK (update_hours), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hours_spin, "value-changed",
                           G_CALLBACK (update_hours), self, G_CONNECT_SWAPPED);
}
