/* portier-firewall.c: this computer's firewall, seen from the user's side
 *
 * Three ways to let a port in, chosen once when the object is made, each in its own file
 * behind the small interface of portier-firewall-private.h:
 *
 * - portier-helper, when its name is owned or activatable on the system bus
 *   (portier-firewall-helper.c);
 * - firewalld's own D-Bus API, when there is no helper but firewalld runs: a Flatpak
 *   cannot install a system helper (portier-firewall-firewalld.c);
 * - otherwise nothing can be changed from here, and portier_firewall_manual_command()
 *   gives the exact command for the person to run (portier-firewall-manual.c).
 *
 * This file chooses the way, and does what is the same for every way: "both" protocols
 * as tcp then udp (taking tcp back when udp fails), and one answer for both. It is the
 * top of the firewall's files: the ways are below it, and below them the ways'
 * interface and the values they share (portier-firewall-way.c).
 *
 * Errors carry PORTIER_ERROR codes whatever the way; the helper's arrive with their code
 * over D-Bus. The raw messages of other programs go to the debug log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include "portier-error.h"
#include "portier-firewall-private.h"

#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"
#define DBUS_NAME "org.freedesktop.DBus"
#define DBUS_PATH "/org/freedesktop/DBus"

struct _PortierFirewall
{
  GObject              parent_instance;

  GDBusConnection     *bus;
  PortierFirewallWay  *way;
  PortierFirewallWay  *firewalld;   /* for closing firewalld's rules in another way */
  PortierFirewallMode  mode;
};

G_DEFINE_FINAL_TYPE (PortierFirewall, portier_firewall, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------------------- */
/* Construction: which way                                                             */

typedef struct
{
  gboolean helper_activatable;
} NewData;

static void
portier_firewall_finalize (GObject *object)
{
  PortierFirewall *self = PORTIER_FIREWALL (object);

  g_clear_object (&self->way);
  g_clear_object (&self->firewalld);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (portier_firewall_parent_class)->finalize (object);
}

static void
portier_firewall_class_init (PortierFirewallClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_firewall_finalize;

  /* The helper's errors arrive with their code only when the domain is registered. */
  (void) portier_error_quark ();
}

static void
portier_firewall_init (PortierFirewall *self)
{
  self->mode = PORTIER_FIREWALL_MODE_MANUAL;
}

/**
 * portier_firewall_new_for_way:
 * @way: what does the work
 *
 * Returns: (transfer full): a firewall that hands every call to @way
 */
PortierFirewall *
portier_firewall_new_for_way (PortierFirewallMode  mode,
                              PortierFirewallWay  *way)
{
  PortierFirewall *self;

  g_return_val_if_fail (PORTIER_IS_FIREWALL_WAY (way), NULL);

  self = g_object_new (PORTIER_TYPE_FIREWALL, NULL);
  self->mode = mode;
  self->way = g_object_ref (way);
  return self;
}

/* Takes @way and answers @task with the firewall. */
static void
use_way (GTask               *task,
         PortierFirewallMode  mode,
         PortierFirewallWay  *way)
{
  PortierFirewall *self = g_task_get_source_object (task);

  self->mode = mode;
  g_clear_object (&self->way);
  self->way = way;
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
helper_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  PortierFirewallWay *helper = portier_firewall_helper_new_finish (result, &error);

  if (helper == NULL)
    {
      g_debug ("No proxy for the helper: %s", error->message);
      use_way (task, PORTIER_FIREWALL_MODE_MANUAL, portier_firewall_manual_new ());
      return;
    }
  use_way (task, PORTIER_FIREWALL_MODE_HELPER, helper);
}

static void
firewalld_owner_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierFirewall *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (self->bus, result, &error);
  gboolean running = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &running);
  else
    g_debug ("NameHasOwner: %s", error->message);

  if (running)
    use_way (task, PORTIER_FIREWALL_MODE_FIREWALLD, portier_firewall_firewalld_new (self->bus));
  else
    use_way (task, PORTIER_FIREWALL_MODE_MANUAL, portier_firewall_manual_new ());
}

