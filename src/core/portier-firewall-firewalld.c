/* portier-firewall-firewalld.c: the firewall through firewalld's own D-Bus API
 *
 * When there is no helper but firewalld runs (a Flatpak cannot install a system helper),
 * Portier asks firewalld directly and firewalld asks polkit itself. Only runtime rules:
 * rule ids name the zone, ports and protocol ("firewalld:ZONE:RANGE:PROTOCOL"), and only
 * the ports that were not open yet are added, so closing removes nothing the user had.
 *
 * firewalld reports its errors as org.fedoraproject.FirewallD1.Exception, the message
 * starting with a code word ("PANIC_MODE", "NOT_ENABLED: ..."); polkit's refusal as
 * org.fedoraproject.FirewallD1.NotAuthorizedException. Both are matched by name and
 * code word, never by searching the text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include <string.h>

#include "portier-firewall-private.h"
#include "portier-network.h"

#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_INTERFACE "org.fedoraproject.FirewallD1"
#define FIREWALLD_ZONE_INTERFACE "org.fedoraproject.FirewallD1.zone"
#define FIREWALLD_ERROR_PREFIX "org.fedoraproject.FirewallD1."
#define FIREWALLD_EXCEPTION "org.fedoraproject.FirewallD1.Exception"
#define FIREWALLD_NOT_AUTHORIZED "org.fedoraproject.FirewallD1.NotAuthorizedException"
/* firewalld before 0.9 refused through python-slip; the action id follows the name. */
#define SLIP_NOT_AUTHORIZED "org.fedoraproject.slip.dbus.service.PolKit.NotAuthorizedException"
#define FIREWALLD_ID_PREFIX "firewalld:"

struct _PortierFirewallFirewalld
{
  GObject          parent_instance;

  GDBusConnection *bus;
};

static void portier_firewall_firewalld_way_init (PortierFirewallWayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierFirewallFirewalld, portier_firewall_firewalld,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_FIREWALL_WAY,
                                                      portier_firewall_firewalld_way_init))

/* ---------------------------------------------------------------------------------- */
/* Errors                                                                              */

/* firewalld's code word of an org.fedoraproject.FirewallD1.Exception ("PANIC_MODE" of
 * "PANIC_MODE" or "NOT_ENABLED" of "NOT_ENABLED: '80:tcp' not in 'public'"), or NULL for
 * any other error. */
static char *
firewalld_error_code (const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autoptr(GError) stripped = NULL;
  const char *colon;

  if (g_strcmp0 (remote, FIREWALLD_EXCEPTION) != 0)
    return NULL;

  stripped = g_error_copy (error);
  g_dbus_error_strip_remote_error (stripped);
  colon = strchr (stripped->message, ':');
  return colon != NULL ? g_strndup (stripped->message, colon - stripped->message)
                       : g_strdup (stripped->message);
}

static gboolean
firewalld_error_is (const GError *error,
                    const char   *code)
{
  g_autofree char *found = firewalld_error_code (error);

  return g_strcmp0 (found, code) == 0;
}

/* Turns what firewalld (or the bus) answered into a PORTIER_ERROR. */
static GError *
convert_error (GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  PortierError code;

  if (remote == NULL)
    return portier_firewall_error_from_dbus (error);

  if (g_str_equal (remote, FIREWALLD_NOT_AUTHORIZED) ||
      g_str_equal (remote, SLIP_NOT_AUTHORIZED) ||
      g_str_has_prefix (remote, SLIP_NOT_AUTHORIZED "."))
    code = PORTIER_ERROR_NOT_AUTHORIZED;
  else if (firewalld_error_is (error, "PANIC_MODE"))
    code = PORTIER_ERROR_FIREWALL_PANIC_MODE;
  else if (g_str_has_prefix (remote, FIREWALLD_ERROR_PREFIX))
    code = PORTIER_ERROR_FIREWALL_FAILED;
  else
    return portier_firewall_error_from_dbus (error);

  g_debug ("%s", error->message);
  g_error_free (error);
  return portier_firewall_error_new (code);
}

static void
return_dbus_error (GTask  *task,
                   GError *error)
{
  g_task_return_error (task, convert_error (error));
}

/* ---------------------------------------------------------------------------------- */
/* Opening: zone → panic mode → what is open → add the rest                            */

