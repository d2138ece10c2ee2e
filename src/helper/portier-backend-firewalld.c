/* portier-backend-firewalld.c: firewalld, changed over its D-Bus API
 *
 * firewalld keeps open ports as a set per zone and merges adjacent ranges, so "the rule
 * Portier made" is the part of the range that was not open yet: the helper adds only
 * those parts, records them, and on close removes only them — firewalld splits its
 * merged range again, and ports opened by anyone else stay open.
 *
 * Runtime rules are what the helper makes unless asked for a permanent one; firewalld
 * forgets them when it reloads, so the helper adds them again then (see PortierHelper).
 *
 * These calls block: they run on the helper's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-backend-firewalld.h"
#include "portier-error.h"
#include "portier-helper-args.h"

#define ZONE_INTERFACE "org.fedoraproject.FirewallD1.zone"
#define CONFIG_PATH "/org/fedoraproject/FirewallD1/config"
#define CONFIG_INTERFACE "org.fedoraproject.FirewallD1.config"
#define CONFIG_ZONE_INTERFACE "org.fedoraproject.FirewallD1.config.zone"
#define CALL_TIMEOUT_MS 30000

struct _PortierBackendFirewalld
{
  GObject          parent_instance;

  GDBusConnection *bus;
};

static void portier_backend_iface_init (PortierBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierBackendFirewalld, portier_backend_firewalld,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_BACKEND,
                                                      portier_backend_iface_init))

/* Which ports of a range are let in: one flag per port. */
typedef struct
{
  guint16  first;
  guint16  last;
  gboolean by_target;        /* the zone accepts everything */
  gboolean covered[PORTIER_PORT_SPEC_MAX_RANGE];
} Coverage;

static gboolean
firewalld_error_is (const GError *error,
                    const char   *code)
{
  return error != NULL && strstr (error->message, code) != NULL;
}

