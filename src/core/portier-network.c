/* portier-network.c: the network this computer is on
 *
 * NetworkManager (libnm, asynchronous, in the portier-networkmanager module: see
 * portier-network-nm.c) when it runs and we may talk to it; otherwise the
 * kernel's own tables (/proc/net/route, /proc/net/ipv6_route, getifaddrs, /sys/class/net),
 * with what they cannot tell (connection names, firewalld zones, metered) left unknown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-network"

#include "config.h"

#include <string.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-error.h"
#include "portier-json.h"
#include "portier-module.h"
#include "portier-network.h"
#ifdef HAVE_LIBNM
#include "portier-network-nm.h"
#endif

#define RTF_UP_FLAG 0x0001
#define RTF_REJECT_FLAG 0x0200
#define ARPHRD_PPP_TYPE 512
#define ARPHRD_NONE_TYPE 65534

G_DEFINE_BOXED_TYPE (PortierNetworkInfo, portier_network_info,
                     portier_network_info_copy, portier_network_info_free)

PortierNetworkInfo *
portier_network_info_new (void)
{
  PortierNetworkInfo *self = g_new0 (PortierNetworkInfo, 1);

  self->ipv6_addresses = g_new0 (char *, 1);
  return self;
}

PortierNetworkInfo *
portier_network_info_copy (const PortierNetworkInfo *self)
{
  PortierNetworkInfo *copy = g_memdup2 (self, sizeof *self);

  copy->connection_name = g_strdup (self->connection_name);
  copy->connection_type = g_strdup (self->connection_type);
  copy->interface = g_strdup (self->interface);
  copy->ipv4_address = g_strdup (self->ipv4_address);
  copy->ipv4_gateway = g_strdup (self->ipv4_gateway);
  copy->ipv6_addresses = g_strdupv (self->ipv6_addresses);
  copy->ipv6_gateway = g_strdup (self->ipv6_gateway);
  copy->vpn_interface = g_strdup (self->vpn_interface);
  copy->vpn_name = g_strdup (self->vpn_name);
  copy->firewall_zone = g_strdup (self->firewall_zone);
  return copy;
}

void
portier_network_info_free (PortierNetworkInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->connection_name);
  g_free (self->connection_type);
  g_free (self->interface);
  g_free (self->ipv4_address);
  g_free (self->ipv4_gateway);
  g_strfreev (self->ipv6_addresses);
  g_free (self->ipv6_gateway);
  g_free (self->vpn_interface);
  g_free (self->vpn_name);
  g_free (self->firewall_zone);
  g_free (self);
}

gboolean
portier_network_info_equal (const PortierNetworkInfo *a,
                            const PortierNetworkInfo *b)
{
  return a->source == b->source &&
         a->connected == b->connected &&
         g_strcmp0 (a->connection_name, b->connection_name) == 0 &&
         g_strcmp0 (a->connection_type, b->connection_type) == 0 &&
         g_strcmp0 (a->interface, b->interface) == 0 &&
         g_strcmp0 (a->ipv4_address, b->ipv4_address) == 0 &&
         a->ipv4_prefix == b->ipv4_prefix &&
         g_strcmp0 (a->ipv4_gateway, b->ipv4_gateway) == 0 &&
         g_strv_equal ((const char * const *) a->ipv6_addresses,
                       (const char * const *) b->ipv6_addresses) &&
         g_strcmp0 (a->ipv6_gateway, b->ipv6_gateway) == 0 &&
         a->vpn_active == b->vpn_active &&
         g_strcmp0 (a->vpn_interface, b->vpn_interface) == 0 &&
         g_strcmp0 (a->vpn_name, b->vpn_name) == 0 &&
         g_strcmp0 (a->firewall_zone, b->firewall_zone) == 0 &&
         a->metered == b->metered;
}

const char *
portier_tristate_to_string (PortierTristate value)
{
  switch (value)
    {
    case PORTIER_TRISTATE_YES:
      return "yes";
    case PORTIER_TRISTATE_NO:
      return "no";
    case PORTIER_TRISTATE_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
portier_network_source_to_string (PortierNetworkSource source)
{
  return source == PORTIER_NETWORK_SOURCE_NETWORK_MANAGER ? "networkmanager" : "kernel";
}

/**
 * portier_network_info_serialize:
 *
 * Adds the info as one JSON object (unknown values are null).
 */