typedef struct
{
  guint16               first;
  guint16               last;
  PortierProtocol       protocol;   /* one of tcp, udp */
  guint                 timeout;
  PortierFirewallFlags  flags;

  char                 *zone;
  GStrv                 todo;       /* ranges still to add */
  guint                 next;
  GStrvBuilder         *added;
  gboolean              by_target;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->zone);
  g_strfreev (data->todo);
  g_clear_pointer (&data->added, g_strv_builder_unref);
  g_free (data);
}

static void add_next (GTask *task);

/* One read-only step of opening: a call to firewalld that passes @task on to @callback. */
static void
open_step (GTask               *task,
           const char          *interface,
           const char          *method,
           GVariant            *parameters,
           const char          *reply_type,
           GAsyncReadyCallback  callback)
{
  PortierFirewallFirewalld *self = g_task_get_source_object (task);

  g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH, interface, method,
                          parameters, G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), callback, task);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL)
    {
      PortierFirewallFirewalld *self = g_task_get_source_object (task);
      g_auto(GStrv) added = g_strv_builder_end (data->added);
      const char *protocol = portier_protocol_to_string (data->protocol);

      /* take back what was added before the failure */
      for (guint i = 0; added[i] != NULL; i++)
        g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH,
                                FIREWALLD_ZONE_INTERFACE, "removePort",
                                g_variant_new ("(sss)", data->zone, added[i], protocol), NULL,
                                G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }

  g_strv_builder_add (data->added, data->todo[data->next]);
  data->next++;
  add_next (g_steal_pointer (&task));
}

static void
add_next (GTask *task)
{
  PortierFirewallFirewalld *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_auto(GStrv) added = NULL;
  g_autoptr(GStrvBuilder) ids = NULL;
  const char *protocol = portier_protocol_to_string (data->protocol);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (data->todo[data->next] != NULL)
    {
      g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH,
                              FIREWALLD_ZONE_INTERFACE, "addPort",
                              g_variant_new ("(sssi)", data->zone, data->todo[data->next],
                                             protocol, (gint32) MIN (data->timeout, G_MAXINT32)),
                              G_VARIANT_TYPE ("(s)"), portier_firewall_call_flags (data->flags),
                              PORTIER_FIREWALL_NO_TIMEOUT, g_task_get_cancellable (task),
                              added_cb, task);
      return;
    }

  added = g_strv_builder_end (data->added);
  ids = g_strv_builder_new ();
  for (guint i = 0; added[i] != NULL; i++)
    {
      g_autofree char *id = g_strdup_printf (FIREWALLD_ID_PREFIX "%s:%s:%s", data->zone, added[i],
                                             protocol);
      g_strv_builder_add (ids, id);
    }

  opened = g_new0 (PortierFirewallResult, 1);
  opened->backend = g_strdup ("firewalld");
  opened->zone = g_strdup (data->zone);
  opened->rule_ids = g_strv_builder_end (ids);
  if (added[0] != NULL)
    opened->status = g_strdup ("opened");
  else
    opened->status = g_strdup (data->by_target ? "not-needed" : "already-open");
  g_task_return_pointer (task, g_steal_pointer (&opened),
                         (GDestroyNotify) portier_firewall_result_free);
  g_object_unref (task);
}

static void
settings_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) ports = NULL;
  g_autofree gboolean *covered = NULL;
  g_autoptr(GStrvBuilder) todo = g_strv_builder_new ();
  const char *protocol = portier_protocol_to_string (data->protocol);
  const char *target;
  guint count = data->last - data->first + 1;

  if (reply == NULL)
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }

  covered = g_new0 (gboolean, count);
  settings = g_variant_get_child_value (reply, 0);
  if (g_variant_lookup (settings, "target", "&s", &target) && g_str_equal (target, "ACCEPT"))
    {
      data->by_target = TRUE;
      for (guint p = 0; p < count; p++)
        covered[p] = TRUE;
    }

  ports = g_variant_lookup_value (settings, "ports", G_VARIANT_TYPE ("a(ss)"));
  if (ports != NULL)
    {
      GVariantIter iter;
      const char *port, *proto;

      g_variant_iter_init (&iter, ports);
      while (g_variant_iter_next (&iter, "(&s&s)", &port, &proto))
        {
          g_autoptr(PortierPortSpec) spec = NULL;

          if (!g_str_equal (proto, protocol))
            continue;
          spec = portier_port_spec_parse (port, NULL);
          if (spec == NULL)
            continue;
          for (guint p = MAX (spec->first, data->first); p <= MIN (spec->last, data->last); p++)
            covered[p - data->first] = TRUE;
        }
    }

  /* Only the ports that are not open yet are added — and later removed. */
  for (guint p = 0; p < count; p++)
    {
      guint start = p;
      g_autofree char *range = NULL;

      if (covered[p])
        continue;
      while (p + 1 < count && !covered[p + 1])
        p++;
      range = portier_firewall_format_range (data->first + start, data->first + p);
      g_strv_builder_add (todo, range);
    }

  data->todo = g_strv_builder_end (todo);
  data->added = g_strv_builder_new ();
  add_next (g_steal_pointer (&task));
}