static void
convert_error (GError **error)
{
  GError *original;

  if (error == NULL || *error == NULL)
    return;

  original = *error;
  g_debug ("firewalld: %s", original->message);
  if (original->domain == PORTIER_ERROR)
    return;

  if (firewalld_error_is (original, "PANIC_MODE"))
    *error = g_error_new (PORTIER_ERROR, PORTIER_ERROR_FIREWALL_PANIC_MODE,
                          "firewalld is in panic mode: %s", original->message);
  else if (g_error_matches (original, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches (original, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    *error = g_error_new (PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                          "firewalld is not running: %s", original->message);
  else
    *error = g_error_new (PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                          "firewalld: %s", original->message);
  g_error_free (original);
}

static GVariant *
call (PortierBackendFirewalld  *self,
      const char               *path,
      const char               *interface,
      const char               *method,
      GVariant                 *parameters,
      const char               *reply_type,
      GError                  **error)
{
  GVariant *reply;

  reply = g_dbus_connection_call_sync (self->bus, PORTIER_FIREWALLD_BUS_NAME, path,
                                       interface, method, parameters,
                                       reply_type != NULL ? G_VARIANT_TYPE (reply_type) : NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
                                       NULL, error);
  if (reply == NULL)
    convert_error (error);
  return reply;
}

/* firewalld answers ALREADY_ENABLED / NOT_ENABLED when there is nothing to do. */
static gboolean
call_ignoring (PortierBackendFirewalld  *self,
               const char               *path,
               const char               *interface,
               const char               *method,
               GVariant                 *parameters,
               const char               *ignored,
               GError                  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GVariant) reply = call (self, path, interface, method, parameters, NULL,
                                    &local_error);

  if (reply != NULL)
    return TRUE;
  if (firewalld_error_is (local_error, ignored))
    {
      g_debug ("firewalld %s: %s", method, local_error->message);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The object path of @zone's permanent configuration. */
static char *
get_config_zone_path (PortierBackendFirewalld  *self,
                      const char               *zone,
                      GError                  **error)
{
  g_autoptr(GVariant) reply = call (self, CONFIG_PATH, CONFIG_INTERFACE, "getZoneByName",
                                    g_variant_new ("(s)", zone), "(o)", error);
  char *path = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(o)", &path);
  return path;
}

/**
 * portier_default_route_interface:
 * @route: the contents of /proc/net/route
 * @ipv6_route: (nullable): the contents of /proc/net/ipv6_route
 *
 * Returns: (nullable): the interface of the default route with the lowest metric
 */
char *
portier_default_route_interface (const char *route,
                                 const char *ipv6_route)
{
  g_auto(GStrv) lines = g_strsplit (route != NULL ? route : "", "\n", -1);
  g_autofree char *best = NULL;
  guint64 best_metric = G_MAXUINT64;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = portier_helper_split_fields (lines[i]);
      guint64 metric;

      /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
      if (g_strv_length (fields) < 8 || !g_str_equal (fields[1], "00000000") ||
          !g_str_equal (fields[7], "00000000"))
        continue;
      if (!g_ascii_string_to_unsigned (fields[6], 10, 0, G_MAXUINT32, &metric, NULL))
        continue;
      if (metric < best_metric && portier_helper_check_name (fields[0], 16))
        {
          g_free (best);
          best = g_strdup (fields[0]);
          best_metric = metric;
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  g_strfreev (lines);
  lines = g_strsplit (ipv6_route != NULL ? ipv6_route : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = portier_helper_split_fields (lines[i]);
      guint64 metric;

      /* dest prefix src prefix gateway metric refcnt use flags iface */
      if (g_strv_length (fields) < 10 ||
          !g_str_equal (fields[0], "00000000000000000000000000000000") ||
          !g_str_equal (fields[1], "00") || g_str_equal (fields[9], "lo"))
        continue;
      if (!g_ascii_string_to_unsigned (fields[5], 16, 0, G_MAXUINT32, &metric, NULL))
        continue;
      if (metric < best_metric && portier_helper_check_name (fields[9], 16))
        {
          g_free (best);
          best = g_strdup (fields[9]);
          best_metric = metric;
        }
    }
  return g_steal_pointer (&best);
}

gboolean
portier_backend_firewalld_panic_mode (PortierBackendFirewalld  *self,
                                      gboolean                 *panic,
                                      GError                  **error)
{
  g_autoptr(GVariant) reply = call (self, PORTIER_FIREWALLD_PATH, PORTIER_FIREWALLD_INTERFACE,
                                    "queryPanicMode", NULL, "(b)", error);

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b)", panic);
  return TRUE;
}

/**
 * portier_backend_firewalld_get_zone:
 * @requested: a zone, or "" for the zone of the interface toward the gateway (else the
 *   default zone)
 *
 * Returns: (transfer full): the zone, which exists
 */
char *
portier_backend_firewalld_get_zone (PortierBackendFirewalld  *self,
                                    const char               *requested,
                                    GError                  **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *route = NULL;
  g_autofree char *route6 = NULL;
  g_autofree char *interface = NULL;
  g_autofree const char **zones = NULL;
  const char *zone;

  if (requested != NULL && requested[0] != '\0')
    {
      reply = call (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "getZones", NULL, "(as)",
                    error);
      if (reply == NULL)
        return NULL;
      g_variant_get (reply, "(^a&s)", &zones);
      if (!g_strv_contains (zones, requested))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                       "firewalld has no zone “%s”", requested);
          return NULL;
        }
      return g_strdup (requested);
    }

  g_file_get_contents ("/proc/net/route", &route, NULL, NULL);
  g_file_get_contents ("/proc/net/ipv6_route", &route6, NULL, NULL);
  interface = portier_default_route_interface (route, route6);
  if (interface != NULL)
    {
      reply = call (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "getZoneOfInterface",
                    g_variant_new ("(s)", interface), "(s)", error);
      if (reply == NULL)
        return NULL;
      g_variant_get (reply, "(&s)", &zone);
      if (zone[0] != '\0' && portier_helper_check_name (zone, PORTIER_HELPER_MAX_ZONE))
        return g_strdup (zone);
      g_clear_pointer (&reply, g_variant_unref);
    }

  reply = call (self, PORTIER_FIREWALLD_PATH, PORTIER_FIREWALLD_INTERFACE, "getDefaultZone",
                NULL, "(s)", error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&s)", &zone);
  if (!portier_helper_check_name (zone, PORTIER_HELPER_MAX_ZONE))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                   "firewalld's default zone has a name Portier does not handle");
      return NULL;
    }
  return g_strdup (zone);
}