void
portier_network_info_serialize (const PortierNetworkInfo *self,
                                JsonBuilder              *builder)
{
  json_builder_begin_object (builder);
  portier_json_add_string (builder, "source", portier_network_source_to_string (self->source));
  json_builder_set_member_name (builder, "connected");
  json_builder_add_boolean_value (builder, self->connected);
  portier_json_add_string (builder, "connection", self->connection_name);
  portier_json_add_string (builder, "type", self->connection_type);
  portier_json_add_string (builder, "interface", self->interface);
  portier_json_add_string (builder, "ipv4_address", self->ipv4_address);
  json_builder_set_member_name (builder, "ipv4_prefix");
  json_builder_add_int_value (builder, self->ipv4_prefix);
  portier_json_add_string (builder, "ipv4_gateway", self->ipv4_gateway);
  json_builder_set_member_name (builder, "ipv6_addresses");
  json_builder_begin_array (builder);
  for (guint i = 0; self->ipv6_addresses[i] != NULL; i++)
    json_builder_add_string_value (builder, self->ipv6_addresses[i]);
  json_builder_end_array (builder);
  portier_json_add_string (builder, "ipv6_gateway", self->ipv6_gateway);
  portier_json_add_string (builder, "vpn", portier_tristate_to_string (self->vpn_active));
  portier_json_add_string (builder, "vpn_interface", self->vpn_interface);
  portier_json_add_string (builder, "vpn_name", self->vpn_name);
  portier_json_add_string (builder, "firewall_zone", self->firewall_zone);
  portier_json_add_string (builder, "metered", portier_tristate_to_string (self->metered));
  json_builder_end_object (builder);
}

/* An IPv6 address people on the internet can reach: not loopback, link-local, ULA,
 * multicast or v4-mapped. */
static gboolean
is_global_ipv6 (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_is_loopback (address) ||
      g_inet_address_get_is_link_local (address) ||
      g_inet_address_get_is_multicast (address) ||
      g_inet_address_get_is_any (address) ||
      g_inet_address_get_is_site_local (address))
    return FALSE;
  if ((bytes[0] & 0xfe) == 0xfc)   /* fc00::/7, unique local */
    return FALSE;
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    return FALSE;
  return TRUE;
}

static void
add_ipv6 (GPtrArray  *addresses,
          const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  if (address != NULL && is_global_ipv6 (address) &&
      !g_ptr_array_find_with_equal_func (addresses, text, g_str_equal, NULL))
    g_ptr_array_add (addresses, g_strdup (text));
}

static GStrv
steal_strv (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (GStrv) g_ptr_array_free (array, FALSE);
}

/* The fields of one line of a /proc/net table: separated by any run of spaces and tabs. */
static GStrv
split_fields (char *line)
{
  g_auto(GStrv) parts = g_strsplit_set (g_strstrip (line), " \t", -1);
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (fields, g_strdup (parts[i]));
  return steal_strv (fields);
}

/**
 * portier_network_parse_route:
 * @contents: the text of /proc/net/route
 *
 * Finds the IPv4 default route with the lowest metric.
 *
 * Returns: %TRUE when there is one
 */
gboolean
portier_network_parse_route (const char  *contents,
                             char       **interface,
                             char       **gateway)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint64 best_metric = G_MAXUINT64;

  *interface = NULL;
  *gateway = NULL;

  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = split_fields (lines[i]);
      guint64 dest, gw, flags, metric, mask;

      /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
      if (g_strv_length (fields) < 8 ||
          !g_ascii_string_to_unsigned (fields[1], 16, 0, G_MAXUINT32, &dest, NULL) ||
          !g_ascii_string_to_unsigned (fields[2], 16, 0, G_MAXUINT32, &gw, NULL) ||
          !g_ascii_string_to_unsigned (fields[3], 16, 0, G_MAXUINT32, &flags, NULL) ||
          !g_ascii_string_to_unsigned (fields[6], 10, 0, G_MAXUINT32, &metric, NULL) ||
          !g_ascii_string_to_unsigned (fields[7], 16, 0, G_MAXUINT32, &mask, NULL))
        continue;

      if (dest != 0 || mask != 0 || !(flags & RTF_UP_FLAG) || metric >= best_metric)
        continue;

      best_metric = metric;
      g_free (*interface);
      g_free (*gateway);
      *interface = g_strdup (fields[0]);
      *gateway = NULL;
      if (gw != 0)
        {
          guint32 word = (guint32) gw;
          g_autoptr(GInetAddress) address =
            g_inet_address_new_from_bytes ((const guint8 *) &word, G_SOCKET_FAMILY_IPV4);
          *gateway = g_inet_address_to_string (address);
        }
    }

  return *interface != NULL;
}

