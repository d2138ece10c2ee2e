/* portier-firewall-way.c: the ways' interface, and what they share
 *
 * The interface every way of changing the firewall implements (declared in
 * portier-firewall-private.h), the boxed values they answer with, and the helpers they
 * share: PORTIER_ERROR sentences, errors from D-Bus, call flags, port ranges. It is the
 * bottom of the firewall's files and calls none of them: the ways
 * (portier-firewall-helper.c, -firewalld.c, -manual.c) call it, and PortierFirewall
 * (portier-firewall.c) calls them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include "portier-error.h"
#include "portier-firewall-private.h"

/* ---------------------------------------------------------------------------------- */
/* Boxed results                                                                       */

G_DEFINE_BOXED_TYPE (PortierFirewallResult, portier_firewall_result,
                     portier_firewall_result_copy, portier_firewall_result_free)
G_DEFINE_BOXED_TYPE (PortierFirewallRule, portier_firewall_rule,
                     portier_firewall_rule_copy, portier_firewall_rule_free)
G_DEFINE_BOXED_TYPE (PortierFirewallQuery, portier_firewall_query,
                     portier_firewall_query_copy, portier_firewall_query_free)

PortierFirewallResult *
portier_firewall_result_copy (const PortierFirewallResult *self)
{
  PortierFirewallResult *copy = g_new0 (PortierFirewallResult, 1);

  copy->status = g_strdup (self->status);
  copy->backend = g_strdup (self->backend);
  copy->zone = g_strdup (self->zone);
  copy->rule_ids = g_strdupv (self->rule_ids);
  return copy;
}

void
portier_firewall_result_free (PortierFirewallResult *self)
{
  if (self == NULL)
    return;
  g_free (self->status);
  g_free (self->backend);
  g_free (self->zone);
  g_strfreev (self->rule_ids);
  g_free (self);
}

PortierFirewallRule *
portier_firewall_rule_copy (const PortierFirewallRule *self)
{
  PortierFirewallRule *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->backend = g_strdup (self->backend);
  copy->zone = g_strdup (self->zone);
  copy->label = g_strdup (self->label);
  return copy;
}

void
portier_firewall_rule_free (PortierFirewallRule *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->backend);
  g_free (self->zone);
  g_free (self->label);
  g_free (self);
}

PortierFirewallQuery *
portier_firewall_query_copy (const PortierFirewallQuery *self)
{
  PortierFirewallQuery *copy = g_memdup2 (self, sizeof *self);

  copy->status = g_strdup (self->status);
  copy->backend = g_strdup (self->backend);
  copy->zone = g_strdup (self->zone);
  copy->rule_id = g_strdup (self->rule_id);
  return copy;
}

void
portier_firewall_query_free (PortierFirewallQuery *self)
{
  if (self == NULL)
    return;
  g_free (self->status);
  g_free (self->backend);
  g_free (self->zone);
  g_free (self->rule_id);
  g_free (self);
}

/* ---------------------------------------------------------------------------------- */
/* What the ways share                                                                 */

/* A PORTIER_ERROR with the usual sentence for @code. */
GError *
portier_firewall_error_new (PortierError code)
{
  return g_error_new_literal (PORTIER_ERROR, code, portier_error_describe (code));
}

/**
 * portier_firewall_error_from_dbus:
 * @error: (transfer full): what came back over D-Bus
 *
 * Returns: (transfer full): a PORTIER_ERROR for what the bus said (the helper's errors
 *   keep their code; cancelling stays G_IO_ERROR_CANCELLED). The raw text goes to the
 *   debug log.
 */
GError *
portier_firewall_error_from_dbus (GError *error)
{
  PortierError code;

  g_debug ("%s", error->message);

  if (error->domain == PORTIER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_dbus_error_strip_remote_error (error);
      return error;
    }

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    code = PORTIER_ERROR_NOT_AUTHORIZED;
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    code = PORTIER_ERROR_FIREWALL_UNAVAILABLE;
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
           g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = PORTIER_ERROR_TIMED_OUT;
  else
    code = PORTIER_ERROR_FAILED;

  g_error_free (error);
  return portier_firewall_error_new (code);
}

GDBusCallFlags
portier_firewall_call_flags (PortierFirewallFlags flags)
{
  return (flags & PORTIER_FIREWALL_FLAGS_INTERACTIVE) != 0
         ? G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
         : G_DBUS_CALL_FLAGS_NONE;
}

