/* portier-firewall.c: this computer's firewall, seen from the user's side
 *
 * Three ways to let a port in, chosen once when the object is made:
 *
 * - portier-helper, when its name is owned or activatable on the system bus: it checks
 *   with polkit, changes whatever firewall the computer uses, and keeps a record of the
 *   rules it made (so closing works from that record alone);
 * - firewalld's own D-Bus API, when there is no helper but firewalld runs (a Flatpak
 *   cannot install a system helper): firewalld asks polkit itself. Rule ids then name the
 *   zone, ports and protocol, and only the ports that were not open yet are added;
 * - otherwise nothing can be changed from here, and portier_firewall_manual_command()
 *   gives the exact command for the person to run.
 *
 * Errors carry PORTIER_ERROR codes whatever the way; the helper's arrive with their code
 * over D-Bus. The raw messages of other programs go to the debug log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-firewall"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-firewall.h"
#include "portier-helper1-generated.h"
#include "portier-network.h"

#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_INTERFACE "org.fedoraproject.FirewallD1"
#define FIREWALLD_ZONE_INTERFACE "org.fedoraproject.FirewallD1.zone"
#define FIREWALLD_ID_PREFIX "firewalld:"
#define DBUS_NAME "org.freedesktop.DBus"
#define DBUS_PATH "/org/freedesktop/DBus"
/* A password dialog can stay open for a while: no timeout on calls that may show one. */
#define NO_TIMEOUT G_MAXINT

struct _PortierFirewall
{
  GObject              parent_instance;

  GDBusConnection     *bus;
  PortierDBusHelper1  *helper;
  PortierFirewallMode  mode;
};

G_DEFINE_FINAL_TYPE (PortierFirewall, portier_firewall, G_TYPE_OBJECT)

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
/* Errors                                                                              */

/* A PORTIER_ERROR with the usual sentence for @code. */
static GError *
new_error (PortierError code)
{
  return g_error_new_literal (PORTIER_ERROR, code, portier_error_describe (code));
}

/* Turns what came back over D-Bus into a PORTIER_ERROR, keeping the raw text for the
 * debug log. */
static GError *
convert_error (GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  GError *converted;
  PortierError code;

  g_debug ("%s", error->message);

  if (error->domain == PORTIER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_dbus_error_strip_remote_error (error);
      return error;
    }

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED) ||
      (remote != NULL && strstr (remote, "NotAuthorized") != NULL))
    code = PORTIER_ERROR_NOT_AUTHORIZED;
  else if (strstr (error->message, "PANIC_MODE") != NULL)
    code = PORTIER_ERROR_FIREWALL_PANIC_MODE;
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
  else if (remote != NULL && g_str_has_prefix (remote, "org.fedoraproject.FirewallD1"))
    code = PORTIER_ERROR_FIREWALL_FAILED;
  else
    code = PORTIER_ERROR_FAILED;

  converted = new_error (code);
  g_error_free (error);
  return converted;
}

static void
return_dbus_error (GTask  *task,
                   GError *error)
{
  g_task_return_error (task, convert_error (error));
}

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

  g_clear_object (&self->helper);
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

static void
helper_proxy_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierFirewall *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->helper = portier_dbus_helper1_proxy_new_finish (result, &error);
  if (self->helper == NULL)
    {
      g_debug ("No proxy for the helper: %s", error->message);
      self->mode = PORTIER_FIREWALL_MODE_MANUAL;
    }
  else
    self->mode = PORTIER_FIREWALL_MODE_HELPER;

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
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

  self->mode = running ? PORTIER_FIREWALL_MODE_FIREWALLD : PORTIER_FIREWALL_MODE_MANUAL;
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
use_helper (GTask *task)
{
  PortierFirewall *self = g_task_get_source_object (task);

  portier_dbus_helper1_proxy_new (self->bus,
                                  G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                  HELPER_BUS_NAME, HELPER_OBJECT_PATH,
                                  g_task_get_cancellable (task), helper_proxy_cb, task);
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
      use_helper (g_steal_pointer (&task));
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

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
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
      self->mode = PORTIER_FIREWALL_MODE_MANUAL;
      g_task_return_pointer (task, g_object_ref (self), g_object_unref);
      return;
    }

  g_dbus_connection_call (self->bus, DBUS_NAME, DBUS_PATH, DBUS_NAME, "ListActivatableNames",
                          NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, activatable_cb,
                          g_steal_pointer (&task));
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
  g_autoptr(PortierFirewall) self = g_object_new (PORTIER_TYPE_FIREWALL, NULL);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_firewall_new_async);
  g_task_set_task_data (task, g_new0 (NewData, 1), g_free);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, bus_cb, g_steal_pointer (&task));
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
/* Opening one protocol                                                                */

