/* portier-router-local-net.c: this computer's side of the network, and where a router
 * may live
 *
 * The default gateway, the interface toward it and this computer's addresses there; the
 * checks every router location must pass (an IP literal on this computer's own subnet:
 * never loopback, link-local, multicast or another network, so a forged SSDP reply
 * cannot make Portier talk to an arbitrary host).
 *
 * Everything here blocks and runs on the router's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-error.h"
#include "portier-router-local-net-private.h"

/* ---------------------------------------------------------------------------- local net */

void
portier_local_net_free (PortierLocalNet *self)
{
  if (self == NULL)
    return;
  g_free (self->interface);
  g_free (self->gateway);
  g_free (self->gateway_mac);
  g_free (self->address);
  g_clear_pointer (&self->addresses6, g_ptr_array_unref);
  g_free (self);
}

/**
 * portier_local_net_parse_route:
 * @contents: /proc/net/route
 *
 * Returns: whether a default route through a gateway was found (the lowest metric)
 */
gboolean
portier_local_net_parse_route (const char  *contents,
                               char       **interface,
                               char       **gateway)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", 0);
  guint64 best_metric = G_MAXUINT64;

  *interface = NULL;
  *gateway = NULL;

  /* After the header line; an empty file (a network namespace without routes) has none. */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", 0);
      GPtrArray *cols = g_ptr_array_new ();
      guint64 destination, via, flags, metric, mask;
      struct in_addr in;
      char text[INET_ADDRSTRLEN];

      for (guint f = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (cols, fields[f]);

      if (cols->len < 8 ||
          !g_ascii_string_to_unsigned (cols->pdata[1], 16, 0, G_MAXUINT32, &destination, NULL) ||
          !g_ascii_string_to_unsigned (cols->pdata[2], 16, 0, G_MAXUINT32, &via, NULL) ||
          !g_ascii_string_to_unsigned (cols->pdata[3], 16, 0, G_MAXUINT32, &flags, NULL) ||
          !g_ascii_string_to_unsigned (cols->pdata[6], 10, 0, G_MAXUINT32, &metric, NULL) ||
          !g_ascii_string_to_unsigned (cols->pdata[7], 16, 0, G_MAXUINT32, &mask, NULL) ||
          strlen (cols->pdata[0]) >= IFNAMSIZ)
        {
          g_ptr_array_unref (cols);
          continue;
        }

      /* A default route (0.0.0.0/0), up (1) and through a gateway (2). */
      if (destination == 0 && mask == 0 && (flags & 0x3) == 0x3 && via != 0 &&
          metric < best_metric)
        {
          /* The kernel prints the address as the 32-bit word it stores, in network order. */
          in.s_addr = (in_addr_t) via;
          inet_ntop (AF_INET, &in, text, sizeof text);
          g_free (*interface);
          g_free (*gateway);
          *interface = g_strdup (cols->pdata[0]);
          *gateway = g_strdup (text);
          best_metric = metric;
        }
      g_ptr_array_unref (cols);
    }

  return *gateway != NULL;
}

/**
 * portier_local_net_parse_arp:
 * @contents: /proc/net/arp
 *
 * Returns: (transfer full) (nullable): the hardware address of @address, when complete
 */
char *
portier_local_net_parse_arp (const char *contents,
                             const char *address)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", 0);

  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", 0);
      const char *cols[6];
      guint n = 0;
      guint64 flags;

      for (guint f = 0; fields[f] != NULL && n < G_N_ELEMENTS (cols); f++)
        if (*fields[f] != '\0')
          cols[n++] = fields[f];

      if (n < 4 || g_strcmp0 (cols[0], address) != 0)
        continue;
      if (!g_str_has_prefix (cols[2], "0x") ||
          !g_ascii_string_to_unsigned (cols[2] + 2, 16, 0, G_MAXUINT32, &flags, NULL) ||
          !(flags & 0x2) || strlen (cols[3]) != 17 ||
          g_str_equal (cols[3], "00:00:00:00:00:00"))
        continue;
      return g_ascii_strdown (cols[3], -1);
    }
  return NULL;
}