/* "8080" or "8000-8010", as firewalld and nft write a range */
char *
portier_firewall_format_range (guint first,
                               guint last)
{
  if (first == last)
    return g_strdup_printf ("%u", first);
  return g_strdup_printf ("%u-%u", first, last);
}

/**
 * portier_firewall_result_get_status:
 *
 * Returns: what opening did, from the word the way answered
 */
PortierFirewallStatus
portier_firewall_result_get_status (const PortierFirewallResult *self)
{
  g_return_val_if_fail (self != NULL, PORTIER_FIREWALL_STATUS_NONE);

  if (g_strcmp0 (self->status, "already-open") == 0)
    return PORTIER_FIREWALL_STATUS_ALREADY_OPEN;
  if (g_strcmp0 (self->status, "not-needed") == 0)
    return PORTIER_FIREWALL_STATUS_NOT_NEEDED;
  return PORTIER_FIREWALL_STATUS_OPENED;
}

/**
 * portier_firewall_query_get_state:
 *
 * Returns: whether the firewall lets the port in, from the word the way answered
 */
PortierFirewallState
portier_firewall_query_get_state (const PortierFirewallQuery *self)
{
  g_return_val_if_fail (self != NULL, PORTIER_FIREWALL_STATE_UNKNOWN);

  if (g_strcmp0 (self->status, "open") == 0)
    return PORTIER_FIREWALL_STATE_OPEN;
  if (g_strcmp0 (self->status, "blocked") == 0)
    return PORTIER_FIREWALL_STATE_BLOCKED;
  return PORTIER_FIREWALL_STATE_UNKNOWN;
}

/* An empty list of PortierFirewallRule. */
GPtrArray *
portier_firewall_rules_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) portier_firewall_rule_free);
}

/* What a way that cannot read the firewall answers: "unknown". */
PortierFirewallQuery *
portier_firewall_query_new_unknown (const char *backend)
{
  PortierFirewallQuery *query = g_new0 (PortierFirewallQuery, 1);

  query->status = g_strdup ("unknown");
  query->backend = g_strdup (backend);
  query->zone = g_strdup ("");
  return query;
}

/* ---------------------------------------------------------------------------------- */
/* The interface                                                                       */

G_DEFINE_INTERFACE (PortierFirewallWay, portier_firewall_way, G_TYPE_OBJECT)

static void
portier_firewall_way_default_init (PortierFirewallWayInterface *iface)
{
}

void
portier_firewall_way_open_async (PortierFirewallWay    *self,
                                 const PortierPortSpec *spec,
                                 const char            *label,
                                 guint                  timeout,
                                 PortierFirewallFlags   flags,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_return_if_fail (spec->protocol == PORTIER_PROTOCOL_TCP ||
                    spec->protocol == PORTIER_PROTOCOL_UDP);
  PORTIER_FIREWALL_WAY_GET_IFACE (self)->open_async (self, spec, label, timeout, flags,
                                                     cancellable, callback, user_data);
}

PortierFirewallResult *
portier_firewall_way_open_finish (PortierFirewallWay  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
portier_firewall_way_close_async (PortierFirewallWay   *self,
                                  const char           *rule_id,
                                  PortierFirewallFlags  flags,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  PORTIER_FIREWALL_WAY_GET_IFACE (self)->close_async (self, rule_id, flags, cancellable,
                                                      callback, user_data);
}

gboolean
portier_firewall_way_close_finish (PortierFirewallWay  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
portier_firewall_way_list_rules_async (PortierFirewallWay  *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PORTIER_FIREWALL_WAY_GET_IFACE (self)->list_rules_async (self, cancellable, callback,
                                                           user_data);
}

GPtrArray *
portier_firewall_way_list_rules_finish (PortierFirewallWay  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
portier_firewall_way_query_async (PortierFirewallWay    *self,
                                  const PortierPortSpec *spec,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_return_if_fail (spec->protocol == PORTIER_PROTOCOL_TCP ||
                    spec->protocol == PORTIER_PROTOCOL_UDP);
  PORTIER_FIREWALL_WAY_GET_IFACE (self)->query_async (self, spec, cancellable, callback,
                                                      user_data);
}

PortierFirewallQuery *
portier_firewall_way_query_finish (PortierFirewallWay  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
