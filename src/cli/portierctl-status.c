/* portierctl-status.c: portierctl status — network, router, firewall at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-json.h"
#include "portier-network.h"
#include "portierctl-private.h"

/* The network part of status. */
static void
network_print (const PortierNetworkInfo *info)
{
  g_print ("%s\n", _("Network:"));
  if (!info->connected)
    {
      g_print ("  %s\n", _("This computer is not connected to a network."));
      return;
    }
  if (info->connection_name != NULL)
    /* TRANSLATORS: %s is the name of a network connection, such as "Home Wi-Fi" */
    g_print (_("  Connected through “%s”.\n"), info->connection_name);
  if (info->ipv4_address != NULL)
    /* TRANSLATORS: %s is an address, the second the network card (eth0, wlan0) */
    g_print (_("  This computer is %s on %s.\n"), info->ipv4_address,
             info->interface != NULL ? info->interface : "?");
  if (info->ipv6_addresses[0] != NULL)
    /* TRANSLATORS: %s is an IPv6 address */
    g_print (_("  It also has the IPv6 address %s.\n"), info->ipv6_addresses[0]);
  if (info->vpn_active == PORTIER_TRISTATE_YES)
    /* TRANSLATORS: %s is the name of a VPN */
    g_print (_("  A VPN (%s) carries its connections to the internet.\n"),
             info->vpn_name != NULL ? info->vpn_name : info->vpn_interface);
  if (info->metered == PORTIER_TRISTATE_YES)
    g_print ("  %s\n", _("The connection is metered."));
}

/* The firewall part of status. */
static void
firewall_print (PortierFirewall *firewall)
{
  g_print ("%s\n", _("This computer’s firewall:"));
  switch (firewall != NULL ? portier_firewall_get_mode (firewall)
                           : PORTIER_FIREWALL_MODE_MANUAL)
    {
    case PORTIER_FIREWALL_MODE_HELPER:
      g_print ("  %s\n", _("Portier’s helper changes it when you open a port."));
      break;
    case PORTIER_FIREWALL_MODE_FIREWALLD:
      g_print ("  %s\n", _("firewalld; it asks for your password when you open a port."));
      break;
    case PORTIER_FIREWALL_MODE_MANUAL:
    default:
      g_print ("  %s\n", _("Portier cannot change it here; it shows you the command to run."));
      break;
    }
}

/* The router part of status. */
static void
router_print (const PortierRouterInfo *info,
              const GError            *error)
{
  if (info == NULL)
    {
      g_print ("%s\n", _("Router:"));
      g_print ("  %s\n", portier_error_user_message (error));
      return;
    }

  g_print ("%s\n", _("Router:"));
  if (info->method == PORTIER_ROUTER_METHOD_UPNP)
    /* TRANSLATORS: %s is the router's address, %u the UPnP IGD version (1 or 2) */
    g_print (_("  Found at %s, automatic port forwarding over UPnP (IGD version %u).\n"),
             info->gateway, info->igd_version);
  else
    /* TRANSLATORS: %s is the router's address */
    g_print (_("  Found at %s, automatic port forwarding over NAT-PMP.\n"), info->gateway);
  if (info->external_address != NULL && *info->external_address != '\0')
    /* TRANSLATORS: %s is an internet address */
    g_print (_("  Its internet address: %s\n"), info->external_address);
  else
    g_print ("  %s\n", _("It does not say which internet address it has."));
  g_print ("  %s\n", portier_wan_class_describe (info->wan_class));
  if (info->lan_address != NULL)
    /* TRANSLATORS: %s is this computer's address in the home network */
    g_print (_("  This computer is %s in your home network.\n"), info->lan_address);
}

/**
 * portierctl_router_discover:
 *
 * Finds the router, waiting on the main context.
 *
 * Returns: (transfer full): the router, or %NULL with %PORTIER_ERROR_ROUTER_NOT_FOUND
 */
static PortierRouter *
portierctl_router_discover (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_router_discover_async (PORTIER_ROUTER_DISCOVER_NONE, NULL,
                                 portierctl_store_result_cb, &result);
  return portier_router_discover_finish (portierctl_wait (&result), error);
}

int
portierctl_status (int    argc,
                   char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "status", "", _("Show the network, the router, this computer’s firewall and what Portier "
                    "opened, at a glance."), entries);
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(PortierNetwork) network = NULL;
  g_autoptr(PortierFirewall) firewall = NULL;
  g_autoptr(PortierLedger) ledger = portier_ledger_new_default ();
  g_autoptr(GAsyncResult) network_result = NULL;
  g_autoptr(GAsyncResult) firewall_result = NULL;
  g_autoptr(GError) error = NULL;
  const PortierRouterInfo *info;
  guint n_open;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return portierctl_usage_error ("status", _("status takes no port."));

  router = portierctl_router_discover (&error);
  info = router != NULL ? portier_router_get_info (router) : NULL;

  portier_network_new_async (NULL, portierctl_store_result_cb, &network_result);
  network = portier_network_new_finish (portierctl_wait (&network_result), NULL);
  portier_firewall_new_async (NULL, portierctl_store_result_cb, &firewall_result);
  firewall = portier_firewall_new_finish (portierctl_wait (&firewall_result), NULL);
  portier_ledger_load (ledger, NULL);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "network");
      if (network != NULL)
        portier_network_info_serialize (portier_network_get_info (network), builder);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "router");
      portierctl_router_add_info_json (builder, info, error);
      json_builder_set_member_name (builder, "firewall");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder,
                                     portier_firewall_mode_to_string (
                                       firewall != NULL ? portier_firewall_get_mode (firewall)
                                                        : PORTIER_FIREWALL_MODE_MANUAL));
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "openings");
      json_builder_add_int_value (builder, portier_ledger_get_openings (ledger)->len);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    {
      if (network != NULL)
        network_print (portier_network_get_info (network));
      router_print (info, error);
      firewall_print (firewall);
      n_open = portier_ledger_get_openings (ledger)->len;
      g_print ("%s\n", _("Portier:"));
      if (n_open == 0)
        g_print ("  %s\n", _("Nothing is open."));
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "  %u opening; see “portierctl list”.\n",
                              "  %u openings; see “portierctl list”.\n", n_open), n_open);
    }

  return PORTIERCTL_EXIT_OK;
}
