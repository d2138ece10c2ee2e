/* portierctl-json.c: portierctl's JSON: the words of its contract, and the shapes of
 * what it prints
 *
 * The core speaks in types; the words scripts read are made here and only here. Each
 * table maps a core enum to its word and back; a value missing from a table is a bug
 * the unit test of the tables finds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include "portier-error.h"
#include "portier-json.h"
#include "portierctl-json.h"
#include "portierctl-private.h"

/* ---- words ---- */

static const PortierctlWord firewall_status_words[] = {
  /* A step that did not run was skipped, as far as a script is concerned. */
  { PORTIER_FIREWALL_STATUS_NONE, "skipped" },
  { PORTIER_FIREWALL_STATUS_OPENED, "opened" },
  { PORTIER_FIREWALL_STATUS_ALREADY_OPEN, "already-open" },
  { PORTIER_FIREWALL_STATUS_NOT_NEEDED, "not-needed" },
  { PORTIER_FIREWALL_STATUS_SKIPPED, "skipped" },
  { PORTIER_FIREWALL_STATUS_FAILED, "failed" },
  { 0, NULL }
};

static const PortierctlWord router_status_words[] = {
  { PORTIER_ROUTER_STATUS_NONE, "skipped" },
  { PORTIER_ROUTER_STATUS_MAPPED, "mapped" },
  { PORTIER_ROUTER_STATUS_ALREADY_MAPPED, "already-mapped" },
  { PORTIER_ROUTER_STATUS_ALREADY_FORWARDED, "already-forwarded" },
  { PORTIER_ROUTER_STATUS_IPV6_ONLY, "ipv6-only" },
  { PORTIER_ROUTER_STATUS_SKIPPED, "skipped" },
  { PORTIER_ROUTER_STATUS_FAILED, "failed" },
  { 0, NULL }
};

static const PortierctlWord verify_status_words[] = {
  { PORTIER_VERIFY_STATUS_NONE, "skipped" },
  { PORTIER_VERIFY_STATUS_REACHABLE, "reachable" },
  { PORTIER_VERIFY_STATUS_OPEN, "open" },
  { PORTIER_VERIFY_STATUS_UNREACHABLE, "unreachable" },
  { PORTIER_VERIFY_STATUS_UNAVAILABLE, "unavailable" },
  { PORTIER_VERIFY_STATUS_SKIPPED, "skipped" },
  { 0, NULL }
};

static const PortierctlWord verdict_words[] = {
  { PORTIER_VERDICT_REACHABLE, "reachable" },
  { PORTIER_VERDICT_NOT_REACHABLE, "not-reachable" },
  { PORTIER_VERDICT_UNKNOWN, "unknown" },
  { 0, NULL }
};

static const PortierctlWord layer_words[] = {
  { PORTIER_LAYER_APP, "app" },
  { PORTIER_LAYER_HOST_FIREWALL, "host-firewall" },
  { PORTIER_LAYER_ROUTER, "router" },
  { PORTIER_LAYER_INTERNET, "internet" },
  { PORTIER_LAYER_NETWORK, "network" },
  { 0, NULL }
};

static const PortierctlWord finding_status_words[] = {
  { PORTIER_FINDING_OK, "ok" },
  { PORTIER_FINDING_PROBLEM, "problem" },
  { PORTIER_FINDING_WARNING, "warning" },
  { PORTIER_FINDING_UNKNOWN, "unknown" },
  { 0, NULL }
};

static const PortierctlWord method_words[] = {
  { PORTIER_ROUTER_METHOD_UPNP, "upnp" },
  { PORTIER_ROUTER_METHOD_NATPMP, "natpmp" },
  { 0, NULL }
};

static const PortierctlWord wan_words[] = {
  { PORTIER_WAN_PUBLIC, "public" },
  { PORTIER_WAN_DOUBLE_NAT, "double-nat" },
  { PORTIER_WAN_CGNAT, "cgnat" },
  { PORTIER_WAN_NO_PUBLIC_ADDRESS, "no-public-address" },
  { PORTIER_WAN_DISCONNECTED, "disconnected" },
  { PORTIER_WAN_UNKNOWN, "unknown" },
  { 0, NULL }
};