static void
cover_ports (Coverage   *coverage,
             GVariant   *ports,      /* a(ss) */
             const char *protocol,
             gboolean    mark)
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
      for (guint p = MAX (spec->first, coverage->first);
           p <= MIN (spec->last, coverage->last); p++)
        coverage->covered[p - coverage->first] = mark;
    }
}

/* What lets the ports in: the zone's target, its ports, and its services' ports. */
static gboolean
get_coverage (PortierBackendFirewalld  *self,
              const char               *zone,
              gboolean                  permanent,
              const PortierPortSpec    *spec,
              Coverage                 *coverage,
              gboolean                  ports_only,
              GError                  **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) ports = NULL;
  g_autoptr(GVariant) services = NULL;
  const char *protocol = portier_protocol_to_string (spec->protocol);
  const char *target = NULL;

  memset (coverage, 0, sizeof *coverage);
  coverage->first = spec->first;
  coverage->last = spec->last;

  if (permanent)
    {
      g_autofree char *path = get_config_zone_path (self, zone, error);

      if (path == NULL)
        return FALSE;
      reply = call (self, path, CONFIG_ZONE_INTERFACE, "getSettings2", NULL, "(a{sv})",
                    error);
    }
  else
    reply = call (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "getZoneSettings2",
                  g_variant_new ("(s)", zone), "(a{sv})", error);
  if (reply == NULL)
    return FALSE;

  settings = g_variant_get_child_value (reply, 0);
  ports = g_variant_lookup_value (settings, "ports", G_VARIANT_TYPE ("a(ss)"));
  if (ports != NULL)
    cover_ports (coverage, ports, protocol, TRUE);
  if (ports_only)
    return TRUE;

  if (g_variant_lookup (settings, "target", "&s", &target) && g_str_equal (target, "ACCEPT"))
    {
      coverage->by_target = TRUE;
      for (guint p = 0; p <= (guint) (spec->last - spec->first); p++)
        coverage->covered[p] = TRUE;
    }

  services = g_variant_lookup_value (settings, "services", G_VARIANT_TYPE ("as"));
  if (services != NULL && !permanent)
    {
      GVariantIter iter;
      const char *service;

      g_variant_iter_init (&iter, services);
      while (g_variant_iter_next (&iter, "&s", &service))
        {
          g_autoptr(GVariant) service_reply = NULL;
          g_autoptr(GVariant) service_settings = NULL;
          g_autoptr(GVariant) service_ports = NULL;
          g_autoptr(GError) service_error = NULL;

          service_reply = call (self, PORTIER_FIREWALLD_PATH, PORTIER_FIREWALLD_INTERFACE,
                                "getServiceSettings2", g_variant_new ("(s)", service),
                                "(a{sv})", &service_error);
          if (service_reply == NULL)
            {
              g_debug ("service %s: %s", service, service_error->message);
              continue;
            }
          service_settings = g_variant_get_child_value (service_reply, 0);
          service_ports = g_variant_lookup_value (service_settings, "ports",
                                                  G_VARIANT_TYPE ("a(ss)"));
          if (service_ports != NULL)
            cover_ports (coverage, service_ports, protocol, TRUE);
        }
    }
  return TRUE;
}

static gboolean
fully_covered (const Coverage *coverage)
{
  for (guint p = 0; p <= (guint) (coverage->last - coverage->first); p++)
    if (!coverage->covered[p])
      return FALSE;
  return TRUE;
}

static void
add_range (GStrvBuilder *ranges,
           guint         first,
           guint         last)
{
  g_autofree char *range = portier_helper_format_ports ((guint16) first, (guint16) last);

  g_strv_builder_add (ranges, range);
}

/* The ranges of ports that are not covered yet, as "8000-8004". */
static GStrv
uncovered_ranges (const Coverage *coverage)
{
  g_autoptr(GStrvBuilder) ranges = g_strv_builder_new ();
  guint count = coverage->last - coverage->first + 1;
  guint p = 0;

  while (p < count)
    {
      guint start = p;

      if (coverage->covered[p])
        {
          p++;
          continue;
        }
      while (p + 1 < count && !coverage->covered[p + 1])
        p++;
      add_range (ranges, coverage->first + start, coverage->first + p);
      p++;
    }
  return g_strv_builder_end (ranges);
}

