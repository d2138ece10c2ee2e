/* portierctl-status.c: portierctl status — network, router, firewall at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portierctl-private.h"

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
    "status", "", _("Show the router and how it reaches the internet."), entries);
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GError) error = NULL;
  const PortierRouterInfo *info;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return portierctl_usage_error ("status", _("status takes no port."));

  router = portierctl_router_discover (&error);
  info = router != NULL ? portier_router_get_info (router) : NULL;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "router");
      portierctl_router_add_info_json (builder, info, error);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else
    router_print (info, error);

  return PORTIERCTL_EXIT_OK;
}