typedef struct
{
  guint16               first;
  guint16               last;
  PortierProtocol       protocol;   /* one of tcp, udp */
  char                 *label;
  guint                 timeout;
  PortierFirewallFlags  flags;

  /* firewalld directly */
  char                 *zone;
  GStrv                 todo;       /* ranges still to add */
  guint                 next;
  GStrvBuilder         *added;
  gboolean              by_target;
} OpenOne;

static void
open_one_free (OpenOne *data)
{
  g_free (data->label);
  g_free (data->zone);
  g_strfreev (data->todo);
  g_clear_pointer (&data->added, g_strv_builder_unref);
  g_free (data);
}

static GDBusCallFlags
call_flags (PortierFirewallFlags flags)
{
  return (flags & PORTIER_FIREWALL_FLAGS_INTERACTIVE) != 0
         ? G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION
         : G_DBUS_CALL_FLAGS_NONE;
}

static char *
format_range (guint first,
              guint last)
{
  if (first == last)
    return g_strdup_printf ("%u", first);
  return g_strdup_printf ("%u-%u", first, last);
}

static void
helper_open_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  g_autoptr(GVariant) info = NULL;
  g_autoptr(PortierFirewallResult) opened = g_new0 (PortierFirewallResult, 1);
  const char *rule_id;
  const char *text;

  if (reply == NULL)
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_get (reply, "(&s@a{sv})", &rule_id, &info);
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

/* firewalld directly: zone → panic mode → what is open → add the rest */

static void firewalld_add_next (GTask *task);

static void
firewalld_added_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenOne *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL)
    {
      PortierFirewall *self = g_task_get_source_object (task);
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
  firewalld_add_next (g_steal_pointer (&task));
}

static void
firewalld_add_next (GTask *task)
{
  PortierFirewall *self = g_task_get_source_object (task);
  OpenOne *data = g_task_get_task_data (task);
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
                              G_VARIANT_TYPE ("(s)"), call_flags (data->flags), NO_TIMEOUT,
                              g_task_get_cancellable (task), firewalld_added_cb, task);
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
firewalld_settings_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenOne *data = g_task_get_task_data (task);
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
      range = format_range (data->first + start, data->first + p);
      g_strv_builder_add (todo, range);
    }

  data->todo = g_strv_builder_end (todo);
  data->added = g_strv_builder_new ();
  firewalld_add_next (g_steal_pointer (&task));
}

static void
firewalld_panic_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  OpenOne *data = g_task_get_task_data (task);
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
      g_task_return_error (task, new_error (PORTIER_ERROR_FIREWALL_PANIC_MODE));
      return;
    }

  g_dbus_connection_call (G_DBUS_CONNECTION (source), FIREWALLD_NAME, FIREWALLD_PATH,
                          FIREWALLD_ZONE_INTERFACE, "getZoneSettings2",
                          g_variant_new ("(s)", data->zone), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          firewalld_settings_cb, g_steal_pointer (&task));
}

static void
firewalld_zone_ready (GTask *task)
{
  PortierFirewall *self = g_task_get_source_object (task);

  g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH, FIREWALLD_INTERFACE,
                          "queryPanicMode", NULL, G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          firewalld_panic_cb, task);
}

static void
firewalld_default_zone_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenOne *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL)
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(s)", &data->zone);
  firewalld_zone_ready (g_steal_pointer (&task));
}

static void
firewalld_get_default_zone (GTask *task)
{
  PortierFirewall *self = g_task_get_source_object (task);

  g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH, FIREWALLD_INTERFACE,
                          "getDefaultZone", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          firewalld_default_zone_cb, task);
}