static const char *
get_name (PortierBackend *backend)
{
  return "firewalld";
}

static PortierPortStatus
query (PortierBackend         *backend,
       const PortierPortSpec  *spec,
       const char             *requested_zone,
       char                  **out_zone,
       GError                **error)
{
  PortierBackendFirewalld *self = PORTIER_BACKEND_FIREWALLD (backend);
  g_autofree char *zone = NULL;
  g_autofree Coverage *coverage = g_new0 (Coverage, 1);
  gboolean panic = FALSE;

  zone = portier_backend_firewalld_get_zone (self, requested_zone, error);
  if (zone == NULL)
    return PORTIER_PORT_STATUS_UNKNOWN;
  *out_zone = g_strdup (zone);

  if (!portier_backend_firewalld_panic_mode (self, &panic, error))
    return PORTIER_PORT_STATUS_UNKNOWN;
  if (panic)
    return PORTIER_PORT_STATUS_BLOCKED;

  if (!get_coverage (self, zone, FALSE, spec, coverage, FALSE, error))
    return PORTIER_PORT_STATUS_UNKNOWN;
  return fully_covered (coverage) ? PORTIER_PORT_STATUS_OPEN : PORTIER_PORT_STATUS_BLOCKED;
}

static gboolean
remove_ranges (PortierBackendFirewalld  *self,
               const PortierRule        *rule,
               GStrv                     runtime_ranges,
               GStrv                     permanent_ranges,
               GError                  **error)
{
  const char *protocol = portier_protocol_to_string (rule->protocol);
  gboolean ok = TRUE;

  for (guint i = 0; runtime_ranges != NULL && runtime_ranges[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!call_ignoring (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "removePort",
                          g_variant_new ("(sss)", rule->zone, runtime_ranges[i], protocol),
                          "NOT_ENABLED", &local_error))
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }

  if (permanent_ranges != NULL && permanent_ranges[0] != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = get_config_zone_path (self, rule->zone, &local_error);

      if (path == NULL)
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      for (guint i = 0; permanent_ranges[i] != NULL; i++)
        {
          g_clear_error (&local_error);
          if (!call_ignoring (self, path, CONFIG_ZONE_INTERFACE, "removePort",
                              g_variant_new ("(ss)", permanent_ranges[i], protocol),
                              "NOT_ENABLED", &local_error))
            {
              if (ok)
                g_propagate_error (error, g_steal_pointer (&local_error));
              ok = FALSE;
            }
        }
    }
  return ok;
}

static guint32
seconds_left (const PortierRule *rule)
{
  gint64 left;

  if (rule->expires == 0)
    return 0;
  left = rule->expires - g_get_real_time () / G_USEC_PER_SEC;
  return (guint32) CLAMP (left, 1, G_MAXINT32);
}

/* Adds every range, or — when one fails — takes back those it added. */
static gboolean
add_ranges (PortierBackendFirewalld  *self,
            PortierRule              *rule,
            GStrv                     runtime_todo,
            GStrv                     permanent_todo,
            const char               *config_path,
            GError                  **error)
{
  const char *protocol = portier_protocol_to_string (rule->protocol);
  g_autoptr(GStrvBuilder) added_runtime = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) added_permanent = g_strv_builder_new ();
  gboolean ok = TRUE;

  for (guint i = 0; ok && runtime_todo[i] != NULL; i++)
    {
      g_autoptr(GVariant) reply = NULL;

      reply = call (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "addPort",
                    g_variant_new ("(sssi)", rule->zone, runtime_todo[i], protocol,
                                   (gint32) seconds_left (rule)),
                    NULL, error);
      if (reply != NULL)
        g_strv_builder_add (added_runtime, runtime_todo[i]);
      else
        ok = FALSE;
    }

  for (guint i = 0; ok && permanent_todo != NULL && permanent_todo[i] != NULL; i++)
    {
      g_autoptr(GVariant) reply = NULL;

      reply = call (self, config_path, CONFIG_ZONE_INTERFACE, "addPort",
                    g_variant_new ("(ss)", permanent_todo[i], protocol), NULL, error);
      if (reply != NULL)
        g_strv_builder_add (added_permanent, permanent_todo[i]);
      else
        ok = FALSE;
    }

  g_strfreev (rule->runtime_ranges);
  rule->runtime_ranges = g_strv_builder_end (added_runtime);
  g_strfreev (rule->permanent_ranges);
  rule->permanent_ranges = g_strv_builder_end (added_permanent);

  if (!ok)
    {
      remove_ranges (self, rule, rule->runtime_ranges, rule->permanent_ranges, NULL);
      g_clear_pointer (&rule->runtime_ranges, g_strfreev);
      g_clear_pointer (&rule->permanent_ranges, g_strfreev);
    }
  return ok;
}