static void
helper_owner_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PortierFirewall *self = g_task_get_source_object (task);
  NewData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (self->bus, result, &error);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);

  if (owned || data->helper_activatable)
    {
      portier_firewall_helper_new_async (self->bus, cancellable, helper_cb,
                                         g_steal_pointer (&task));
      return;
    }

  g_dbus_connection_call (self->bus, DBUS_NAME, DBUS_PATH, DBUS_NAME, "NameHasOwner",
                          g_variant_new ("(s)", FIREWALLD_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          firewalld_owner_cb, g_steal_pointer (&task));
}

static void
activatable_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PortierFirewall *self = g_task_get_source_object (task);
  NewData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (self->bus, result, &error);

  if (reply != NULL)
    {
      g_autofree const char **names = NULL;

      g_variant_get (reply, "(^a&s)", &names);
      data->helper_activatable = g_strv_contains (names, HELPER_BUS_NAME);
    }
  else
    g_debug ("ListActivatableNames: %s", error->message);

  g_dbus_connection_call (self->bus, DBUS_NAME, DBUS_PATH, DBUS_NAME, "NameHasOwner",
                          g_variant_new ("(s)", HELPER_BUS_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          helper_owner_cb, g_steal_pointer (&task));
}

/* Which way, on @task's firewall's bus: the helper, firewalld, or by hand. */
static void
choose_way (GTask *task)
{
  PortierFirewall *self = g_task_get_source_object (task);

  g_dbus_connection_call (self->bus, DBUS_NAME, DBUS_PATH, DBUS_NAME, "ListActivatableNames",
                          NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), activatable_cb, task);
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierFirewall *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->bus = g_bus_get_finish (result, &error);
  if (self->bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("No system bus: %s", error->message);
      use_way (task, PORTIER_FIREWALL_MODE_MANUAL, portier_firewall_manual_new ());
      return;
    }

  choose_way (g_steal_pointer (&task));
}

static GTask *
new_task (GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(PortierFirewall) self = g_object_new (PORTIER_TYPE_FIREWALL, NULL);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_firewall_new_async);
  g_task_set_task_data (task, g_new0 (NewData, 1), g_free);
  return task;
}

/**
 * portier_firewall_new_async:
 *
 * Finds the way to change this computer's firewall: the helper, firewalld, or by hand.
 */
void
portier_firewall_new_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = new_task (cancellable, callback, user_data);

  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, bus_cb, task);
}

/**
 * portier_firewall_new_for_bus_async:
 * @bus: the bus to find the helper or firewalld on
 *
 * As portier_firewall_new_async(), on @bus instead of the system bus. Finish with
 * portier_firewall_new_finish().
 */
void
portier_firewall_new_for_bus_async (GDBusConnection     *bus,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = new_task (cancellable, callback, user_data);
  PortierFirewall *self = g_task_get_source_object (task);

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));
  self->bus = g_object_ref (bus);
  choose_way (task);
}

PortierFirewall *
portier_firewall_new_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == portier_firewall_new_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

PortierFirewallMode
portier_firewall_get_mode (PortierFirewall *self)
{
  g_return_val_if_fail (PORTIER_IS_FIREWALL (self), PORTIER_FIREWALL_MODE_MANUAL);
  return self->mode;
}

const char *
portier_firewall_mode_to_string (PortierFirewallMode mode)
{
  switch (mode)
    {
    case PORTIER_FIREWALL_MODE_HELPER:
      return "helper";
    case PORTIER_FIREWALL_MODE_FIREWALLD:
      return "firewalld";
    case PORTIER_FIREWALL_MODE_MANUAL:
    default:
      return "manual";
    }
}

/* ---------------------------------------------------------------------------------- */
/* Opening: tcp, udp or both                                                           */

typedef struct
{
  PortierPortSpec        spec;
  char                  *label;
  guint                  timeout;
  PortierFirewallFlags   flags;
  PortierFirewallResult *tcp;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->label);
  g_clear_pointer (&data->tcp, portier_firewall_result_free);
  g_free (data);
}

static void
open_one (GTask               *task,
          PortierProtocol      protocol,
          GAsyncReadyCallback  callback)
{
  PortierFirewall *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  PortierPortSpec one = { .first = data->spec.first, .last = data->spec.last,
                          .protocol = protocol };

  portier_firewall_way_open_async (self->way, &one, data->label, data->timeout, data->flags,
                                   g_task_get_cancellable (task), callback, task);
}

