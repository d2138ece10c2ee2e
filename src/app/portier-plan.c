/* portier-plan.c: what the person chose in the wizard, page by page
 *
 * The app and its ports (or one port typed by hand), and how long to keep them open.
 * Pages read it to show the choice in plain words; the open transaction is made from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-plan"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-plan.h"

struct _PortierPlan
{
  GObject          parent_instance;

  PortierApp      *app;
  char            *title;
  GArray          *ports;     /* of PortierAppPort */
  GArray          *lan_only;  /* of PortierAppPort */
  PortierDuration  duration;
  guint            hours;
};

G_DEFINE_FINAL_TYPE (PortierPlan, portier_plan, G_TYPE_OBJECT)

static void
clear_app_port (gpointer data)
{
  PortierAppPort *port = data;

  g_clear_pointer (&port->purpose, g_free);
}

static GArray *
new_port_array (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (PortierAppPort));

  g_array_set_clear_func (array, clear_app_port);
  return array;
}

static void
copy_ports (GArray *to,
            GArray *from)
{
  for (guint i = 0; i < from->len; i++)
    {
      const PortierAppPort *port = &g_array_index (from, PortierAppPort, i);
      PortierAppPort copy = { port->spec, g_strdup (port->purpose) };

      g_array_append_val (to, copy);
    }
}

static void
portier_plan_finalize (GObject *object)
{
  PortierPlan *self = PORTIER_PLAN (object);

  g_clear_object (&self->app);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->ports, g_array_unref);
  g_clear_pointer (&self->lan_only, g_array_unref);

  G_OBJECT_CLASS (portier_plan_parent_class)->finalize (object);
}

static void
portier_plan_class_init (PortierPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_plan_finalize;
}

static void
portier_plan_init (PortierPlan *self)
{
  self->ports = new_port_array ();
  self->lan_only = new_port_array ();
  self->duration = PORTIER_DURATION_WHILE_RUNNING;
  self->hours = 4;
}

PortierPlan *
portier_plan_new_for_app (PortierApp *app)
{
  PortierPlan *self;

  g_return_val_if_fail (PORTIER_IS_APP (app), NULL);

  self = g_object_new (PORTIER_TYPE_PLAN, NULL);
  self->app = g_object_ref (app);
  self->title = g_strdup (portier_app_get_name (app));
  copy_ports (self->ports, portier_app_get_ports (app));
  copy_ports (self->lan_only, portier_app_get_lan_only (app));
  return self;
}

/**
 * portier_plan_new_for_port:
 * @label: (nullable): the program's name, when known
 * @purpose: (nullable): what the port is for, in words
 */
PortierPlan *
portier_plan_new_for_port (const PortierPortSpec *spec,
                           const char            *label,
                           const char            *purpose)
{
  PortierPlan *self;
  PortierAppPort port;

  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (PORTIER_TYPE_PLAN, NULL);
  if (label != NULL && label[0] != '\0')
    {
      self->title = g_strdup (label);
    }
  else
    {
      g_autofree char *described = portier_port_spec_describe (spec);

      /* TRANSLATORS: the title of a port typed by hand; %s is e.g. "port 25565 (TCP)" */
      self->title = g_strdup_printf (_("Your app on %s"), described);
    }

  port.spec = *spec;
  port.purpose = g_strdup (purpose != NULL ? purpose : _("Connections to your app"));
  g_array_append_val (self->ports, port);
  return self;
}

/**
 * portier_plan_new_for_fix:
 * @plan: (nullable): what the person wanted to open, if anything
 * @spec: the port the troubleshooter looked at
 * @duration: how long, when @plan does not say
 *
 * What a troubleshooter's fix opens: @plan itself when @spec is its only port, else that
 * port alone, for @duration.
 *
 * Returns: (transfer full): the plan of the fix
 */