static guint
prefix_length (const struct sockaddr *netmask)
{
  const guint8 *bytes;
  gsize len;
  guint bits = 0;

  if (netmask == NULL)
    return 0;
  if (netmask->sa_family == AF_INET6)
    {
      bytes = ((const struct sockaddr_in6 *) netmask)->sin6_addr.s6_addr;
      len = 16;
    }
  else
    {
      bytes = (const guint8 *) &((const struct sockaddr_in *) netmask)->sin_addr.s_addr;
      len = 4;
    }
  for (gsize i = 0; i < len; i++)
    for (int b = 7; b >= 0; b--)
      {
        if (!(bytes[i] & (1 << b)))
          return bits;
        bits++;
      }
  return bits;
}

/**
 * portier_local_net_read:
 * @proc_root: (nullable): where /proc is ("/proc" when %NULL)
 *
 * Returns: (transfer full): the interface toward the default gateway, its addresses and
 *   the gateway, or %NULL when there is no default route
 */
PortierLocalNet *
portier_local_net_read (const char  *proc_root,
                        GError     **error)
{
  g_autoptr(PortierLocalNet) net = g_new0 (PortierLocalNet, 1);
  g_autofree char *route_path = g_build_filename (proc_root ? proc_root : "/proc",
                                                  "net", "route", NULL);
  g_autofree char *arp_path = g_build_filename (proc_root ? proc_root : "/proc",
                                                "net", "arp", NULL);
  g_autofree char *route = NULL;
  g_autofree char *arp = NULL;
  struct ifaddrs *addrs = NULL;

  if (!g_file_get_contents (route_path, &route, NULL, error))
    return NULL;
  if (!portier_local_net_parse_route (route, &net->interface, &net->gateway))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "No IPv4 default route through a gateway");
      return NULL;
    }
  if (g_file_get_contents (arp_path, &arp, NULL, NULL))
    net->gateway_mac = portier_local_net_parse_arp (arp, net->gateway);

  net->addresses6 = g_ptr_array_new_with_free_func (g_free);
  if (getifaddrs (&addrs) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "getifaddrs: %s", g_strerror (saved));
      return NULL;
    }

  for (struct ifaddrs *a = addrs; a != NULL; a = a->ifa_next)
    {
      char text[INET6_ADDRSTRLEN];

      if (a->ifa_addr == NULL || g_strcmp0 (a->ifa_name, net->interface) != 0)
        continue;

      if (a->ifa_addr->sa_family == AF_INET && a->ifa_netmask != NULL)
        {
          struct in_addr in = ((struct sockaddr_in *) a->ifa_addr)->sin_addr;
          struct in_addr gw;
          guint32 mask = ntohl (((struct sockaddr_in *) a->ifa_netmask)->sin_addr.s_addr);
          guint32 host = ntohl (in.s_addr);

          /* The address whose subnet holds the gateway. */
          if (inet_pton (AF_INET, net->gateway, &gw) != 1 ||
              (ntohl (gw.s_addr) & mask) != (host & mask))
            continue;
          inet_ntop (AF_INET, &in, text, sizeof text);
          g_free (net->address);
          net->address = g_strdup (text);
          net->netmask = mask;
          net->network = host & mask;
        }
      else if (a->ifa_addr->sa_family == AF_INET6)
        {
          const struct in6_addr *in6 = &((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr;

          /* Global unicast only (2000::/3). */
          if ((in6->s6_addr[0] & 0xe0) != 0x20)
            continue;
          inet_ntop (AF_INET6, in6, text, sizeof text);
          g_ptr_array_add (net->addresses6,
                           g_strdup_printf ("%s/%u", text, prefix_length (a->ifa_netmask)));
        }
    }
  freeifaddrs (addrs);

  if (net->address == NULL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "No IPv4 address on %s in the gateway's subnet", net->interface);
      return NULL;
    }
  return g_steal_pointer (&net);
}

/**
 * portier_local_net_key:
 *
 * Returns: (transfer full): what tells this network from others: the gateway's address,
 *   its hardware address when known, and our subnet
 */
char *
portier_local_net_key (const PortierLocalNet *self)
{
  return g_strdup_printf ("%s/%u.%u.%u.%u/%s", self->gateway,
                          (self->network >> 24) & 0xff, (self->network >> 16) & 0xff,
                          (self->network >> 8) & 0xff, self->network & 0xff,
                          self->gateway_mac ? self->gateway_mac : "-");
}