static gboolean
open_port (PortierBackend     *backend,
           PortierRule        *rule,
           PortierOpenStatus  *status,
           GError            **error)
{
  PortierBackendFirewalld *self = PORTIER_BACKEND_FIREWALLD (backend);
  PortierPortSpec spec = { rule->first, rule->last, rule->protocol };
  g_autofree Coverage *runtime = g_new0 (Coverage, 1);
  g_autofree Coverage *permanent = g_new0 (Coverage, 1);
  g_auto(GStrv) runtime_todo = NULL;
  g_auto(GStrv) permanent_todo = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *config_path = NULL;
  gboolean panic = FALSE;

  zone = portier_backend_firewalld_get_zone (self, rule->zone, error);
  if (zone == NULL)
    return FALSE;
  g_free (rule->zone);
  rule->zone = g_steal_pointer (&zone);

  if (!portier_backend_firewalld_panic_mode (self, &panic, error))
    return FALSE;
  if (panic)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_PANIC_MODE,
                           "firewalld is in panic mode");
      return FALSE;
    }

  if (!get_coverage (self, rule->zone, FALSE, &spec, runtime, FALSE, error))
    return FALSE;
  runtime_todo = uncovered_ranges (runtime);

  if (rule->permanent)
    {
      if (!get_coverage (self, rule->zone, TRUE, &spec, permanent, FALSE, error))
        return FALSE;
      permanent_todo = uncovered_ranges (permanent);
      config_path = get_config_zone_path (self, rule->zone, error);
      if (config_path == NULL)
        return FALSE;
    }

  if (runtime_todo[0] == NULL && (permanent_todo == NULL || permanent_todo[0] == NULL))
    {
      *status = runtime->by_target ? PORTIER_OPEN_NOT_NEEDED : PORTIER_OPEN_ALREADY_OPEN;
      return TRUE;
    }

  if (!add_ranges (self, rule, runtime_todo, permanent_todo, config_path, error))
    return FALSE;

  *status = PORTIER_OPEN_OPENED;
  return TRUE;
}

static gboolean
close_port (PortierBackend     *backend,
            const PortierRule  *rule,
            GError            **error)
{
  PortierBackendFirewalld *self = PORTIER_BACKEND_FIREWALLD (backend);

  return remove_ranges (self, rule, rule->runtime_ranges, rule->permanent_ranges, error);
}

static gboolean
ranges_present (PortierBackendFirewalld  *self,
                const PortierRule        *rule,
                gboolean                  permanent,
                GStrv                     ranges,
                gboolean                 *present,
                GError                  **error)
{
  PortierPortSpec spec = { rule->first, rule->last, rule->protocol };
  g_autofree Coverage *coverage = g_new0 (Coverage, 1);

  *present = FALSE;
  if (ranges == NULL || ranges[0] == NULL)
    return TRUE;
  if (!get_coverage (self, rule->zone, permanent, &spec, coverage, TRUE, error))
    return FALSE;

  for (guint i = 0; ranges[i] != NULL; i++)
    {
      g_autoptr(PortierPortSpec) range = portier_port_spec_parse (ranges[i], NULL);

      if (range != NULL && range->first >= coverage->first && range->last <= coverage->last &&
          coverage->covered[range->first - coverage->first])
        *present = TRUE;
    }
  return TRUE;
}