static gboolean
parse_ipv6_hex (const char *text,
                guint8      bytes[16])
{
  if (strlen (text) != 32)
    return FALSE;
  for (guint i = 0; i < 16; i++)
    {
      int hi = g_ascii_xdigit_value (text[i * 2]);
      int lo = g_ascii_xdigit_value (text[i * 2 + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      bytes[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

/**
 * portier_network_parse_ipv6_route:
 * @contents: the text of /proc/net/ipv6_route
 *
 * Finds the IPv6 default route with the lowest metric, ignoring the kernel's reject
 * routes on the loopback interface.
 */
gboolean
portier_network_parse_ipv6_route (const char  *contents,
                                  char       **interface,
                                  char       **gateway)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint64 best_metric = G_MAXUINT64;

  *interface = NULL;
  *gateway = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = split_fields (lines[i]);
      guint8 dest[16], next_hop[16];
      guint64 dest_len, metric, flags;
      static const guint8 zero[16] = { 0 };

      /* dest dest_len src src_len next_hop metric refcnt use flags iface */
      if (g_strv_length (fields) < 10 ||
          !parse_ipv6_hex (fields[0], dest) ||
          !g_ascii_string_to_unsigned (fields[1], 16, 0, 128, &dest_len, NULL) ||
          !parse_ipv6_hex (fields[4], next_hop) ||
          !g_ascii_string_to_unsigned (fields[5], 16, 0, G_MAXUINT32, &metric, NULL) ||
          !g_ascii_string_to_unsigned (fields[8], 16, 0, G_MAXUINT32, &flags, NULL))
        continue;

      if (dest_len != 0 || memcmp (dest, zero, 16) != 0 || !(flags & RTF_UP_FLAG) ||
          (flags & RTF_REJECT_FLAG) || g_str_equal (fields[9], "lo") ||
          metric >= best_metric)
        continue;

      best_metric = metric;
      g_free (*interface);
      g_free (*gateway);
      *interface = g_strdup (fields[9]);
      *gateway = NULL;
      if (memcmp (next_hop, zero, 16) != 0)
        {
          g_autoptr(GInetAddress) address =
            g_inet_address_new_from_bytes (next_hop, G_SOCKET_FAMILY_IPV6);
          *gateway = g_inet_address_to_string (address);
        }
    }

  return *interface != NULL;
}

static gboolean
read_sys_uint (const char *sys_root,
               const char *interface,
               const char *attribute,
               guint64    *value)
{
  g_autofree char *path = g_build_filename (sys_root, "class", "net", interface, attribute,
                                            NULL);
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) &&
         g_ascii_string_to_unsigned (g_strstrip (contents), 10, 0, G_MAXUINT32, value, NULL);
}

/* Tunnels: tun/tap (OpenVPN and most VPN clients), WireGuard, PPP. */
static gboolean
is_tunnel (const char *sys_root,
           const char *interface)
{
  g_autofree char *tun_flags = g_build_filename (sys_root, "class", "net", interface,
                                                 "tun_flags", NULL);
  guint64 type;

  if (g_file_test (tun_flags, G_FILE_TEST_EXISTS))
    return TRUE;
  if (read_sys_uint (sys_root, interface, "type", &type) &&
      (type == ARPHRD_NONE_TYPE || type == ARPHRD_PPP_TYPE))
    return TRUE;
  return FALSE;
}

/* OpenVPN and others route 0.0.0.0/1 and 128.0.0.0/1 through the tunnel instead of
 * replacing the default route: any route of prefix /0 or /1 through a tunnel counts. */
static char *
find_tunnel_route (const char *contents,
                   const char *sys_root)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = split_fields (lines[i]);
      guint64 flags, mask;

      if (g_strv_length (fields) < 8 ||
          !g_ascii_string_to_unsigned (fields[3], 16, 0, G_MAXUINT32, &flags, NULL) ||
          !g_ascii_string_to_unsigned (fields[7], 16, 0, G_MAXUINT32, &mask, NULL))
        continue;

      /* The mask is in network order: /0 is 0, /1 is 0x80 in the first byte. */
      if ((flags & RTF_UP_FLAG) && (mask == 0 || mask == 0x80) &&
          is_tunnel (sys_root, fields[0]))
        return g_strdup (fields[0]);
    }
  return NULL;
}