static const PortierctlWord ipv6_status_words[] = {
  { PORTIER_IPV6_SKIPPED, "skipped" },
  /* A step that did not run has no "ipv6" member at all. */
  { PORTIER_IPV6_NONE, "skipped" },
  { PORTIER_IPV6_NO_ADDRESS, "no-address" },
  { PORTIER_IPV6_NOT_NEEDED, "not-needed" },
  { PORTIER_IPV6_OPENED, "opened" },
  { PORTIER_IPV6_FAILED, "failed" },
  { 0, NULL }
};

static const PortierctlWord owner_words[] = {
  { PORTIER_MAPPING_OWNER_PORTIER, "portier" },
  { PORTIER_MAPPING_OWNER_THIS_COMPUTER, "this-computer" },
  { PORTIER_MAPPING_OWNER_OTHER_DEVICE, "other-device" },
  { 0, NULL }
};

/**
 * portierctl_json_word:
 * @table: a table ending in a %NULL word
 *
 * Returns: (nullable): the word of @value; %NULL when the table has none
 */
const char *
portierctl_json_word (const PortierctlWord *table,
                      int                   value)
{
  for (guint i = 0; table[i].word != NULL; i++)
    if (table[i].value == value)
      return table[i].word;
  return NULL;
}

/**
 * portierctl_json_value:
 * @table: a table ending in a %NULL word
 * @value: (out): the first value whose word is @word
 *
 * Returns: whether @word is in the table
 */
gboolean
portierctl_json_value (const PortierctlWord *table,
                       const char           *word,
                       int                  *value)
{
  for (guint i = 0; word != NULL && table[i].word != NULL; i++)
    if (g_str_equal (table[i].word, word))
      {
        *value = table[i].value;
        return TRUE;
      }
  return FALSE;
}

const PortierctlWord *
portierctl_json_table (PortierctlWords words)
{
  switch (words)
    {
    case PORTIERCTL_WORDS_FIREWALL_STATUS:
      return firewall_status_words;
    case PORTIERCTL_WORDS_ROUTER_STATUS:
      return router_status_words;
    case PORTIERCTL_WORDS_VERIFY_STATUS:
      return verify_status_words;
    case PORTIERCTL_WORDS_VERDICT:
      return verdict_words;
    case PORTIERCTL_WORDS_LAYER:
      return layer_words;
    case PORTIERCTL_WORDS_FINDING_STATUS:
      return finding_status_words;
    case PORTIERCTL_WORDS_METHOD:
      return method_words;
    case PORTIERCTL_WORDS_WAN:
      return wan_words;
    case PORTIERCTL_WORDS_IPV6_STATUS:
      return ipv6_status_words;
    case PORTIERCTL_WORDS_OWNER:
    default:
      return owner_words;
    }
}

const char *
portierctl_json_firewall_status (PortierFirewallStatus status)
{
  return portierctl_json_word (firewall_status_words, status);
}

const char *
portierctl_json_router_status (PortierRouterStatus status)
{
  return portierctl_json_word (router_status_words, status);
}

const char *
portierctl_json_verify_status (PortierVerifyStatus status)
{
  return portierctl_json_word (verify_status_words, status);
}

const char *
portierctl_json_verdict (PortierVerdict verdict)
{
  return portierctl_json_word (verdict_words, verdict);
}

const char *
portierctl_json_layer (PortierLayer layer)
{
  return portierctl_json_word (layer_words, layer);
}

const char *
portierctl_json_finding_status (PortierFindingStatus status)
{
  return portierctl_json_word (finding_status_words, status);
}

const char *
portierctl_json_owner (PortierMappingOwner owner)
{
  return portierctl_json_word (owner_words, owner);
}

const char *
portierctl_json_method (PortierRouterMethod method)
{
  return portierctl_json_word (method_words, method);
}

const char *
portierctl_json_wan (PortierWanClass wan_class)
{
  return portierctl_json_word (wan_words, wan_class);
}

