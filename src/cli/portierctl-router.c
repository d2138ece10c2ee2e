/* portierctl-router.c: the router step of portierctl open, close, list and status
 *
 * Everything about the home router the commands share: finding it, forwarding a spec
 * and recording it, taking forwards back (by id, by spec or all, with or without the
 * local record), and how all of it reads in JSON and in plain words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-router-forward.h"
#include "portier-router-record.h"
#include "portierctl-private.h"

/**
 * portierctl_router_discover:
 *
 * Finds the router, waiting on the main context.
 *
 * Returns: (transfer full): the router, or %NULL with %PORTIER_ERROR_ROUTER_NOT_FOUND
 */
PortierRouter *
portierctl_router_discover (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, NULL,
                                 portierctl_store_result_cb, &result);
  return portier_router_discover_finish (portierctl_wait (&result), error);
}

/**
 * portierctl_router_load_record:
 *
 * Returns: (transfer full): the local record of router forwards (empty when there is
 *   none or it could not be read; the reason goes to the log)
 */
PortierRouterRecord *
portierctl_router_load_record (void)
{
  g_autoptr(GError) error = NULL;
  gboolean damaged = FALSE;
  PortierRouterRecord *record = portier_router_record_load (NULL, &damaged, &error);

  if (damaged)
    g_printerr ("portierctl: %s\n", portier_error_describe (PORTIER_ERROR_STATE_CORRUPT));
  if (record == NULL)
    {
      g_printerr ("portierctl: %s\n", portier_error_describe (PORTIER_ERROR_STATE_CORRUPT));
      g_debug ("Cannot read the record of router forwards: %s", error->message);
      record = portier_router_record_new (NULL);
    }
  return record;
}

static const char *
error_name (const GError *error)
{
  const char *name;

  if (error == NULL || error->domain != PORTIER_ERROR)
    return "Failed";
  name = portier_error_to_dbus_name ((PortierError) error->code);
  return name != NULL ? strrchr (name, '.') + 1 : "Failed";
}

void
portierctl_router_add_mapping_json (JsonBuilder          *builder,
                                    const PortierMapping *mapping,
                                    gboolean              ours)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "external_port");
  json_builder_add_int_value (builder, mapping->external_port);
  json_builder_set_member_name (builder, "internal_client");
  json_builder_add_string_value (builder, mapping->internal_client);
  json_builder_set_member_name (builder, "internal_port");
  json_builder_add_int_value (builder, mapping->internal_port);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (mapping->protocol));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, mapping->description ? mapping->description : "");
  json_builder_set_member_name (builder, "lease");
  json_builder_add_int_value (builder, mapping->lease);
  json_builder_set_member_name (builder, "permanent");
  json_builder_add_boolean_value (builder, mapping->permanent);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, portier_router_method_to_string (mapping->method));
  json_builder_set_member_name (builder, "ours");
  json_builder_add_boolean_value (builder, ours);
  json_builder_end_object (builder);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * portierctl_router_add_info_json:
 * @info: (nullable): the router, or %NULL when none was found
 *
 * Adds the value of a "router" member: what status and list print about the router.
 */
void
portierctl_router_add_info_json (JsonBuilder             *builder,
                                 const PortierRouterInfo *info,
                                 const GError            *error)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "found");
  json_builder_add_boolean_value (builder, info != NULL);
  if (info == NULL)
    {
      json_builder_set_member_name (builder, "error_name");
      json_builder_add_string_value (builder, error_name (error));
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, portier_error_user_message (error));
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, portier_router_method_to_string (info->method));
  add_string_or_null (builder, "url", info->url);
  add_string_or_null (builder, "name", info->name);
  json_builder_set_member_name (builder, "igd_version");
  json_builder_add_int_value (builder, info->igd_version);
  add_string_or_null (builder, "connection", info->connection);
  add_string_or_null (builder, "external_address",
                      info->external_address != NULL && *info->external_address != '\0'
                      ? info->external_address : NULL);
  json_builder_set_member_name (builder, "wan");
  json_builder_add_string_value (builder, portier_wan_class_to_string (info->wan_class));
  json_builder_set_member_name (builder, "wan_description");
  json_builder_add_string_value (builder, portier_wan_class_describe (info->wan_class));
  add_string_or_null (builder, "upstream_hop", info->upstream_hop);
  add_string_or_null (builder, "gateway", info->gateway);
  add_string_or_null (builder, "lan_address", info->lan_address);
  add_string_or_null (builder, "ipv6_address", info->ipv6_address);
  json_builder_set_member_name (builder, "ipv6_pinholes");
  json_builder_add_boolean_value (builder, info->pinholes);
  json_builder_set_member_name (builder, "remembered");
  json_builder_add_boolean_value (builder, info->from_cache);
  json_builder_end_object (builder);
}