static void
read_addresses (PortierNetworkInfo *info)
{
  g_autoptr(GPtrArray) ipv6 = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return;

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      GInetAddress *inet;

      if (ifa->ifa_addr == NULL || g_strcmp0 (ifa->ifa_name, info->interface) != 0)
        continue;
      if (ifa->ifa_addr->sa_family != AF_INET && ifa->ifa_addr->sa_family != AF_INET6)
        continue;

      address = g_socket_address_new_from_native (ifa->ifa_addr,
                                                   ifa->ifa_addr->sa_family == AF_INET
                                                     ? sizeof (struct sockaddr_in)
                                                     : sizeof (struct sockaddr_in6));
      if (address == NULL)
        continue;
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));

      if (ifa->ifa_addr->sa_family == AF_INET && info->ipv4_address == NULL)
        {
          info->ipv4_address = g_inet_address_to_string (inet);
          if (ifa->ifa_netmask != NULL)
            {
              guint32 mask = ((struct sockaddr_in *) ifa->ifa_netmask)->sin_addr.s_addr;
              info->ipv4_prefix = (guint) __builtin_popcount (mask);
            }
        }
      else if (ifa->ifa_addr->sa_family == AF_INET6)
        {
          g_autofree char *text = g_inet_address_to_string (inet);
          add_ipv6 (ipv6, text);
        }
    }
  freeifaddrs (list);

  g_strfreev (info->ipv6_addresses);
  info->ipv6_addresses = steal_strv (g_steal_pointer (&ipv6));
}

/**
 * portier_network_read_kernel:
 * @proc_root: normally "/proc"
 * @sys_root: normally "/sys"
 *
 * Blocking, but quick (a few small files).
 */
PortierNetworkInfo *
portier_network_read_kernel (const char *proc_root,
                             const char *sys_root)
{
  PortierNetworkInfo *info = portier_network_info_new ();
  g_autofree char *route_path = g_build_filename (proc_root, "net", "route", NULL);
  g_autofree char *route6_path = g_build_filename (proc_root, "net", "ipv6_route", NULL);
  g_autofree char *routes = NULL;
  g_autofree char *routes6 = NULL;
  g_autofree char *interface6 = NULL;

  info->source = PORTIER_NETWORK_SOURCE_KERNEL;
  info->metered = PORTIER_TRISTATE_UNKNOWN;

  if (g_file_get_contents (route_path, &routes, NULL, NULL))
    portier_network_parse_route (routes, &info->interface, &info->ipv4_gateway);
  if (g_file_get_contents (route6_path, &routes6, NULL, NULL))
    portier_network_parse_ipv6_route (routes6, &interface6, &info->ipv6_gateway);

  if (info->interface == NULL)
    info->interface = g_steal_pointer (&interface6);

  info->connected = info->interface != NULL;
  info->vpn_active = PORTIER_TRISTATE_NO;

  if (routes != NULL)
    info->vpn_interface = find_tunnel_route (routes, sys_root);
  if (info->vpn_interface == NULL && info->interface != NULL &&
      is_tunnel (sys_root, info->interface))
    info->vpn_interface = g_strdup (info->interface);
  if (info->vpn_interface != NULL)
    info->vpn_active = PORTIER_TRISTATE_YES;

  if (info->interface != NULL)
    read_addresses (info);

  return info;
}

struct _PortierNetwork
{
  GObject             parent_instance;

  PortierNetworkInfo *info;
  GNetworkMonitor    *monitor;
  guint               refresh_id;
#ifdef HAVE_LIBNM
  const PortierNetworkNmModule *nm;   /* libnm, loaded on first use */
  GObject            *client;    /* NMClient */
  GPtrArray          *watched;   /* objects whose notify we follow */
#endif
};