PortierPlan *
portier_plan_new_for_fix (PortierPlan           *plan,
                          const PortierPortSpec *spec,
                          PortierDuration        duration,
                          guint                  hours)
{
  PortierPlan *fix;

  g_return_val_if_fail (spec != NULL, NULL);

  if (plan != NULL && portier_plan_get_ports (plan)->len == 1)
    return g_object_ref (plan);

  fix = portier_plan_new_for_port (spec, plan != NULL ? portier_plan_get_title (plan) : NULL,
                                   NULL);
  portier_plan_set_duration (fix, duration, hours);
  return fix;
}

/**
 * portier_plan_get_app:
 *
 * Returns: (transfer none) (nullable): the catalog app, if one was chosen
 */
PortierApp *
portier_plan_get_app (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), NULL);
  return self->app;
}

const char *
portier_plan_get_title (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), NULL);
  return self->title;
}

/**
 * portier_plan_get_ports:
 *
 * Returns: (transfer none) (element-type PortierAppPort): the ports to open
 */
GArray *
portier_plan_get_ports (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), NULL);
  return self->ports;
}

/**
 * portier_plan_get_lan_only:
 *
 * Returns: (transfer none) (element-type PortierAppPort): ports that stay closed
 */
GArray *
portier_plan_get_lan_only (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), NULL);
  return self->lan_only;
}

/**
 * portier_plan_describe_ports:
 *
 * Returns: (transfer full): "port 25565 (TCP)", or a list for several ports
 */
char *
portier_plan_describe_ports (PortierPlan *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (PORTIER_IS_PLAN (self), NULL);

  for (guint i = 0; i < self->ports->len; i++)
    {
      const PortierAppPort *port = &g_array_index (self->ports, PortierAppPort, i);
      g_autofree char *described = portier_port_spec_describe (&port->spec);

      if (i > 0 && i == self->ports->len - 1)
        /* TRANSLATORS: between the last two items of a list of ports */
        g_string_append (text, _(" and "));
      else if (i > 0)
        /* TRANSLATORS: between items of a list of ports */
        g_string_append (text, _(", "));
      g_string_append (text, described);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * portier_plan_get_risk:
 * @reason: (out) (optional) (transfer none): why, in words; %NULL when nothing is known
 *
 * The highest of the app's own risk and the risk of each of its ports.
 */
PortierRisk
portier_plan_get_risk (PortierPlan  *self,
                       const char  **reason)
{
  PortierRisk worst = PORTIER_RISK_LOW;
  const char *worst_reason = NULL;

  g_return_val_if_fail (PORTIER_IS_PLAN (self), PORTIER_RISK_LOW);

  for (guint i = 0; i < self->ports->len; i++)
    {
      const PortierAppPort *port = &g_array_index (self->ports, PortierAppPort, i);
      const char *port_reason = NULL;
      PortierRisk risk = portier_port_spec_get_risk (&port->spec, &port_reason);

      if (risk > worst || (risk == worst && worst_reason == NULL))
        {
          worst = risk;
          worst_reason = port_reason;
        }
    }

  if (self->app != NULL && portier_app_get_risk (self->app) > worst)
    {
      worst = portier_app_get_risk (self->app);
      worst_reason = portier_app_get_note (self->app);
    }

  if (reason != NULL)
    *reason = worst > PORTIER_RISK_LOW ? worst_reason : NULL;
  return worst;
}

PortierProtocol
portier_plan_get_protocols (PortierPlan *self)
{
  PortierProtocol protocols = 0;

  g_return_val_if_fail (PORTIER_IS_PLAN (self), 0);

  for (guint i = 0; i < self->ports->len; i++)
    protocols |= g_array_index (self->ports, PortierAppPort, i).spec.protocol;
  return protocols;
}

PortierDuration
portier_plan_get_duration (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), PORTIER_DURATION_WHILE_RUNNING);
  return self->duration;
}

guint
portier_plan_get_hours (PortierPlan *self)
{
  g_return_val_if_fail (PORTIER_IS_PLAN (self), 0);
  return self->hours;
}

void
portier_plan_set_duration (PortierPlan     *self,
                           PortierDuration  duration,
                           guint            hours)
{
  g_return_if_fail (PORTIER_IS_PLAN (self));

  self->duration = duration;
  if (hours > 0)
    self->hours = hours;
}