static void
firewalld_interface_zone_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenOne *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply != NULL)
    {
      g_variant_get (reply, "(s)", &data->zone);
      if (data->zone[0] != '\0')
        {
          firewalld_zone_ready (g_steal_pointer (&task));
          return;
        }
      g_clear_pointer (&data->zone, g_free);
    }
  else
    g_debug ("getZoneOfInterface: %s", error->message);

  firewalld_get_default_zone (g_steal_pointer (&task));
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

static GDBusConnection *while_running_bus;

static void
open_one_async (PortierFirewall      *self,
                guint16               first,
                guint16               last,
                PortierProtocol       protocol,
                const char           *label,
                guint                 timeout,
                PortierFirewallFlags  flags,
                GCancellable         *cancellable,
                GAsyncReadyCallback   callback,
                gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpenOne *data = g_new0 (OpenOne, 1);
  g_autofree char *interface = NULL;

  g_task_set_source_tag (task, open_one_async);
  data->first = first;
  data->last = last;
  data->protocol = protocol;
  data->label = g_strdup (label);
  data->timeout = timeout;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) open_one_free);

  switch (self->mode)
    {
    case PORTIER_FIREWALL_MODE_HELPER:
      /* A rule that is neither timed nor permanent lasts while this process's
       * connection to the system bus does: the helper closes it when the connection
       * goes. Keep the connection for as long as the process runs. */
      if (timeout == 0 && (flags & PORTIER_FIREWALL_FLAGS_PERMANENT) == 0 &&
          while_running_bus == NULL)
        while_running_bus = g_object_ref (self->bus);
      g_dbus_proxy_call (G_DBUS_PROXY (self->helper), "OpenPort",
                         g_variant_new ("(qqssubsb)", first, last,
                                        portier_protocol_to_string (protocol), "",
                                        (guint32) timeout,
                                        (flags & PORTIER_FIREWALL_FLAGS_PERMANENT) != 0,
                                        label,
                                        (flags & PORTIER_FIREWALL_FLAGS_INTERACTIVE) != 0),
                         call_flags (flags), NO_TIMEOUT, cancellable, helper_open_cb,
                         g_steal_pointer (&task));
      return;

    case PORTIER_FIREWALL_MODE_FIREWALLD:
      if ((flags & PORTIER_FIREWALL_FLAGS_PERMANENT) != 0)
        {
          g_task_return_error (task, new_error (PORTIER_ERROR_NOT_SUPPORTED));
          return;
        }
      interface = default_route_interface ();
      if (interface != NULL)
        g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH,
                                FIREWALLD_ZONE_INTERFACE, "getZoneOfInterface",
                                g_variant_new ("(s)", interface), G_VARIANT_TYPE ("(s)"),
                                G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                                firewalld_interface_zone_cb, g_steal_pointer (&task));
      else
        firewalld_get_default_zone (g_steal_pointer (&task));
      return;

    case PORTIER_FIREWALL_MODE_MANUAL:
    default:
      g_task_return_error (task, new_error (PORTIER_ERROR_FIREWALL_UNAVAILABLE));
      return;
    }
}