/* ---------------------------------------------------------------------------- open */

struct _PortierctlRouterOpen
{
  PortierRouter        *router;
  PortierForwardResult *result;
  PortierRouterRefusal  refusal;
  GError               *error;
  PortierPortSpec       spec;
  gboolean              any_port;
  PortierRouterOpening *opening;   /* owned by the record once recorded */
};

void
portierctl_router_open_free (PortierctlRouterOpen *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->router);
  g_clear_pointer (&self->result, portier_forward_result_free);
  portier_router_refusal_clear (&self->refusal);
  g_clear_error (&self->error);
  g_free (self);
}

/**
 * portierctl_router_open:
 * @router: (nullable): the router; %NULL when none was found (then @discover_error says
 *   why)
 * @external_port: 0 for the same ports outside; -1 for any free port
 *
 * Forwards @spec on the router and records it. Never fails as a function: the outcome
 * is in the returned object.
 *
 * Returns: (transfer full): what happened
 */
PortierctlRouterOpen *
portierctl_router_open (PortierRouter         *router,
                        const GError          *discover_error,
                        PortierRouterRecord   *record,
                        const PortierPortSpec *spec,
                        const char            *label,
                        int                    external_port,
                        guint                  lease)
{
  PortierctlRouterOpen *self = g_new0 (PortierctlRouterOpen, 1);
  PortierForwardRequest request = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) save_error = NULL;

  self->spec = *spec;
  self->any_port = external_port < 0;
  if (router == NULL)
    {
      self->error = g_error_copy (discover_error);
      return self;
    }
  self->router = g_object_ref (router);

  request.spec = *spec;
  request.external_first = external_port > 0 ? (guint16) external_port : 0;
  request.label = (char *) label;
  request.lease = lease;
  request.flags = external_port < 0 ? PORTIER_MAPPING_ANY_EXTERNAL_PORT
                                    : PORTIER_MAPPING_FLAGS_NONE;
  request.ipv6 = TRUE;

  portier_router_forward_async (router, &request, NULL, portierctl_store_result_cb, &result);
  self->result = portier_router_forward_finish (router, portierctl_wait (&result),
                                                &self->refusal, &self->error);
  if (self->result == NULL)
    return self;

  self->opening = portier_router_opening_new (spec, label, portier_router_get_method (router));
  for (guint i = 0; i < self->result->mappings->len; i++)
    g_ptr_array_add (self->opening->mappings,
                     portier_mapping_copy (g_ptr_array_index (self->result->mappings, i)));
  for (guint i = 0; i < self->result->pinholes->len; i++)
    g_ptr_array_add (self->opening->pinholes,
                     portier_pinhole_copy (g_ptr_array_index (self->result->pinholes, i)));
  portier_router_record_add (record, self->opening);
  if (!portier_router_record_save (record, &save_error))
    g_warning ("Cannot save the record of router forwards: %s", save_error->message);
  return self;
}

gboolean
portierctl_router_open_succeeded (PortierctlRouterOpen *self)
{
  return self->result != NULL;
}

const GError *
portierctl_router_open_get_error (PortierctlRouterOpen *self)
{
  return self->error;
}

const char *
portierctl_router_open_get_id (PortierctlRouterOpen *self)
{
  return self->opening != NULL ? self->opening->id : NULL;
}

GPtrArray *
portierctl_router_open_get_mappings (PortierctlRouterOpen *self)
{
  return self->result != NULL ? self->result->mappings : NULL;
}