/**
 * portier_local_net_update_mac:
 *
 * Reads the gateway's hardware address again (after talking to it, the ARP table has
 * it), so the network is remembered under the same key next time.
 */
void
portier_local_net_update_mac (PortierLocalNet *self,
                              const char      *proc_root)
{
  g_autofree char *arp_path = g_build_filename (proc_root ? proc_root : "/proc",
                                                "net", "arp", NULL);
  g_autofree char *arp = NULL;

  if (!g_file_get_contents (arp_path, &arp, NULL, NULL))
    return;
  g_free (self->gateway_mac);
  self->gateway_mac = portier_local_net_parse_arp (arp, self->gateway);
}

/**
 * portier_local_net_first_ipv6:
 *
 * Returns: (transfer full) (nullable): this computer's first global IPv6 address on the
 *   interface toward the gateway, without its prefix length
 */
char *
portier_local_net_first_ipv6 (const PortierLocalNet *self)
{
  const char *first;

  if (self->addresses6 == NULL || self->addresses6->len == 0)
    return NULL;
  first = g_ptr_array_index (self->addresses6, 0);
  return g_strndup (first, strcspn (first, "/"));
}

/* ---------------------------------------------------------------------------- locations */

/**
 * portier_router_parse_http_url:
 * @out: (out caller-allocates): host (an IP literal) and port; free out->host
 *
 * Returns: whether @url is "http://" followed by an IP literal, an optional port and a
 *   path. Host names are refused: a name could point anywhere.
 */
gboolean
portier_router_parse_http_url (const char     *url,
                               PortierUrlHost *out)
{
  const char *p, *host_end;
  g_autofree char *host = NULL;
  guint64 port = 80;
  gboolean ipv6 = FALSE;
  guint8 buf[16];

  memset (out, 0, sizeof *out);
  if (url == NULL || strlen (url) > 1024 || g_ascii_strncasecmp (url, "http://", 7) != 0)
    return FALSE;
  p = url + 7;

  if (*p == '[')
    {
      host_end = strchr (p, ']');
      if (host_end == NULL)
        return FALSE;
      host = g_strndup (p + 1, host_end - p - 1);
      p = host_end + 1;
      ipv6 = TRUE;
    }
  else
    {
      host_end = p + strcspn (p, ":/?#");
      host = g_strndup (p, host_end - p);
      p = host_end;
    }

  if (*p == ':')
    {
      g_autofree char *digits = NULL;
      const char *end = p + 1 + strcspn (p + 1, "/?#");

      digits = g_strndup (p + 1, end - p - 1);
      if (!g_ascii_string_to_unsigned (digits, 10, 1, 65535, &port, NULL))
        return FALSE;
      p = end;
    }
  if (*p != '\0' && *p != '/')
    return FALSE;

  if (inet_pton (ipv6 ? AF_INET6 : AF_INET, host, buf) != 1)
    return FALSE;

  out->host = g_steal_pointer (&host);
  out->port = (guint16) port;
  out->ipv6 = ipv6;
  return TRUE;
}

static gboolean
on_prefix6 (const struct in6_addr *address,
            const char            *with_prefix)
{
  g_autofree char *text = g_strdup (with_prefix);
  char *slash = strchr (text, '/');
  guint64 bits = 64;
  struct in6_addr ours;

  if (slash != NULL)
    {
      *slash = '\0';
      if (!g_ascii_string_to_unsigned (slash + 1, 10, 1, 128, &bits, NULL))
        return FALSE;
    }
  if (inet_pton (AF_INET6, text, &ours) != 1)
    return FALSE;
  for (guint i = 0; i < 16; i++)
    {
      guint take = bits >= 8 ? 8 : (guint) bits;
      guint8 mask = take == 0 ? 0 : (guint8) (0xff << (8 - take));

      if ((address->s6_addr[i] & mask) != (ours.s6_addr[i] & mask))
        return FALSE;
      bits -= take;
      if (bits == 0)
        break;
    }
  return memcmp (address, &ours, sizeof ours) != 0;
}