static PortierFirewallResult *
open_one_finish (PortierFirewall  *self,
                 GAsyncResult     *result,
                 GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
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
  PortierFirewall *self = PORTIER_FIREWALL (source);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierFirewallResult) udp = open_one_finish (self, result, &error);
  g_autoptr(GStrvBuilder) ids = NULL;
  PortierFirewallResult *both;

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
  GCancellable *cancellable = g_task_get_cancellable (task);
  PortierFirewall *self = PORTIER_FIREWALL (source);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->tcp = open_one_finish (self, result, &error);
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

  open_one_async (self, data->spec.first, data->spec.last, PORTIER_PROTOCOL_UDP, data->label,
                  data->timeout, data->flags, cancellable, open_udp_cb,
                  g_steal_pointer (&task));
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
    open_one_async (self, spec->first, spec->last, PORTIER_PROTOCOL_TCP, data->label, timeout,
                    flags, cancellable, open_tcp_cb, g_steal_pointer (&task));
  else
    {
      data->tcp = g_new0 (PortierFirewallResult, 1);
      data->tcp->status = g_strdup ("not-needed");
      data->tcp->rule_ids = g_new0 (char *, 1);
      open_one_async (self, spec->first, spec->last, PORTIER_PROTOCOL_UDP, data->label, timeout,
                      flags, cancellable, open_udp_cb, g_steal_pointer (&task));
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
  g_autoptr(GVariant) reply = NULL;

  if (G_IS_DBUS_PROXY (source))
    reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  else
    reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      /* firewalld: already closed is closed */
      if (!G_IS_DBUS_PROXY (source) && strstr (error->message, "NOT_ENABLED") != NULL)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* "firewalld:ZONE:RANGE:PROTOCOL", as firewalld mode hands out */
static gboolean
parse_firewalld_id (const char  *rule_id,
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

  *zone = g_strdup (parts[0]);
  *range = g_strdup (parts[1]);
  *protocol = g_strdup (parts[2]);
  return TRUE;
}

/**
 * portier_firewall_close_async:
 * @rule_id: an id from portier_firewall_open_finish() or the list of rules
 *
 * Removes the rule. Rules made outside Portier cannot be named, so they stay.
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
  g_autofree char *zone = NULL;
  g_autofree char *range = NULL;
  g_autofree char *protocol = NULL;

  g_return_if_fail (PORTIER_IS_FIREWALL (self));
  g_return_if_fail (rule_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_firewall_close_async);

  if (parse_firewalld_id (rule_id, &zone, &range, &protocol))
    {
      if (self->bus == NULL)
        {
          g_task_return_error (task, new_error (PORTIER_ERROR_FIREWALL_UNAVAILABLE));
          return;
        }
      g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH,
                              FIREWALLD_ZONE_INTERFACE, "removePort",
                              g_variant_new ("(sss)", zone, range, protocol),
                              G_VARIANT_TYPE ("(s)"), call_flags (flags), NO_TIMEOUT,
                              cancellable, close_cb, g_steal_pointer (&task));
      return;
    }

  if (self->mode != PORTIER_FIREWALL_MODE_HELPER)
    {
      g_task_return_error (task, new_error (PORTIER_ERROR_NOT_FOUND));
      return;
    }

  g_dbus_proxy_call (G_DBUS_PROXY (self->helper), "ClosePort",
                     g_variant_new ("(sb)", rule_id,
                                    (flags & PORTIER_FIREWALL_FLAGS_INTERACTIVE) != 0),
                     call_flags (flags), NO_TIMEOUT, cancellable, close_cb,
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
  g_autoptr(GVariant) rules = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_firewall_rule_free);
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
      g_autoptr(PortierFirewallRule) rule = g_new0 (PortierFirewallRule, 1);
      const char *text = NULL;
      guint16 first = 0, last = 0;

      if (!g_variant_lookup (owned, "id", "s", &rule->id) ||
          !g_variant_lookup (owned, "first", "q", &first) ||
          !g_variant_lookup (owned, "last", "q", &last) ||
          !g_variant_lookup (owned, "protocol", "&s", &text) ||
          !portier_protocol_from_string (text, &rule->spec.protocol))
        continue;
      rule->spec.first = first;
      rule->spec.last = last;
      if (!g_variant_lookup (owned, "backend", "s", &rule->backend))
        rule->backend = g_strdup ("");
      if (!g_variant_lookup (owned, "zone", "s", &rule->zone))
        rule->zone = g_strdup ("");
      if (!g_variant_lookup (owned, "label", "s", &rule->label))
        rule->label = g_strdup ("");
      g_variant_lookup (owned, "permanent", "b", &rule->permanent);
      g_variant_lookup (owned, "created", "x", &rule->created);
      g_variant_lookup (owned, "expires", "x", &rule->expires);
      g_variant_lookup (owned, "uid", "u", &rule->uid);
      g_ptr_array_add (list, g_steal_pointer (&rule));
    }

  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
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

  if (self->mode != PORTIER_FIREWALL_MODE_HELPER)
    {
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func (
                               (GDestroyNotify) portier_firewall_rule_free),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  portier_dbus_helper1_call_list_rules (self->helper, cancellable, list_cb,
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
/* Querying                                                                            */

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
  QueryData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) answer = NULL;
  g_autoptr(PortierFirewallQuery) query = NULL;

  if (!portier_dbus_helper1_call_query_port_finish (PORTIER_DBUS_HELPER1 (source), &answer,
                                                    result, &error))
    {
      return_dbus_error (task, g_steal_pointer (&error));
      return;
    }
  query = query_from_variant (answer);

  if (data->tcp == NULL && data->spec.protocol == PORTIER_PROTOCOL_BOTH)
    {
      data->tcp = g_steal_pointer (&query);
      query_one (g_steal_pointer (&task), PORTIER_PROTOCOL_UDP);
      return;
    }

  /* both: open only when both are; blocked when either is */
  if (data->tcp != NULL && !g_str_equal (data->tcp->status, query->status))
    {
      g_free (query->status);
      query->status = g_strdup (g_str_equal (data->tcp->status, "blocked") ||
                                g_str_equal (query->status, "blocked") ? "blocked" : "unknown");
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

  portier_dbus_helper1_call_query_port (self->helper, data->spec.first, data->spec.last,
                                        portier_protocol_to_string (protocol),
                                        g_task_get_cancellable (task), query_cb, task);
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

  if (self->mode != PORTIER_FIREWALL_MODE_HELPER)
    {
      PortierFirewallQuery *query = g_new0 (PortierFirewallQuery, 1);

      query->status = g_strdup ("unknown");
      query->backend = g_strdup (self->mode == PORTIER_FIREWALL_MODE_FIREWALLD ? "firewalld"
                                                                               : "");
      query->zone = g_strdup ("");
      g_task_return_pointer (task, query, (GDestroyNotify) portier_firewall_query_free);
      return;
    }

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

/* ---------------------------------------------------------------------------------- */
/* By hand                                                                             */

/**
 * portier_firewall_guess_backend:
 *
 * Returns: (transfer full): "firewalld", "ufw" or "nftables": the firewall whose
 *   command this computer has, for portier_firewall_manual_command()
 */
char *
portier_firewall_guess_backend (void)
{
  const char *dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/run/host/usr/sbin",
                         "/run/host/usr/bin" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *firewall_cmd = g_build_filename (dirs[i], "firewall-cmd", NULL);
      g_autofree char *ufw = g_build_filename (dirs[i], "ufw", NULL);

      if (g_file_test (firewall_cmd, G_FILE_TEST_EXISTS))
        return g_strdup ("firewalld");
      if (g_file_test (ufw, G_FILE_TEST_EXISTS))
        return g_strdup ("ufw");
    }
  return g_strdup ("nftables");
}