static gboolean
exists (PortierBackend     *backend,
        const PortierRule  *rule,
        gboolean           *out_exists,
        GError            **error)
{
  PortierBackendFirewalld *self = PORTIER_BACKEND_FIREWALLD (backend);
  gboolean runtime = FALSE, permanent = FALSE;

  if (!ranges_present (self, rule, FALSE, rule->runtime_ranges, &runtime, error) ||
      !ranges_present (self, rule, TRUE, rule->permanent_ranges, &permanent, error))
    return FALSE;
  *out_exists = runtime || permanent;
  return TRUE;
}

/**
 * portier_backend_firewalld_reapply:
 * @timeout: seconds left, or 0
 * @out_ours: (out) (transfer full): the ranges that are still Portier's
 *
 * Adds @rule's runtime ports again after firewalld forgot them (a reload or a restart).
 * A range firewalld has again by itself came from its configuration — someone put it
 * there since — so it is not Portier's any more: it is left out of @out_ours, and
 * closing the rule leaves it alone.
 */
gboolean
portier_backend_firewalld_reapply (PortierBackendFirewalld  *self,
                                   const PortierRule        *rule,
                                   guint32                   timeout,
                                   GStrv                    *out_ours,
                                   GError                  **error)
{
  const char *protocol = portier_protocol_to_string (rule->protocol);
  g_autoptr(GStrvBuilder) ours = g_strv_builder_new ();

  for (guint i = 0; rule->runtime_ranges != NULL && rule->runtime_ranges[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GVariant) reply = NULL;

      reply = call (self, PORTIER_FIREWALLD_PATH, ZONE_INTERFACE, "addPort",
                    g_variant_new ("(sssi)", rule->zone, rule->runtime_ranges[i], protocol,
                                   (gint32) MIN (timeout, G_MAXINT32)),
                    NULL, &local_error);
      if (reply == NULL && !firewalld_error_is (local_error, "ALREADY_ENABLED"))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (reply == NULL)
        {
          /* Already there: added again before (two signals for one reload), or put in
           * the permanent configuration by someone since. */
          char *range[] = { rule->runtime_ranges[i], NULL };
          gboolean configured = FALSE;

          if (!ranges_present (self, rule, TRUE, range, &configured, error))
            return FALSE;
          if (configured && (rule->permanent_ranges == NULL ||
                             !g_strv_contains ((const char * const *) rule->permanent_ranges,
                                               rule->runtime_ranges[i])))
            {
              g_message ("After the reload, firewalld lets %s/%s into zone %s by its own "
                         "configuration: it is not Portier's any more",
                         rule->runtime_ranges[i], protocol, rule->zone);
              continue;
            }
        }
      g_strv_builder_add (ours, rule->runtime_ranges[i]);
    }
  *out_ours = g_strv_builder_end (ours);
  return TRUE;
}

static void
portier_backend_iface_init (PortierBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->query = query;
  iface->open = open_port;
  iface->close = close_port;
  iface->exists = exists;
}

static void
portier_backend_firewalld_finalize (GObject *object)
{
  PortierBackendFirewalld *self = PORTIER_BACKEND_FIREWALLD (object);

  g_clear_object (&self->bus);
  G_OBJECT_CLASS (portier_backend_firewalld_parent_class)->finalize (object);
}

static void
portier_backend_firewalld_class_init (PortierBackendFirewalldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_backend_firewalld_finalize;
}

static void
portier_backend_firewalld_init (PortierBackendFirewalld *self)
{
}

PortierBackendFirewalld *
portier_backend_firewalld_new (GDBusConnection *bus)
{
  PortierBackendFirewalld *self = g_object_new (PORTIER_TYPE_BACKEND_FIREWALLD, NULL);

  self->bus = g_object_ref (bus);
  return self;
}

/**
 * portier_backend_firewalld_is_running:
 *
 * Returns: whether firewalld owns its name on @bus now
 */
gboolean
portier_backend_firewalld_is_running (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", PORTIER_FIREWALLD_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       CALL_TIMEOUT_MS, NULL, &error);
  if (reply == NULL)
    {
      g_debug ("NameHasOwner: %s", error->message);
      return FALSE;
    }
  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}