static void
panic_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  gboolean panic = FALSE;

  if (reply == NULL)
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(b)", &panic);
  if (panic)
    {
      g_task_return_error (task, portier_firewall_error_new (PORTIER_ERROR_FIREWALL_PANIC_MODE));
      return;
    }

  open_step (g_steal_pointer (&task), FIREWALLD_ZONE_INTERFACE, "getZoneSettings2",
             g_variant_new ("(s)", data->zone), "(a{sv})", settings_cb);
}

static void
zone_ready (GTask *task)
{
  open_step (task, FIREWALLD_INTERFACE, "queryPanicMode", NULL, "(b)", panic_cb);
}

static void
default_zone_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL)
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(s)", &data->zone);
  zone_ready (g_steal_pointer (&task));
}

static void
get_default_zone (GTask *task)
{
  open_step (task, FIREWALLD_INTERFACE, "getDefaultZone", NULL, "(s)", default_zone_cb);
}

static void
interface_zone_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply != NULL)
    {
      g_variant_get (reply, "(s)", &data->zone);
      if (data->zone[0] != '\0')
        {
          zone_ready (g_steal_pointer (&task));
          return;
        }
      g_clear_pointer (&data->zone, g_free);
    }
  else
    g_debug ("getZoneOfInterface: %s", error->message);

  get_default_zone (g_steal_pointer (&task));
}

/* The interface of the default route, from /proc/net/route. */
static char *
default_route_interface (void)
{
  g_autofree char *route = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;

  if (!g_file_get_contents ("/proc/net/route", &route, NULL, NULL))
    return NULL;
  portier_network_parse_route (route, &interface, &gateway);
  return g_steal_pointer (&interface);
}