/**
 * portier_router_location_acceptable:
 * @reason: (out) (optional): why not, for the logs
 *
 * Returns: whether Portier may talk to the host of @url: an IPv4 address on this
 *   computer's subnet toward the gateway (or an IPv6 address on one of its global
 *   prefixes), and not loopback, link-local, multicast, broadcast or this computer.
 */
gboolean
portier_router_location_acceptable (const char            *url,
                                    const PortierLocalNet *net,
                                    const char           **reason)
{
  PortierUrlHost parsed;
  g_autofree char *host = NULL;
  const char *dummy;

  if (reason == NULL)
    reason = &dummy;

  if (!portier_router_parse_http_url (url, &parsed))
    {
      *reason = "not http:// with an IP address";
      return FALSE;
    }
  host = parsed.host;

  if (!parsed.ipv6)
    {
      struct in_addr in;
      guint32 a;

      inet_pton (AF_INET, host, &in);
      a = ntohl (in.s_addr);
      if ((a >> 24) == 0 || (a >> 24) == 127)
        *reason = "loopback or unspecified";
      else if ((a >> 16) == 0xa9fe)
        *reason = "link-local";
      else if ((a >> 28) >= 0xe)
        *reason = "multicast or reserved";
      else if ((a & net->netmask) != net->network)
        *reason = "not on this computer's subnet";
      else if (net->netmask != 0xffffffff && ((a & ~net->netmask) == 0 ||
                                              (a & ~net->netmask) == ~net->netmask))
        *reason = "the subnet's network or broadcast address";
      else if (g_strcmp0 (host, net->address) == 0)
        *reason = "this computer";
      else
        return TRUE;
      return FALSE;
    }
  else
    {
      struct in6_addr in6;

      inet_pton (AF_INET6, host, &in6);
      if (IN6_IS_ADDR_LOOPBACK (&in6) || IN6_IS_ADDR_UNSPECIFIED (&in6) ||
          IN6_IS_ADDR_V4MAPPED (&in6))
        *reason = "loopback, unspecified or mapped";
      else if (IN6_IS_ADDR_LINKLOCAL (&in6) || IN6_IS_ADDR_SITELOCAL (&in6))
        *reason = "link-local";
      else if (IN6_IS_ADDR_MULTICAST (&in6))
        *reason = "multicast";
      else
        {
          for (guint i = 0; net->addresses6 != NULL && i < net->addresses6->len; i++)
            if (on_prefix6 (&in6, g_ptr_array_index (net->addresses6, i)))
              return TRUE;
          *reason = "not on this computer's IPv6 prefix";
        }
      return FALSE;
    }
}

/**
 * portier_router_same_host:
 *
 * Returns: whether both URLs are http:// URLs of the same IP address
 */
gboolean
portier_router_same_host (const char *url_a,
                          const char *url_b)
{
  PortierUrlHost a, b;
  guint8 bytes_a[16], bytes_b[16];
  gboolean same;

  if (!portier_router_parse_http_url (url_a, &a))
    return FALSE;
  if (!portier_router_parse_http_url (url_b, &b))
    {
      g_free (a.host);
      return FALSE;
    }
  same = a.ipv6 == b.ipv6 &&
         inet_pton (a.ipv6 ? AF_INET6 : AF_INET, a.host, bytes_a) == 1 &&
         inet_pton (b.ipv6 ? AF_INET6 : AF_INET, b.host, bytes_b) == 1 &&
         memcmp (bytes_a, bytes_b, a.ipv6 ? 16 : 4) == 0;
  g_free (a.host);
  g_free (b.host);
  return same;
}

/**
 * portier_router_location_is_sender:
 * @sender: the address an SSDP answer came from (an IP literal)
 *
 * Returns: whether the host of @location is @sender: a device may only name itself
 */
gboolean
portier_router_location_is_sender (const char *location,
                                   const char *sender)
{
  g_autofree char *sender_url = NULL;

  if (sender == NULL || *sender == '\0')
    return FALSE;
  sender_url = strchr (sender, ':') != NULL ? g_strdup_printf ("http://[%s]/", sender)
                                            : g_strdup_printf ("http://%s/", sender);
  return portier_router_same_host (location, sender_url);
}