G_DEFINE_FINAL_TYPE (PortierNetwork, portier_network, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refresh (PortierNetwork *self);

static void
update (PortierNetwork     *self,
        PortierNetworkInfo *info)
{
  gboolean changed = self->info == NULL || !portier_network_info_equal (self->info, info);

  g_clear_pointer (&self->info, portier_network_info_free);
  self->info = info;
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

#ifdef HAVE_LIBNM

static void
unwatch_all (PortierNetwork *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static PortierNetworkInfo *
read_network_manager (PortierNetwork *self)
{
  PortierNetworkInfo *info = portier_network_info_new ();
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ipv6 = g_ptr_array_new_with_free_func (g_free);

  unwatch_all (self);
  self->nm->read (self->client, info, listed, self->watched);
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_connect_object (g_ptr_array_index (self->watched, i), "notify",
                             G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < listed->len; i++)
    add_ipv6 (ipv6, g_ptr_array_index (listed, i));
  g_strfreev (info->ipv6_addresses);
  info->ipv6_addresses = steal_strv (g_steal_pointer (&ipv6));
  return info;
}

#endif /* HAVE_LIBNM */

static gboolean
refresh_idle_cb (gpointer user_data)
{
  PortierNetwork *self = user_data;

  self->refresh_id = 0;

#ifdef HAVE_LIBNM
  if (self->client != NULL && self->nm->is_running (self->client))
    {
      update (self, read_network_manager (self));
      return G_SOURCE_REMOVE;
    }
#endif

  update (self, portier_network_read_kernel ("/proc", "/sys"));
  return G_SOURCE_REMOVE;
}

/* Changes come in bursts (an address, then a route, then a gateway): read once after
 * the burst. */
static void
refresh (PortierNetwork *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (50, refresh_idle_cb, self);
}

static void
portier_network_dispose (GObject *object)
{
  PortierNetwork *self = PORTIER_NETWORK (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
#ifdef HAVE_LIBNM
  if (self->watched != NULL)
    unwatch_all (self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
#endif

  G_OBJECT_CLASS (portier_network_parent_class)->dispose (object);
}

static void
portier_network_finalize (GObject *object)
{
  PortierNetwork *self = PORTIER_NETWORK (object);

  g_clear_pointer (&self->info, portier_network_info_free);
#ifdef HAVE_LIBNM
  g_clear_pointer (&self->watched, g_ptr_array_unref);
#endif

  G_OBJECT_CLASS (portier_network_parent_class)->finalize (object);
}

static void
portier_network_class_init (PortierNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = portier_network_dispose;
  object_class->finalize = portier_network_finalize;

  /**
   * PortierNetwork::changed:
   *
   * Something in portier_network_get_info() changed.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
portier_network_init (PortierNetwork *self)
{
#ifdef HAVE_LIBNM
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
#endif
}

/**
 * portier_network_get_info:
 *
 * Returns: (transfer none): what is known now; replaced (not changed in place) before
 *   #PortierNetwork::changed
 */
const PortierNetworkInfo *
portier_network_get_info (PortierNetwork *self)
{
  g_return_val_if_fail (PORTIER_IS_NETWORK (self), NULL);
  return self->info;
}

static void
use_kernel (GTask *task)
{
  PortierNetwork *self = g_task_get_task_data (task);

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  update (self, portier_network_read_kernel ("/proc", "/sys"));
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

#ifdef HAVE_LIBNM
static void
client_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierNetwork *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = self->nm->client_new_finish (result, &error);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (client == NULL)
    {
      g_debug ("NetworkManager is not available (%s); reading the kernel's tables",
               error->message);
      use_kernel (task);
      return;
    }

  self->client = g_steal_pointer (&client);
  g_signal_connect_object (self->client, "notify", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "active-connection-added", G_CALLBACK (refresh),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "active-connection-removed", G_CALLBACK (refresh),
                           self, G_CONNECT_SWAPPED);
  update (self, read_network_manager (self));
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}
#endif

/**
 * portier_network_new_async:
 *
 * Connects to NetworkManager, or falls back on the kernel's tables. Set
 * PORTIER_NETWORK_SOURCE=kernel to skip NetworkManager.
 */
void
portier_network_new_async (GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_network_new_async);
  g_task_set_task_data (task, g_object_new (PORTIER_TYPE_NETWORK, NULL), g_object_unref);

#ifdef HAVE_LIBNM
  if (g_strcmp0 (g_getenv ("PORTIER_NETWORK_SOURCE"), "kernel") != 0)
    {
      PortierNetwork *self = g_task_get_task_data (task);
      g_autoptr(GError) error = NULL;

      self->nm = portier_module_get ("networkmanager", PORTIER_NETWORK_NM_MODULE_ABI, &error);
      if (self->nm != NULL)
        {
          self->nm->client_new_async (cancellable, client_ready_cb, g_steal_pointer (&task));
          return;
        }
      /* The kernel's tables tell the essentials. */
      g_warning ("%s", error->message);
    }
#endif

  use_kernel (task);
}

PortierNetwork *
portier_network_new_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