GPtrArray *
portierctl_router_open_get_pinholes (PortierctlRouterOpen *self)
{
  return self->result != NULL ? self->result->pinholes : NULL;
}

/**
 * portierctl_router_replace_pinhole:
 *
 * Records that @old (forgotten by the router) was opened again as @pinhole.
 */
void
portierctl_router_replace_pinhole (PortierRouterRecord  *record,
                                   const PortierPinhole *old,
                                   const PortierPinhole *pinhole)
{
  GPtrArray *openings = portier_router_record_get_openings (record);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < openings->len; i++)
    {
      PortierRouterOpening *opening = g_ptr_array_index (openings, i);

      for (guint p = 0; p < opening->pinholes->len; p++)
        if (g_strcmp0 (((PortierPinhole *) opening->pinholes->pdata[p])->unique_id,
                       old->unique_id) == 0)
          {
            portier_pinhole_free (opening->pinholes->pdata[p]);
            opening->pinholes->pdata[p] = portier_pinhole_copy (pinhole);
            if (!portier_router_record_save (record, &error))
              g_warning ("Cannot save the record of router forwards: %s", error->message);
            return;
          }
    }
}

/**
 * portierctl_router_open_get_share:
 *
 * Returns: (transfer full) (nullable): "ADDRESS:PORT" to give to friends
 */
char *
portierctl_router_open_get_share (PortierctlRouterOpen *self)
{
  const PortierRouterInfo *info;
  const PortierMapping *first;

  if (self->result == NULL || self->result->mappings->len == 0)
    return NULL;
  info = portier_router_get_info (self->router);
  if (info->external_address == NULL || *info->external_address == '\0')
    return NULL;
  first = g_ptr_array_index (self->result->mappings, 0);
  return g_strdup_printf ("%s:%u", info->external_address, first->external_port);
}

static gboolean
all_reused (GPtrArray *mappings)
{
  for (guint i = 0; i < mappings->len; i++)
    if (!((PortierMapping *) g_ptr_array_index (mappings, i))->reused)
      return FALSE;
  return mappings->len > 0;
}

/**
 * portierctl_router_open_add_json:
 *
 * Adds the value of the "router" member of portierctl open's JSON.
 */
void
portierctl_router_open_add_json (PortierctlRouterOpen *self,
                                 JsonBuilder          *builder)
{
  const PortierRouterInfo *info = self->router ? portier_router_get_info (self->router) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  if (self->result == NULL)
    json_builder_add_string_value (builder, "failed");
  else
    json_builder_add_string_value (builder, all_reused (self->result->mappings)
                                            ? "already-mapped" : "mapped");

  if (info != NULL)
    {
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, portier_router_method_to_string (info->method));
      add_string_or_null (builder, "external_address",
                          info->external_address != NULL && *info->external_address != '\0'
                          ? info->external_address : NULL);
      json_builder_set_member_name (builder, "wan");
      json_builder_add_string_value (builder, portier_wan_class_to_string (info->wan_class));
    }

  if (self->result != NULL)
    {
      const PortierMapping *first = g_ptr_array_index (self->result->mappings, 0);

      json_builder_set_member_name (builder, "external_port");
      json_builder_add_int_value (builder, first->external_port);
      json_builder_set_member_name (builder, "lease");
      json_builder_add_int_value (builder, first->lease);
      json_builder_set_member_name (builder, "permanent");
      json_builder_add_boolean_value (builder, first->permanent || first->lease == 0);
      json_builder_set_member_name (builder, "moved");
      json_builder_add_boolean_value (builder, first->moved);
      json_builder_set_member_name (builder, "mappings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->result->mappings->len; i++)
        portierctl_router_add_mapping_json (builder,
                                            g_ptr_array_index (self->result->mappings, i),
                                            TRUE);
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "ipv6");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder,
                                     portier_ipv6_status_to_string (self->result->ipv6));
      add_string_or_null (builder, "address", info->ipv6_address);
      json_builder_set_member_name (builder, "pinholes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->result->pinholes->len; i++)
        {
          const PortierPinhole *pinhole = g_ptr_array_index (self->result->pinholes, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, pinhole->unique_id);
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, pinhole->internal_port);
          json_builder_set_member_name (builder, "protocol");
          json_builder_add_string_value (builder,
                                         portier_protocol_to_string (pinhole->protocol));
          json_builder_set_member_name (builder, "lease");
          json_builder_add_int_value (builder, pinhole->lease);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "error_name");
      json_builder_add_string_value (builder, error_name (self->error));
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, portier_error_user_message (self->error));
      if (self->refusal.router_code != 0)
        {
          json_builder_set_member_name (builder, "error_code");
          json_builder_add_int_value (builder, self->refusal.router_code);
        }
      if (self->refusal.alternative_port != 0)
        {
          json_builder_set_member_name (builder, "alternative_port");
          json_builder_add_int_value (builder, self->refusal.alternative_port);
        }
      if (self->refusal.held_by != NULL)
        {
          json_builder_set_member_name (builder, "held_by");
          json_builder_add_string_value (builder, self->refusal.held_by);
        }
    }
  json_builder_end_object (builder);
}

