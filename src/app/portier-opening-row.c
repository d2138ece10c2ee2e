/* portier-opening-row.c: one opening on "Ports I opened", with its Close button
 *
 * The button activates openings.close with the opening's id; while the opening is being
 * opened or closed, a spinner stands in its place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-openings-page"

#include "config.h"

#include "portier-opening-row.h"

struct _PortierOpeningRow
{
  AdwActionRow  parent_instance;

  char         *opening_id;
  char         *close_label;
  char         *share;
  gboolean      busy;

  GtkButton    *copy_button;
  GtkButton    *test_button;
  GtkStack     *stack;
  GtkButton    *close_button;
  GtkSpinner   *spinner;
};

G_DEFINE_FINAL_TYPE (PortierOpeningRow, portier_opening_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_OPENING_ID,
  PROP_CLOSE_LABEL,
  PROP_SHARE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * portier_opening_row_new:
 * @opening_id: the opening's id in the ledger
 * @close_label: what the Close button is called for screen readers
 * @share: (nullable): the address friends use, for the Copy button
 * @busy: the opening is being opened or closed
 */
GtkWidget *
portier_opening_row_new (const char *opening_id,
                         const char *title,
                         const char *subtitle,
                         const char *close_label,
                         const char *share,
                         gboolean    busy)
{
  return g_object_new (PORTIER_TYPE_OPENING_ROW, "opening-id", opening_id, "title", title,
                       "subtitle", subtitle, "close-label", close_label, "share", share,
                       "busy", busy, NULL);
}

const char *
portier_opening_row_get_opening_id (PortierOpeningRow *self)
{
  g_return_val_if_fail (PORTIER_IS_OPENING_ROW (self), NULL);
  return self->opening_id;
}

gboolean
portier_opening_row_get_busy (PortierOpeningRow *self)
{
  g_return_val_if_fail (PORTIER_IS_OPENING_ROW (self), FALSE);
  return self->busy;
}

/**
 * portier_opening_row_set_busy:
 *
 * Shows a spinner instead of the Close button while the opening is being closed (or
 * opened).
 */
void
portier_opening_row_set_busy (PortierOpeningRow *self,
                              gboolean           busy)
{
  g_return_if_fail (PORTIER_IS_OPENING_ROW (self));

  busy = !!busy;
  gtk_stack_set_visible_child_name (self->stack, busy ? "busy" : "button");
  gtk_spinner_set_spinning (self->spinner, busy);
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
portier_opening_row_constructed (GObject *object)
{
  PortierOpeningRow *self = PORTIER_OPENING_ROW (object);

  G_OBJECT_CLASS (portier_opening_row_parent_class)->constructed (object);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->close_button), "s",
                                    self->opening_id != NULL ? self->opening_id : "");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->test_button), "s",
                                    self->opening_id != NULL ? self->opening_id : "");
  /* The address friends use, when Portier knows it. */
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), self->share != NULL);
  if (self->share != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s", self->share);
  if (self->close_label != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->close_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, self->close_label, -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->close_button), self->close_label);
    }
}

static void
portier_opening_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PortierOpeningRow *self = PORTIER_OPENING_ROW (object);

  switch (prop_id)
    {
    case PROP_OPENING_ID:
      g_value_set_string (value, self->opening_id);
      break;
    case PROP_CLOSE_LABEL:
      g_value_set_string (value, self->close_label);
      break;
    case PROP_SHARE:
      g_value_set_string (value, self->share);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_opening_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PortierOpeningRow *self = PORTIER_OPENING_ROW (object);

  switch (prop_id)
    {
    case PROP_OPENING_ID:
      self->opening_id = g_value_dup_string (value);
      break;
    case PROP_CLOSE_LABEL:
      self->close_label = g_value_dup_string (value);
      break;
    case PROP_SHARE:
      self->share = g_value_dup_string (value);
      break;
    case PROP_BUSY:
      portier_opening_row_set_busy (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_opening_row_dispose (GObject *object)
{
  PortierOpeningRow *self = PORTIER_OPENING_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_OPENING_ROW);
  g_clear_pointer (&self->opening_id, g_free);
  g_clear_pointer (&self->close_label, g_free);
  g_clear_pointer (&self->share, g_free);

  G_OBJECT_CLASS (portier_opening_row_parent_class)->dispose (object);
}

static void
portier_opening_row_class_init (PortierOpeningRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_opening_row_constructed;
  object_class->get_property = portier_opening_row_get_property;
  object_class->set_property = portier_opening_row_set_property;
  object_class->dispose = portier_opening_row_dispose;

  properties[PROP_OPENING_ID] =
    g_param_spec_string ("opening-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOSE_LABEL] =
    g_param_spec_string ("close-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE] =
    g_param_spec_string ("share", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-opening-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningRow, test_button);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningRow, stack);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningRow, close_button);
  gtk_widget_class_bind_template_child (widget_class, PortierOpeningRow, spinner);
}

static void
portier_opening_row_init (PortierOpeningRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