const char *
portierctl_json_ipv6_status (PortierIpv6Status status)
{
  return portierctl_json_word (ipv6_status_words, status);
}

/* ---- shapes ---- */

void
portierctl_add_port_spec (JsonBuilder           *builder,
                          const PortierPortSpec *spec)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "first");
  json_builder_add_int_value (builder, spec->first);
  json_builder_set_member_name (builder, "last");
  json_builder_add_int_value (builder, spec->last);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (spec->protocol));
  json_builder_end_object (builder);
}

void
portierctl_add_mapping (JsonBuilder          *builder,
                        const PortierMapping *m,
                        PortierMappingOwner   owner)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "external_port");
  json_builder_add_int_value (builder, m->external_port);
  json_builder_set_member_name (builder, "internal_client");
  json_builder_add_string_value (builder, m->internal_client != NULL ? m->internal_client : "");
  json_builder_set_member_name (builder, "internal_port");
  json_builder_add_int_value (builder, m->internal_port);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (m->protocol));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, m->description != NULL ? m->description : "");
  json_builder_set_member_name (builder, "lease");
  json_builder_add_int_value (builder, m->lease);
  json_builder_set_member_name (builder, "owner");
  json_builder_add_string_value (builder, portierctl_json_owner (owner));
  json_builder_set_member_name (builder, "ours");
  json_builder_add_boolean_value (builder, owner == PORTIER_MAPPING_OWNER_PORTIER);
  json_builder_end_object (builder);
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
      json_builder_add_string_value (builder, portierctl_error_name (error));
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, portier_error_user_message (error));
      json_builder_end_object (builder);
      return;
    }

  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, portierctl_json_method (info->method));
  portier_json_add_string (builder, "url", info->url);
  portier_json_add_string (builder, "name", info->name);
  json_builder_set_member_name (builder, "igd_version");
  json_builder_add_int_value (builder, info->igd_version);
  portier_json_add_string (builder, "connection", info->connection);
  portier_json_add_string (builder, "external_address",
                           info->external_address != NULL && *info->external_address != '\0'
                           ? info->external_address : NULL);
  json_builder_set_member_name (builder, "wan");
  json_builder_add_string_value (builder, portierctl_json_wan (info->wan_class));
  json_builder_set_member_name (builder, "wan_description");
  json_builder_add_string_value (builder, portier_wan_class_describe (info->wan_class));
  portier_json_add_string (builder, "upstream_hop", info->upstream_hop);
  portier_json_add_string (builder, "gateway", info->gateway);
  portier_json_add_string (builder, "lan_address", info->lan_address);
  portier_json_add_string (builder, "ipv6_address", info->ipv6_address);
  json_builder_set_member_name (builder, "ipv6_pinholes");
  json_builder_add_boolean_value (builder, info->pinholes);
  json_builder_set_member_name (builder, "remembered");
  json_builder_add_boolean_value (builder, info->from_cache);
  json_builder_end_object (builder);
}


/* @result, when given, words a refusal over another program's forward as such. */
static void
add_result_error (JsonBuilder             *builder,
                  const PortierOpenResult *result,
                  const GError            *error)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    return;
  text = result != NULL ? portier_open_result_error_text (result, error)
                        : g_strdup (portier_error_user_message (error));
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, text);
  if (error->domain == PORTIER_ERROR)
    {
      json_builder_set_member_name (builder, "error_name");
      json_builder_add_string_value (builder, portierctl_error_name (error));
    }
}

static void
add_error (JsonBuilder  *builder,
           const GError *error)
{
  add_result_error (builder, NULL, error);
}