static void
rollback_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!portier_firewall_close_finish (PORTIER_FIREWALL (source), result, &error))
    g_warning ("Could not take back a rule: %s", error->message);
}

static void
open_udp_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierFirewall *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) udp = NULL;
  g_autoptr(GStrvBuilder) ids = NULL;
  PortierFirewallResult *both;

  udp = portier_firewall_way_open_finish (PORTIER_FIREWALL_WAY (source), result, &error);
  if (udp == NULL)
    {
      /* Nothing half-open: take back what tcp opened. */
      for (guint i = 0; data->tcp->rule_ids[i] != NULL; i++)
        portier_firewall_close_async (self, data->tcp->rule_ids[i], PORTIER_FIREWALL_FLAGS_NONE,
                                      NULL, rollback_cb, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  both = g_steal_pointer (&data->tcp);
  ids = g_strv_builder_new ();
  g_strv_builder_addv (ids, (const char **) both->rule_ids);
  g_strv_builder_addv (ids, (const char **) udp->rule_ids);
  g_strfreev (both->rule_ids);
  both->rule_ids = g_strv_builder_end (ids);
  if (g_str_equal (udp->status, "opened") || g_str_equal (both->status, "opened"))
    {
      g_free (both->status);
      both->status = g_strdup ("opened");
    }
  g_task_return_pointer (task, both, (GDestroyNotify) portier_firewall_result_free);
}

static void
open_tcp_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->tcp = portier_firewall_way_open_finish (PORTIER_FIREWALL_WAY (source), result, &error);
  if (data->tcp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if ((data->spec.protocol & PORTIER_PROTOCOL_UDP) == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->tcp),
                             (GDestroyNotify) portier_firewall_result_free);
      return;
    }

  open_one (g_steal_pointer (&task), PORTIER_PROTOCOL_UDP, open_udp_cb);
}

/**
 * portier_firewall_open_async:
 * @spec: the ports; "both" opens tcp and udp, and takes back tcp when udp fails
 * @label: a short name for the rule (an app's name); letters, digits, spaces, ._-:()+,
 * @timeout: seconds until the rule closes by itself, or 0
 *
 * Lets the ports in through this computer's firewall.
 */
void
portier_firewall_open_async (PortierFirewall       *self,
                             const PortierPortSpec *spec,
                             const char            *label,
                             guint                  timeout,
                             PortierFirewallFlags   flags,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (PORTIER_IS_FIREWALL (self));
  g_return_if_fail (spec != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_firewall_open_async);
  data = g_new0 (OpenData, 1);
  data->spec = *spec;
  data->label = g_strdup (label != NULL ? label : "");
  data->timeout = timeout;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  if ((spec->protocol & PORTIER_PROTOCOL_TCP) != 0)
    open_one (g_steal_pointer (&task), PORTIER_PROTOCOL_TCP, open_tcp_cb);
  else
    {
      data->tcp = g_new0 (PortierFirewallResult, 1);
      data->tcp->status = g_strdup ("not-needed");
      data->tcp->rule_ids = g_new0 (char *, 1);
      open_one (g_steal_pointer (&task), PORTIER_PROTOCOL_UDP, open_udp_cb);
    }
}

/**
 * portier_firewall_open_finish:
 *
 * Returns: (transfer full): what was done
 */