static char *
describe_lease (guint lease)
{
  if (lease == 0)
    return g_strdup (_("until it is closed"));
  if (lease % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "for %u hour", "for %u hours",
                                         lease / 3600), lease / 3600);
  if (lease % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "for %u minute", "for %u minutes",
                                         lease / 60), lease / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "for %u second", "for %u seconds",
                                       lease), lease);
}

/**
 * portierctl_router_open_print:
 * @hold: whether portierctl stays to keep the forward alive
 *
 * Says in plain words what the router step did (stdout) or why it failed (stderr).
 */
void
portierctl_router_open_print (PortierctlRouterOpen *self,
                              gboolean              hold)
{
  g_autofree char *spec = portier_port_spec_to_string (&self->spec);

  if (self->result == NULL)
    {
      portierctl_fail (self->error);
      if (g_error_matches (self->error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT))
        {
          if (self->refusal.held_by != NULL)
            /* TRANSLATORS: %s is another device's address in the home network */
            g_printerr (_("The port is forwarded to %s.\n"), self->refusal.held_by);
          if (self->refusal.alternative_port != 0)
            /* TRANSLATORS: the first %s is a port such as 25565/tcp, %u a free port */
            g_printerr (_("Port %u is free on the router. To use it from outside, run:\n"
                          "  portierctl open %s --external-port %u\n"),
                        self->refusal.alternative_port, spec, self->refusal.alternative_port);
        }
      return;
    }
  else
    {
      const PortierRouterInfo *info = portier_router_get_info (self->router);
      const PortierMapping *first = g_ptr_array_index (self->result->mappings, 0);
      g_autofree char *share = portierctl_router_open_get_share (self);
      g_autofree char *lease = describe_lease (first->lease);

      if (all_reused (self->result->mappings))
        /* TRANSLATORS: %s is a port such as 25565/tcp */
        g_print (_("Your router already forwarded %s to this computer.\n"), spec);
      else
        /* TRANSLATORS: %s is a port such as 25565/tcp, then UPnP or NAT-PMP */
        g_print (_("Your router now forwards %s to this computer (%s).\n"), spec,
                 info->method == PORTIER_ROUTER_METHOD_UPNP ? "UPnP" : "NAT-PMP");
      if (first->moved)
        /* TRANSLATORS: %u is the port number people use from outside */
        g_print (_("From outside, use port %u.\n"), first->external_port);
      if (share != NULL && info->wan_class == PORTIER_WAN_PUBLIC)
        /* TRANSLATORS: %s is an address and port such as 203.0.113.7:25565 */
        g_print (_("Others can now connect to %s.\n"), share);
      if (info->wan_class != PORTIER_WAN_PUBLIC)
        g_print ("%s\n", portier_wan_class_describe (info->wan_class));
      if (hold && first->lease != 0)
        g_print (_("Portier keeps the forward alive until you stop it with Ctrl+C.\n"));
      else
        /* TRANSLATORS: %s is a duration such as "for 1 hour" */
        g_print (_("The router keeps the forward %s.\n"), lease);
      switch (self->result->ipv6)
        {
        case PORTIER_IPV6_OPENED:
          g_print (_("Over IPv6, the router lets connections to this computer through.\n"));
          break;
        case PORTIER_IPV6_NOT_NEEDED:
          g_print (_("IPv6 needs no forward on this router.\n"));
          break;
        case PORTIER_IPV6_FAILED:
          g_print (_("The router did not open the way for IPv6; IPv4 works.\n"));
          break;
        case PORTIER_IPV6_NO_ADDRESS:
        case PORTIER_IPV6_SKIPPED:
        default:
          break;
        }
    }
}

