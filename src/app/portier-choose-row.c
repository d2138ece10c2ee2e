/* portier-choose-row.c: one app or program on the choose page, and the plan it leads to
 *
 * A row with a plan can be activated; one without only says something (that nothing is
 * running, that the search goes on).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-choose-page"

#include "config.h"

#include "portier-choose-row.h"

struct _PortierChooseRow
{
  AdwActionRow  parent_instance;

  PortierPlan  *plan;
  char         *icon_name;

  GtkImage     *icon;
  GtkImage     *arrow;
};

G_DEFINE_FINAL_TYPE (PortierChooseRow, portier_choose_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * portier_choose_row_new:
 * @subtitle: (nullable)
 * @icon_name: (nullable)
 * @plan: (nullable): what choosing the row opens; %NULL for a row that only says
 *   something
 */
GtkWidget *
portier_choose_row_new (const char  *title,
                        const char  *subtitle,
                        const char  *icon_name,
                        PortierPlan *plan)
{
  return g_object_new (PORTIER_TYPE_CHOOSE_ROW, "title", title, "subtitle", subtitle,
                       "icon-name", icon_name, "plan", plan, NULL);
}

/**
 * portier_choose_row_get_plan:
 *
 * Returns: (transfer none) (nullable): what choosing the row opens
 */
PortierPlan *
portier_choose_row_get_plan (PortierChooseRow *self)
{
  g_return_val_if_fail (PORTIER_IS_CHOOSE_ROW (self), NULL);
  return self->plan;
}

static void
portier_choose_row_constructed (GObject *object)
{
  PortierChooseRow *self = PORTIER_CHOOSE_ROW (object);

  G_OBJECT_CLASS (portier_choose_row_parent_class)->constructed (object);

  /* What the row does not need takes no room. */
  if (self->icon_name != NULL)
    gtk_image_set_from_icon_name (self->icon, self->icon_name);
  else
    adw_action_row_remove (ADW_ACTION_ROW (self), GTK_WIDGET (self->icon));

  if (self->plan != NULL)
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
  else
    adw_action_row_remove (ADW_ACTION_ROW (self), GTK_WIDGET (self->arrow));
}

static void
portier_choose_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PortierChooseRow *self = PORTIER_CHOOSE_ROW (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_choose_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PortierChooseRow *self = PORTIER_CHOOSE_ROW (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    case PROP_ICON_NAME:
      self->icon_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_choose_row_dispose (GObject *object)
{
  PortierChooseRow *self = PORTIER_CHOOSE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_CHOOSE_ROW);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->icon_name, g_free);

  G_OBJECT_CLASS (portier_choose_row_parent_class)->dispose (object);
}

static void
portier_choose_row_class_init (PortierChooseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = portier_choose_row_constructed;
  object_class->get_property = portier_choose_row_get_property;
  object_class->set_property = portier_choose_row_set_property;
  object_class->dispose = portier_choose_row_dispose;

  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, PORTIER_TYPE_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-choose-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierChooseRow, icon);
  gtk_widget_class_bind_template_child (widget_class, PortierChooseRow, arrow);
}

static void
portier_choose_row_init (PortierChooseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
