/* portier-firewall-helper.c: the firewall through portier-helper
 *
 * The helper checks with polkit, changes whatever firewall the computer uses, and keeps
 * a record of the rules it made (so closing works from that record alone). Every call
 * goes through the proxy generated from the helper's interface XML. The helper's errors
 * arrive with their PORTIER_ERROR code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include "portier-firewall-private.h"
#include "portier-helper1-generated.h"

struct _PortierFirewallHelper
{
  GObject             parent_instance;

  PortierDBusHelper1 *proxy;
};

static void portier_firewall_helper_way_init (PortierFirewallWayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierFirewallHelper, portier_firewall_helper, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_FIREWALL_WAY,
                                                      portier_firewall_helper_way_init))

static void
return_dbus_error (GTask  *task,
                   GError *error)
{
  g_task_return_error (task, portier_firewall_error_from_dbus (error));
}

static gboolean
is_interactive (PortierFirewallFlags flags)
{
  return (flags & PORTIER_FIREWALL_FLAGS_INTERACTIVE) != 0;
}

/* ---------------------------------------------------------------------------------- */
/* Opening                                                                             */

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *rule_id = NULL;
  g_autoptr(GVariant) info = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  const char *text;

  if (!portier_dbus_helper1_call_open_port_finish (PORTIER_DBUS_HELPER1 (source), &rule_id,
                                                   &info, result, &error))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }

  opened = g_new0 (PortierFirewallResult, 1);
  opened->status = g_strdup (g_variant_lookup (info, "status", "&s", &text) ? text : "opened");
  opened->backend = g_strdup (g_variant_lookup (info, "backend", "&s", &text) ? text : "");
  opened->zone = g_strdup (g_variant_lookup (info, "zone", "&s", &text) ? text : "");
  if (rule_id[0] != '\0')
    {
      const char *ids[] = { rule_id, NULL };

      opened->rule_ids = g_strdupv ((char **) ids);
    }
  else
    opened->rule_ids = g_new0 (char *, 1);

  g_task_return_pointer (task, g_steal_pointer (&opened),
                         (GDestroyNotify) portier_firewall_result_free);
}

/* A rule that is neither timed nor permanent lasts while this process's connection to
 * the system bus does: the helper closes it when the connection goes. GLib drops the
 * shared connection when its last user lets go, so it is kept for the process's life. */
static GDBusConnection *while_running_bus;

