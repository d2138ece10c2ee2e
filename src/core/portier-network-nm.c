/* portier-network-nm.c: the portier-networkmanager module, what NetworkManager (libnm)
 * says of the network this computer is on, behind PortierNetworkNmModule
 *
 * Built as a module of its own and loaded on first use (portier-module.h); it calls
 * nothing in the core: PortierNetwork gives it the record to fill.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-network"

#include "config.h"

#include <gmodule.h>
#include <NetworkManager.h>

#include "portier-network-nm.h"

static gboolean
is_vpn_connection (NMActiveConnection *ac)
{
  const char *type = nm_active_connection_get_connection_type (ac);

  return nm_active_connection_get_vpn (ac) ||
         g_strcmp0 (type, NM_SETTING_WIREGUARD_SETTING_NAME) == 0 ||
         g_strcmp0 (type, NM_SETTING_TUN_SETTING_NAME) == 0;
}

static const char *
connection_type_name (const char *type)
{
  if (type == NULL)
    return NULL;
  if (g_str_equal (type, NM_SETTING_WIRED_SETTING_NAME))
    return "ethernet";
  if (g_str_equal (type, NM_SETTING_WIRELESS_SETTING_NAME))
    return "wifi";
  if (g_str_equal (type, NM_SETTING_GSM_SETTING_NAME) ||
      g_str_equal (type, NM_SETTING_CDMA_SETTING_NAME))
    return "mobile";
  return type;
}

static void
read_ip_config (NMIPConfig *config,
                char      **address,
                guint      *prefix,
                char      **gateway,
                GPtrArray  *ipv6)
{
  GPtrArray *addresses;

  if (config == NULL)
    return;

  if (gateway != NULL && *gateway == NULL && nm_ip_config_get_gateway (config) != NULL &&
      nm_ip_config_get_gateway (config)[0] != '\0')
    *gateway = g_strdup (nm_ip_config_get_gateway (config));

  addresses = nm_ip_config_get_addresses (config);
  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    {
      NMIPAddress *ip = g_ptr_array_index (addresses, i);

      if (ipv6 != NULL)
        g_ptr_array_add (ipv6, g_strdup (nm_ip_address_get_address (ip)));
      else if (address != NULL && *address == NULL)
        {
          *address = g_strdup (nm_ip_address_get_address (ip));
          *prefix = nm_ip_address_get_prefix (ip);
        }
    }
}

static void
watch (GPtrArray *watched,
       gpointer   object)
{
  if (object != NULL)
    g_ptr_array_add (watched, g_object_ref (object));
}

static void
read_client (GObject            *object,
             PortierNetworkInfo *info,
             GPtrArray          *ipv6,
             GPtrArray          *watched)
{
  NMClient *client = NM_CLIENT (object);
  const GPtrArray *active = nm_client_get_active_connections (client);
  NMActiveConnection *primary = nm_client_get_primary_connection (client);
  NMActiveConnection *lan = NULL;
  NMActiveConnection *vpn = NULL;

  info->source = PORTIER_NETWORK_SOURCE_NETWORK_MANAGER;
  info->vpn_active = PORTIER_TRISTATE_NO;
  info->metered = PORTIER_TRISTATE_UNKNOWN;

  /* The LAN side is the non-VPN connection with the default route (the primary one
   * unless a VPN took that place); the VPN is any VPN that carries the default route. */
  for (guint i = 0; active != NULL && i < active->len; i++)
    {
      NMActiveConnection *ac = g_ptr_array_index (active, i);
      gboolean is_default = nm_active_connection_get_default (ac) ||
                            nm_active_connection_get_default6 (ac);

      watch (watched, ac);
      if (nm_active_connection_get_state (ac) != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        continue;
      if (is_vpn_connection (ac))
        {
          if (is_default && vpn == NULL)
            vpn = ac;
        }
      else if (lan == NULL && (ac == primary || is_default))
        lan = ac;
    }
  if (lan == NULL && primary != NULL && !is_vpn_connection (primary))
    lan = primary;

  /* A full-tunnel VPN takes the default route from the connection under it: that base
   * connection is the VPN's specific object, or else the activated one with a gateway. */
  if (lan == NULL && vpn != NULL)
    {
      const char *base = nm_active_connection_get_specific_object_path (vpn);

      for (guint i = 0; active != NULL && i < active->len && lan == NULL; i++)
        {
          NMActiveConnection *ac = g_ptr_array_index (active, i);
          const char *path = nm_object_get_path (NM_OBJECT (ac));

          if (!is_vpn_connection (ac) && g_strcmp0 (path, base) == 0)
            lan = ac;
        }
      for (guint i = 0; active != NULL && i < active->len && lan == NULL; i++)
        {
          NMActiveConnection *ac = g_ptr_array_index (active, i);
          NMIPConfig *ip4 = nm_active_connection_get_ip4_config (ac);

          if (!is_vpn_connection (ac) &&
              nm_active_connection_get_state (ac) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED &&
              ip4 != NULL && nm_ip_config_get_gateway (ip4) != NULL)
            lan = ac;
        }
    }

  if (vpn != NULL)
    {
      const GPtrArray *devices = nm_active_connection_get_devices (vpn);

      info->vpn_active = PORTIER_TRISTATE_YES;
      info->vpn_name = g_strdup (nm_active_connection_get_id (vpn));
      if (devices != NULL && devices->len > 0)
        info->vpn_interface = g_strdup (nm_device_get_ip_iface (devices->pdata[0]) != NULL
                                        ? nm_device_get_ip_iface (devices->pdata[0])
                                        : nm_device_get_iface (devices->pdata[0]));
      if (info->vpn_interface == NULL || info->vpn_interface[0] == '\0')
        {
          g_free (info->vpn_interface);
          info->vpn_interface = g_strdup (info->vpn_name);
        }
    }

  if (lan != NULL)
    {
      const GPtrArray *devices = nm_active_connection_get_devices (lan);
      NMRemoteConnection *remote = nm_active_connection_get_connection (lan);
      NMIPConfig *ip4 = nm_active_connection_get_ip4_config (lan);
      NMIPConfig *ip6 = nm_active_connection_get_ip6_config (lan);

      info->connected = TRUE;
      info->connection_name = g_strdup (nm_active_connection_get_id (lan));
      info->connection_type =
        g_strdup (connection_type_name (nm_active_connection_get_connection_type (lan)));

      if (devices != NULL && devices->len > 0)
        {
          NMDevice *device = devices->pdata[0];
          const char *iface = nm_device_get_ip_iface (device);

          if (iface == NULL || iface[0] == '\0')
            iface = nm_device_get_iface (device);
          info->interface = g_strdup (iface);

          switch (nm_device_get_metered (device))
            {
            case NM_METERED_YES:
            case NM_METERED_GUESS_YES:
              info->metered = PORTIER_TRISTATE_YES;
              break;
            case NM_METERED_NO:
            case NM_METERED_GUESS_NO:
              info->metered = PORTIER_TRISTATE_NO;
              break;
            case NM_METERED_UNKNOWN:
            default:
              break;
            }
          watch (watched, device);
          if (ip4 == NULL)
            ip4 = nm_device_get_ip4_config (device);
          if (ip6 == NULL)
            ip6 = nm_device_get_ip6_config (device);
        }

      if (remote != NULL)
        {
          NMSettingConnection *setting =
            nm_connection_get_setting_connection (NM_CONNECTION (remote));
          const char *zone = setting != NULL ? nm_setting_connection_get_zone (setting) : NULL;

          if (zone != NULL && zone[0] != '\0')
            info->firewall_zone = g_strdup (zone);
          watch (watched, remote);
        }

      read_ip_config (ip4, &info->ipv4_address, &info->ipv4_prefix, &info->ipv4_gateway,
                      NULL);
      read_ip_config (ip6, NULL, NULL, &info->ipv6_gateway, ipv6);
      watch (watched, ip4);
      watch (watched, ip6);
    }
}


static GObject *
client_new_finish (GAsyncResult  *result,
                   GError       **error)
{
  g_autoptr(NMClient) client = nm_client_new_finish (result, error);

  if (client != NULL && !nm_client_get_nm_running (client))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "NetworkManager is not running");
      return NULL;
    }
  return G_OBJECT (g_steal_pointer (&client));
}

static gboolean
is_running (GObject *client)
{
  return nm_client_get_nm_running (NM_CLIENT (client));
}

G_MODULE_EXPORT const PortierNetworkNmModule portier_module = {
  .abi = PORTIER_NETWORK_NM_MODULE_ABI,
  .client_new_async = nm_client_new_async,
  .client_new_finish = client_new_finish,
  .is_running = is_running,
  .read = read_client,
};