/* ---------------------------------------------------------------------------- close */

typedef struct
{
  GPtrArray *mappings;   /* PortierMapping: to remove */
  GPtrArray *pinholes;   /* PortierPinhole */
  GPtrArray *openings;   /* PortierRouterOpening (transfer none): touched record entries */
} Targets;

static gboolean
has_mapping (GPtrArray            *mappings,
             const PortierMapping *mapping)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      const PortierMapping *m = g_ptr_array_index (mappings, i);

      if (m->external_port == mapping->external_port && m->protocol == mapping->protocol &&
          g_strcmp0 (m->internal_client, mapping->internal_client) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
add_opening (Targets              *targets,
             PortierRouterOpening *opening)
{
  g_ptr_array_add (targets->openings, opening);
  for (guint i = 0; i < opening->mappings->len; i++)
    if (!has_mapping (targets->mappings, g_ptr_array_index (opening->mappings, i)))
      g_ptr_array_add (targets->mappings,
                       portier_mapping_copy (g_ptr_array_index (opening->mappings, i)));
  for (guint i = 0; i < opening->pinholes->len; i++)
    g_ptr_array_add (targets->pinholes,
                     portier_pinhole_copy (g_ptr_array_index (opening->pinholes, i)));
}

/* The router's own list, for what Portier made there without a record here. */
static GPtrArray *
router_mappings (PortierRouter  *router,
                 GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_router_list_mappings_async (router, NULL, portierctl_store_result_cb, &result);
  return portier_router_list_mappings_finish (router, portierctl_wait (&result), error);
}

/**
 * portierctl_router_close:
 * @target: an opening id, a spec (port spec or app id), or %NULL for everything
 * @closed: (out) (transfer full): the forwards removed
 * @left: (out) (transfer full): the forwards that could not be removed
 *
 * Removes Portier's forwards on the router: those in the record, and those the router
 * lists with Portier's tag and this computer's address (so closing works without the
 * record, too). Another device's mapping is never touched.
 *
 * Returns: %FALSE with @error when @target is neither an id nor a spec, or no router
 */
gboolean
portierctl_router_close (PortierRouter        *router,
                         PortierRouterRecord  *record,
                         const char           *target,
                         GPtrArray           **closed,
                         GPtrArray           **left,
                         GError              **error)
{
  Targets targets;
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) mappings_left = NULL;
  g_autoptr(GPtrArray) pinholes_left = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) list_error = NULL;
  g_autoptr(GError) save_error = NULL;
  PortierRouterOpening *by_id = target != NULL ? portier_router_record_lookup (record, target)
                                               : NULL;
  const char *lan_address = portier_router_get_lan_address (router);
  GPtrArray *openings = portier_router_record_get_openings (record);

  if (target != NULL && by_id == NULL &&
      (specs = portierctl_resolve_spec (target, NULL, error)) == NULL)
    return FALSE;

  targets.mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  targets.pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
  targets.openings = g_ptr_array_new ();

  if (by_id != NULL)
    add_opening (&targets, by_id);
  else
    {
      for (guint i = 0; i < openings->len; i++)
        {
          PortierRouterOpening *opening = g_ptr_array_index (openings, i);
          gboolean match = specs == NULL;

          for (guint s = 0; specs != NULL && s < specs->len; s++)
            match |= portier_port_spec_overlaps (&opening->spec, g_ptr_array_index (specs, s));
          if (match)
            add_opening (&targets, opening);
        }

      listed = router_mappings (router, &list_error);
      if (listed != NULL)
        {
          for (guint s = 0; s < (specs != NULL ? specs->len : 1); s++)
            {
              g_autoptr(GPtrArray) ours = portier_router_filter_ours (
                listed, lan_address, specs != NULL ? g_ptr_array_index (specs, s) : NULL);

              for (guint i = 0; i < ours->len; i++)
                if (!has_mapping (targets.mappings, g_ptr_array_index (ours, i)))
                  g_ptr_array_add (targets.mappings, portier_mapping_copy (
                                     g_ptr_array_index (ours, i)));
            }
        }
      else if (specs != NULL && portier_router_get_method (router) ==
                                PORTIER_ROUTER_METHOD_NATPMP)
        {
          /* NAT-PMP cannot list; it removes only this computer's own forward of a port,
           * so asking it to remove each port of the spec is safe. */
          for (guint s = 0; s < specs->len; s++)
            {
              const PortierPortSpec *spec = g_ptr_array_index (specs, s);

              for (guint port = spec->first; port <= spec->last; port++)
                for (PortierProtocol p = PORTIER_PROTOCOL_TCP; p <= PORTIER_PROTOCOL_UDP;
                     p <<= 1)
                  {
                    PortierMapping mapping = { 0 };

                    if (!(spec->protocol & p))
                      continue;
                    mapping.method = PORTIER_ROUTER_METHOD_NATPMP;
                    mapping.external_port = mapping.internal_port = (guint16) port;
                    mapping.protocol = p;
                    mapping.internal_client = (char *) lan_address;
                    if (!has_mapping (targets.mappings, &mapping))
                      g_ptr_array_add (targets.mappings, portier_mapping_copy (&mapping));
                  }
            }
        }
      else
        g_debug ("The router's list: %s", list_error ? list_error->message : "none");
    }

  portier_router_unforward_async (router, targets.mappings, targets.pinholes, NULL,
                                  portierctl_store_result_cb, &result);
  portier_router_unforward_finish (router, portierctl_wait (&result), &mappings_left,
                                   &pinholes_left, NULL);

  /* What is gone leaves the record; an opening with nothing left goes with it. */
  for (guint i = 0; i < targets.openings->len; i++)
    {
      PortierRouterOpening *opening = g_ptr_array_index (targets.openings, i);

      for (guint m = opening->mappings->len; m > 0; m--)
        if (!has_mapping (mappings_left, g_ptr_array_index (opening->mappings, m - 1)))
          g_ptr_array_remove_index (opening->mappings, m - 1);
      for (guint p = opening->pinholes->len; p > 0; p--)
        {
          const PortierPinhole *pinhole = g_ptr_array_index (opening->pinholes, p - 1);
          gboolean still = FALSE;

          for (guint l = 0; l < pinholes_left->len; l++)
            still |= g_strcmp0 (((PortierPinhole *) pinholes_left->pdata[l])->unique_id,
                                pinhole->unique_id) == 0;
          if (!still)
            g_ptr_array_remove_index (opening->pinholes, p - 1);
        }
      if (opening->mappings->len == 0 && opening->pinholes->len == 0)
        {
          g_autofree char *id = g_strdup (opening->id);
          portier_router_record_remove (record, id);
        }
    }
  if (targets.openings->len > 0 && !portier_router_record_save (record, &save_error))
    g_warning ("Cannot save the record of router forwards: %s", save_error->message);

  *closed = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  for (guint i = 0; i < targets.mappings->len; i++)
    if (!has_mapping (mappings_left, g_ptr_array_index (targets.mappings, i)))
      g_ptr_array_add (*closed, portier_mapping_copy (g_ptr_array_index (targets.mappings, i)));
  *left = g_steal_pointer (&mappings_left);

  g_ptr_array_unref (targets.mappings);
  g_ptr_array_unref (targets.pinholes);
  g_ptr_array_unref (targets.openings);
  return TRUE;
}

/**
 * portierctl_router_list:
 *
 * Returns: (transfer full) (nullable): the router's mappings, or %NULL when it cannot
 *   list them (NAT-PMP), with @error
 */
GPtrArray *
portierctl_router_list (PortierRouter  *router,
                        GError        **error)
{
  return router_mappings (router, error);
}