static void
firewalld_open_async (PortierFirewallWay    *way,
                      const PortierPortSpec *spec,
                      const char            *label,
                      guint                  timeout,
                      PortierFirewallFlags   flags,
                      GCancellable          *cancellable,
                      GAsyncReadyCallback    callback,
                      gpointer               user_data)
{
  PortierFirewallFirewalld *self = PORTIER_FIREWALL_FIREWALLD (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);
  g_autofree char *interface = NULL;

  g_task_set_source_tag (task, firewalld_open_async);
  data->first = spec->first;
  data->last = spec->last;
  data->protocol = spec->protocol;
  data->timeout = timeout;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  /* Runtime rules only: a permanent one would outlive the record that removes it. */
  if ((flags & PORTIER_FIREWALL_FLAGS_PERMANENT) != 0)
    {
      g_task_return_error (task, portier_firewall_error_new (PORTIER_ERROR_NOT_SUPPORTED));
      return;
    }

  interface = default_route_interface ();
  if (interface != NULL)
    open_step (g_steal_pointer (&task), FIREWALLD_ZONE_INTERFACE, "getZoneOfInterface",
               g_variant_new ("(s)", interface), "(s)", interface_zone_cb);
  else
    get_default_zone (g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* Closing                                                                             */

/* "firewalld:ZONE:RANGE:PROTOCOL", as firewalld_open_async hands out */
static gboolean
parse_id (const char  *rule_id,
          char       **zone,
          char       **range,
          char       **protocol)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(PortierPortSpec) spec = NULL;

  if (!g_str_has_prefix (rule_id, FIREWALLD_ID_PREFIX))
    return FALSE;
  parts = g_strsplit (rule_id + strlen (FIREWALLD_ID_PREFIX), ":", -1);
  if (g_strv_length (parts) != 3 || parts[0][0] == '\0' ||
      (!g_str_equal (parts[2], "tcp") && !g_str_equal (parts[2], "udp")))
    return FALSE;
  spec = portier_port_spec_parse (parts[1], NULL);
  if (spec == NULL)
    return FALSE;

  if (zone != NULL)
    *zone = g_strdup (parts[0]);
  if (range != NULL)
    *range = g_strdup (parts[1]);
  if (protocol != NULL)
    *protocol = g_strdup (parts[2]);
  return TRUE;
}

/**
 * portier_firewall_firewalld_owns_id:
 *
 * Whether @rule_id is one this way handed out. Such a rule is closed through firewalld
 * whichever way the firewall uses now.
 */
gboolean
portier_firewall_firewalld_owns_id (const char *rule_id)
{
  return parse_id (rule_id, NULL, NULL, NULL);
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  /* already closed is closed */
  if (reply == NULL && !firewalld_error_is (error, "NOT_ENABLED"))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
firewalld_close_async (PortierFirewallWay   *way,
                       const char           *rule_id,
                       PortierFirewallFlags  flags,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  PortierFirewallFirewalld *self = PORTIER_FIREWALL_FIREWALLD (way);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *zone = NULL;
  g_autofree char *range = NULL;
  g_autofree char *protocol = NULL;

  g_task_set_source_tag (task, firewalld_close_async);
  if (!parse_id (rule_id, &zone, &range, &protocol))
    {
      g_task_return_error (task, portier_firewall_error_new (PORTIER_ERROR_NOT_FOUND));
      return;
    }

  g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH,
                          FIREWALLD_ZONE_INTERFACE, "removePort",
                          g_variant_new ("(sss)", zone, range, protocol),
                          G_VARIANT_TYPE ("(s)"), portier_firewall_call_flags (flags),
                          PORTIER_FIREWALL_NO_TIMEOUT, cancellable, close_cb,
                          g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------------------- */
/* Listing and querying: firewalld keeps no record of Portier's rules (the ledger      */
/* does), and what it lets in is not read here                                         */

static void
firewalld_list_rules_async (PortierFirewallWay  *way,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, firewalld_list_rules_async);
  g_task_return_pointer (task, portier_firewall_rules_new (), (GDestroyNotify) g_ptr_array_unref);
}

static void
firewalld_query_async (PortierFirewallWay    *way,
                       const PortierPortSpec *spec,
                       GCancellable          *cancellable,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (way, cancellable, callback, user_data);

  g_task_set_source_tag (task, firewalld_query_async);
  g_task_return_pointer (task, portier_firewall_query_new_unknown ("firewalld"),
                         (GDestroyNotify) portier_firewall_query_free);
}

/* ---------------------------------------------------------------------------------- */
/* The object                                                                          */

static void
portier_firewall_firewalld_finalize (GObject *object)
{
  PortierFirewallFirewalld *self = PORTIER_FIREWALL_FIREWALLD (object);

  g_clear_object (&self->bus);
  G_OBJECT_CLASS (portier_firewall_firewalld_parent_class)->finalize (object);
}

static void
portier_firewall_firewalld_class_init (PortierFirewallFirewalldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_firewall_firewalld_finalize;
}

static void
portier_firewall_firewalld_init (PortierFirewallFirewalld *self)
{
}

static void
portier_firewall_firewalld_way_init (PortierFirewallWayInterface *iface)
{
  iface->open_async = firewalld_open_async;
  iface->close_async = firewalld_close_async;
  iface->list_rules_async = firewalld_list_rules_async;
  iface->query_async = firewalld_query_async;
}

/**
 * portier_firewall_firewalld_new:
 * @bus: the bus firewalld is on (the system bus)
 */
PortierFirewallWay *
portier_firewall_firewalld_new (GDBusConnection *bus)
{
  PortierFirewallFirewalld *self = g_object_new (PORTIER_TYPE_FIREWALL_FIREWALLD, NULL);

  self->bus = g_object_ref (bus);
  return PORTIER_FIREWALL_WAY (self);
}