static void
add_optional (JsonBuilder *builder,
              const char  *name,
              const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * portierctl_add_open_result:
 *
 * One opening in the JSON shape of the contract.
 */
void
portierctl_add_open_result (JsonBuilder             *builder,
                            const PortierOpenResult *result)
{
  g_autofree char *share = portier_open_result_dup_share (result);
  PortierRouterMethod method = PORTIER_ROUTER_METHOD_UPNP;
  PortierWanClass wan_class = PORTIER_WAN_UNKNOWN;
  gboolean has_router = portier_open_result_get_router (result, &method, &wan_class);
  PortierIpv6Status ipv6_status = portier_open_result_get_ipv6_status (result);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, result->id);
  json_builder_set_member_name (builder, "port");
  portierctl_add_port_spec (builder, &result->spec);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, result->error == NULL ? "open" : "failed");
  add_result_error (builder, result, result->error);

  json_builder_set_member_name (builder, "firewall");
  json_builder_begin_object (builder);
  add_optional (builder, "status", portierctl_json_firewall_status (result->firewall_status));
  add_optional (builder, "backend", result->firewall_backend);
  add_optional (builder, "zone", result->firewall_zone);
  add_optional (builder, "command", result->firewall_command);
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; result->firewall_rules != NULL && result->firewall_rules[i] != NULL; i++)
    json_builder_add_string_value (builder, result->firewall_rules[i]);
  json_builder_end_array (builder);
  add_error (builder, result->firewall_error);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "router");
  json_builder_begin_object (builder);
  add_optional (builder, "status", portierctl_json_router_status (result->router_status));
  add_optional (builder, "method", has_router ? portierctl_json_method (method) : NULL);
  add_optional (builder, "wan", has_router ? portierctl_json_wan (wan_class) : NULL);
  add_optional (builder, "external_address", result->external_address);
  add_optional (builder, "forwarded_by", result->forwarded_by);
  if (result->external_port != 0)
    {
      json_builder_set_member_name (builder, "external_port");
      json_builder_add_int_value (builder, result->external_port);
    }
  if (has_router)
    {
      json_builder_set_member_name (builder, "lease");
      json_builder_add_int_value (builder, result->lease);
      json_builder_set_member_name (builder, "permanent");
      json_builder_add_boolean_value (builder, result->permanent);
      json_builder_set_member_name (builder, "moved");
      json_builder_add_boolean_value (builder, result->moved);
    }
  if (result->mappings != NULL)
    {
      json_builder_set_member_name (builder, "mappings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->mappings->len; i++)
        {
          const PortierMapping *m = g_ptr_array_index (result->mappings, i);

          /* Each points at this computer: Portier's, or another program's it found. */
          portierctl_add_mapping (builder, m,
                                  portier_mapping_get_owner (m, m->internal_client));
        }
      json_builder_end_array (builder);
    }
  if (ipv6_status != PORTIER_IPV6_NONE)
    {
      json_builder_set_member_name (builder, "ipv6");
      json_builder_begin_object (builder);
      add_optional (builder, "status", portierctl_json_ipv6_status (ipv6_status));
      add_optional (builder, "address", result->ipv6_address);
      json_builder_set_member_name (builder, "pinholes");
      json_builder_begin_array (builder);
      for (guint i = 0; result->pinholes != NULL && i < result->pinholes->len; i++)
        {
          const PortierPinhole *pinhole = g_ptr_array_index (result->pinholes, i);

          json_builder_begin_object (builder);
          add_optional (builder, "id", pinhole->unique_id);
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, pinhole->internal_port);
          add_optional (builder, "protocol", portier_protocol_to_string (pinhole->protocol));
          json_builder_set_member_name (builder, "lease");
          json_builder_add_int_value (builder, pinhole->lease);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  if (result->router_error_code != 0)
    {
      json_builder_set_member_name (builder, "error_code");
      json_builder_add_int_value (builder, result->router_error_code);
    }
  if (result->alternative_port != 0)
    {
      json_builder_set_member_name (builder, "alternative_port");
      json_builder_add_int_value (builder, result->alternative_port);
    }
  add_optional (builder, "held_by", result->held_by);
  add_optional (builder, "held_by_program", result->held_by_program);
  add_result_error (builder, result, result->router_error);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "verify");
  json_builder_begin_object (builder);
  add_optional (builder, "status", portierctl_json_verify_status (result->verify_status));
  add_error (builder, result->verify_error);
  json_builder_end_object (builder);

  add_optional (builder, "share", share);
  json_builder_set_member_name (builder, "ipv6_only");
  json_builder_add_boolean_value (builder, result->ipv6_only);
  json_builder_end_object (builder);
}