PortierFirewallResult *
portier_firewall_open_finish (PortierFirewall  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == portier_firewall_open_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

  if (!portier_firewall_way_close_finish (PORTIER_FIREWALL_WAY (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * portier_firewall_close_async:
 * @rule_id: an id from portier_firewall_open_finish() or the list of rules
 *
 * Removes the rule. Rules made outside Portier cannot be named, so they stay. A rule
 * made through firewalld directly is closed there whichever way is used now.
 */
void
portier_firewall_close_async (PortierFirewall      *self,
                              const char           *rule_id,
                              PortierFirewallFlags  flags,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  PortierFirewallWay *way;

  g_return_if_fail (PORTIER_IS_FIREWALL (self));
  g_return_if_fail (rule_id != NULL);

  way = self->way;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_firewall_close_async);

  if (portier_firewall_firewalld_owns_id (rule_id) &&
      self->mode != PORTIER_FIREWALL_MODE_FIREWALLD)
    {
      if (self->bus == NULL)
        {
          g_task_return_error (task,
                               portier_firewall_error_new (PORTIER_ERROR_FIREWALL_UNAVAILABLE));
          return;
        }
      if (self->firewalld == NULL)
        self->firewalld = portier_firewall_firewalld_new (self->bus);
      way = self->firewalld;
    }

  portier_firewall_way_close_async (way, rule_id, flags, cancellable, close_cb,
                                    g_steal_pointer (&task));
}

gboolean
portier_firewall_close_finish (PortierFirewall  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* Listing                                                                             */

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *rules = portier_firewall_way_list_rules_finish (PORTIER_FIREWALL_WAY (source),
                                                             result, &error);

  if (rules == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, rules, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * portier_firewall_list_rules_async:
 *
 * The rules the helper made and holds. Without the helper there is no record here: the
 * list is empty (Portier's ledger knows what it opened).
 */
void
portier_firewall_list_rules_async (PortierFirewall     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PORTIER_IS_FIREWALL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_firewall_list_rules_async);
  portier_firewall_way_list_rules_async (self->way, cancellable, list_cb,
                                         g_steal_pointer (&task));
}

/**
 * portier_firewall_list_rules_finish:
 *
 * Returns: (transfer full) (element-type PortierFirewallRule): the rules
 */
GPtrArray *
portier_firewall_list_rules_finish (PortierFirewall  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* Querying: tcp, udp or both                                                          */

typedef struct
{
  PortierPortSpec       spec;
  PortierFirewallQuery *tcp;
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_clear_pointer (&data->tcp, portier_firewall_query_free);
  g_free (data);
}

static void query_one (GTask *task, PortierProtocol protocol);

static void
query_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QueryData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;

  query = portier_firewall_way_query_finish (PORTIER_FIREWALL_WAY (source), result, &error);
  if (query == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->tcp == NULL && data->spec.protocol == PORTIER_PROTOCOL_BOTH)
    {
      data->tcp = g_steal_pointer (&query);
      query_one (g_steal_pointer (&task), PORTIER_PROTOCOL_UDP);
      return;
    }

  /* both: open only when both are; blocked when either is */
  if (data->tcp != NULL && !g_str_equal (data->tcp->status, query->status))
    {
      gboolean blocked = g_str_equal (data->tcp->status, "blocked") ||
                         g_str_equal (query->status, "blocked");

      g_free (query->status);
      query->status = g_strdup (blocked ? "blocked" : "unknown");
    }
  g_task_return_pointer (task, g_steal_pointer (&query),
                         (GDestroyNotify) portier_firewall_query_free);
}

static void
query_one (GTask           *task,
           PortierProtocol  protocol)
{
  PortierFirewall *self = g_task_get_source_object (task);
  QueryData *data = g_task_get_task_data (task);
  PortierPortSpec one = { .first = data->spec.first, .last = data->spec.last,
                          .protocol = protocol };

  portier_firewall_way_query_async (self->way, &one, g_task_get_cancellable (task), query_cb,
                                    task);
}

/**
 * portier_firewall_query_async:
 *
 * Whether this computer's firewall lets the ports in. Only the helper can read every
 * firewall; without it the answer is "unknown".
 */
void
portier_firewall_query_async (PortierFirewall       *self,
                              const PortierPortSpec *spec,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (PORTIER_IS_FIREWALL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_firewall_query_async);
  data = g_new0 (QueryData, 1);
  data->spec = *spec;
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);

  query_one (g_steal_pointer (&task),
             spec->protocol == PORTIER_PROTOCOL_UDP ? PORTIER_PROTOCOL_UDP
                                                    : PORTIER_PROTOCOL_TCP);
}

/**
 * portier_firewall_query_finish:
 *
 * Returns: (transfer full): the answer
 */
PortierFirewallQuery *
portier_firewall_query_finish (PortierFirewall  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