/**
 * portier_firewall_manual_command:
 * @backend: "firewalld", "ufw" or "nftables"
 *
 * Returns: (transfer full): the command (one line a protocol) that lets @spec in with
 *   @backend, for a person to run when Portier cannot change the firewall itself
 */
char *
portier_firewall_manual_command (const PortierPortSpec *spec,
                                 const char            *backend)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (PortierProtocol protocol = PORTIER_PROTOCOL_TCP; protocol <= PORTIER_PROTOCOL_UDP;
       protocol <<= 1)
    {
      const char *name = portier_protocol_to_string (protocol);
      g_autofree char *dashed = format_range (spec->first, spec->last);

      if ((spec->protocol & protocol) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');

      if (g_strcmp0 (backend, "firewalld") == 0)
        g_string_append_printf (text, "sudo firewall-cmd --add-port=%s/%s", dashed, name);
      else if (g_strcmp0 (backend, "ufw") == 0)
        {
          if (spec->first == spec->last)
            g_string_append_printf (text, "sudo ufw allow %u/%s", spec->first, name);
          else
            g_string_append_printf (text, "sudo ufw allow %u:%u/%s", spec->first, spec->last,
                                    name);
        }
      else
        g_string_append_printf (text, "sudo nft insert rule inet filter input %s dport %s accept",
                                name, dashed);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