static void
helper_open_async (PortierFirewallWay    *way,
                   const PortierPortSpec *spec,
                   const char            *label,
                   guint                  timeout,
                   PortierFirewallFlags   flags,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  PortierFirewallHelper *self = PORTIER_FIREWALL_HELPER (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, helper_open_async);
  if (timeout == 0 && (flags & PORTIER_FIREWALL_FLAGS_PERMANENT) == 0 &&
      while_running_bus == NULL)
    while_running_bus = g_object_ref (g_dbus_proxy_get_connection (G_DBUS_PROXY (self->proxy)));
  /* The helper picks the zone (""): the interface toward the gateway, else the default. */
  portier_dbus_helper1_call_open_port (self->proxy, spec->first, spec->last,
                                       portier_protocol_to_string (spec->protocol), "",
                                       timeout,
                                       (flags & PORTIER_FIREWALL_FLAGS_PERMANENT) != 0,
                                       label, is_interactive (flags),
                                       portier_firewall_call_flags (flags),
                                       PORTIER_FIREWALL_NO_TIMEOUT, cancellable, open_cb,
                                       g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* Closing                                                                             */

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_dbus_helper1_call_close_port_finish (PORTIER_DBUS_HELPER1 (source), result,
                                                    &error))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
helper_close_async (PortierFirewallWay   *way,
                    const char           *rule_id,
                    PortierFirewallFlags  flags,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  PortierFirewallHelper *self = PORTIER_FIREWALL_HELPER (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, helper_close_async);
  portier_dbus_helper1_call_close_port (self->proxy, rule_id, is_interactive (flags),
                                        portier_firewall_call_flags (flags),
                                        PORTIER_FIREWALL_NO_TIMEOUT, cancellable, close_cb,
                                        g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* Listing                                                                             */

/* One entry of ListRules, or NULL when it lacks what a rule needs. */
static PortierFirewallRule *
rule_from_variant (GVariant *entry)
{
  g_autoptr(PortierFirewallRule) rule = g_new0 (PortierFirewallRule, 1);
  const char *text = NULL;
  guint16 first = 0, last = 0;

  if (!g_variant_lookup (entry, "id", "s", &rule->id) ||
      !g_variant_lookup (entry, "first", "q", &first) ||
      !g_variant_lookup (entry, "last", "q", &last) ||
      !g_variant_lookup (entry, "protocol", "&s", &text) ||
      !portier_protocol_from_string (text, &rule->spec.protocol))
    return NULL;
  rule->spec.first = first;
  rule->spec.last = last;
  if (!g_variant_lookup (entry, "backend", "s", &rule->backend))
    rule->backend = g_strdup ("");
  if (!g_variant_lookup (entry, "zone", "s", &rule->zone))
    rule->zone = g_strdup ("");
  if (!g_variant_lookup (entry, "label", "s", &rule->label))
    rule->label = g_strdup ("");
  g_variant_lookup (entry, "permanent", "b", &rule->permanent);
  g_variant_lookup (entry, "created", "x", &rule->created);
  g_variant_lookup (entry, "expires", "x", &rule->expires);
  g_variant_lookup (entry, "uid", "u", &rule->uid);
  return g_steal_pointer (&rule);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rules = NULL;
  g_autoptr(GPtrArray) list = portier_firewall_rules_new ();
  GVariantIter iter;
  GVariant *entry;

  if (!portier_dbus_helper1_call_list_rules_finish (PORTIER_DBUS_HELPER1 (source), &rules,
                                                    result, &error))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_iter_init (&iter, rules);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = entry;
      PortierFirewallRule *rule = rule_from_variant (owned);

      if (rule != NULL)
        g_ptr_array_add (list, rule);
    }

  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

static void
helper_list_rules_async (PortierFirewallWay  *way,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  PortierFirewallHelper *self = PORTIER_FIREWALL_HELPER (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, helper_list_rules_async);
  portier_dbus_helper1_call_list_rules (self->proxy, G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                                        list_cb, g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* Querying                                                                            */

static PortierFirewallQuery *
query_from_variant (GVariant *answer)
{
  PortierFirewallQuery *query = g_new0 (PortierFirewallQuery, 1);
  const char *text;

  query->status = g_strdup (g_variant_lookup (answer, "status", "&s", &text) ? text : "unknown");
  query->backend = g_strdup (g_variant_lookup (answer, "backend", "&s", &text) ? text : "");
  query->zone = g_strdup (g_variant_lookup (answer, "zone", "&s", &text) ? text : "");
  g_variant_lookup (answer, "panic-mode", "b", &query->panic_mode);
  if (g_variant_lookup (answer, "rule-id", "&s", &text))
    query->rule_id = g_strdup (text);
  return query;
}

static void
query_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) answer = NULL;

  if (!portier_dbus_helper1_call_query_port_finish (PORTIER_DBUS_HELPER1 (source), &answer,
                                                    result, &error))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, query_from_variant (answer),
                         (GDestroyNotify) portier_firewall_query_free);
}

static void
helper_query_async (PortierFirewallWay    *way,
                    const PortierPortSpec *spec,
                    GCancellable          *cancellable,
                    GAsyncReadyCallback    callback,
                    gpointer               user_data)
{
  PortierFirewallHelper *self = PORTIER_FIREWALL_HELPER (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, helper_query_async);
  portier_dbus_helper1_call_query_port (self->proxy, spec->first, spec->last,
                                        portier_protocol_to_string (spec->protocol),
                                        G_DBUS_CALL_FLAGS_NONE, -1, cancellable, query_cb,
                                        g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* The object                                                                          */

static void
portier_firewall_helper_finalize (GObject *object)
{
  PortierFirewallHelper *self = PORTIER_FIREWALL_HELPER (object);

  g_clear_object (&self->proxy);
  G_OBJECT_CLASS (portier_firewall_helper_parent_class)->finalize (object);
}

static void
portier_firewall_helper_class_init (PortierFirewallHelperClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_firewall_helper_finalize;
}

static void
portier_firewall_helper_init (PortierFirewallHelper *self)
{
}

static void
portier_firewall_helper_way_init (PortierFirewallWayInterface *iface)
{
  iface->open_async = helper_open_async;
  iface->close_async = helper_close_async;
  iface->list_rules_async = helper_list_rules_async;
  iface->query_async = helper_query_async;
}

static void
proxy_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierDBusHelper1) proxy = portier_dbus_helper1_proxy_new_finish (result, &error);
  PortierFirewallHelper *self;

  if (proxy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_object_new (PORTIER_TYPE_FIREWALL_HELPER, NULL);
  self->proxy = g_steal_pointer (&proxy);
  g_task_return_pointer (task, self, g_object_unref);
}

/**
 * portier_firewall_helper_new_async:
 * @bus: the bus the helper is on (the system bus)
 *
 * The way through portier-helper. Fails only when no proxy can be made; whether the
 * helper answers shows at the first call.
 */
void
portier_firewall_helper_new_async (GDBusConnection     *bus,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_firewall_helper_new_async);
  portier_dbus_helper1_proxy_new (bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                  HELPER_BUS_NAME, HELPER_OBJECT_PATH, cancellable, proxy_cb,
                                  g_steal_pointer (&task));
}

PortierFirewallWay *
portier_firewall_helper_new_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_firewall_helper_new_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
