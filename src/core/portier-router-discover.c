/* portier-router-discover.c: where the router is, and whether an answer may be trusted
 *
 * This computer's side (default gateway, interface, addresses), the checks every router
 * location must pass (an IP literal on this computer's own subnet: never loopback,
 * link-local, multicast or another network, so a forged SSDP reply cannot make Portier
 * talk to an arbitrary host), the SSDP search itself, the remembered router per network,
 * and the hop probe that tells carrier-grade NAT from a second router.
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
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-error.h"
#include "portier-router-private.h"

#define SSDP_PORT 1900
#define SSDP_GROUP4 "239.255.255.250"
#define SSDP_GROUP6 "ff02::c"
#define SSDP_MAX_REPLY 2048
#define SSDP_MAX_DEVICES 16
#define CACHE_MAX_NETWORKS 32
/* The hop probe goes toward a documentation address (TEST-NET-1) with a TTL of 2: it
 * expires at the second hop and never reaches anything beyond. */
#define HOP_PROBE_TARGET "192.0.2.1"
#define HOP_PROBE_PORT 33434
#define HOP_PROBE_WAIT_MS 700

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

/* ---------------------------------------------------------------------------- SSDP */

void
portier_ssdp_reply_free (PortierSsdpReply *self)
{
  if (self == NULL)
    return;
  g_free (self->location);
  g_free (self->st);
  g_free (self->usn);
  g_free (self->from);
  g_free (self);
}

static char *
header_value (const char *line,
              const char *name)
{
  gsize len = strlen (name);
  g_autofree char *value = NULL;

  if (g_ascii_strncasecmp (line, name, len) != 0 || line[len] != ':')
    return NULL;
  value = g_strstrip (g_strdup (line + len + 1));
  if (*value == '\0' || strlen (value) > 512 || !g_utf8_validate (value, -1, NULL))
    return NULL;
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return NULL;
  return g_steal_pointer (&value);
}

/**
 * portier_ssdp_parse_reply:
 *
 * Returns: (transfer full) (nullable): the answer to an M-SEARCH (an HTTP 200 response
 *   with LOCATION and ST), or %NULL for anything else
 */
PortierSsdpReply *
portier_ssdp_parse_reply (const char *data,
                          gsize       length)
{
  g_autoptr(PortierSsdpReply) reply = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (data == NULL || length < 12 || length > SSDP_MAX_REPLY)
    return NULL;
  if (memchr (data, '\0', length) != NULL)
    return NULL;

  text = g_strndup (data, length);
  lines = g_strsplit (text, "\n", 64);
  if (lines[0] == NULL ||
      g_ascii_strncasecmp (g_strchomp (lines[0]), "HTTP/1.", 7) != 0 ||
      strlen (lines[0]) < 12 || strncmp (lines[0] + 8, " 200", 4) != 0)
    return NULL;

  reply = g_new0 (PortierSsdpReply, 1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);
      char *value;

      if (*line == '\0')
        break;
      if (reply->location == NULL && (value = header_value (line, "LOCATION")) != NULL)
        reply->location = value;
      else if (reply->st == NULL && (value = header_value (line, "ST")) != NULL)
        reply->st = value;
      else if (reply->usn == NULL && (value = header_value (line, "USN")) != NULL)
        reply->usn = value;
    }

  if (reply->location == NULL || reply->st == NULL)
    return NULL;
  return g_steal_pointer (&reply);
}

static const char *const search_targets[] = {
  "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
  "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
};

static gboolean
send_searches (int                    fd,
               const struct sockaddr *to,
               socklen_t              to_len,
               gboolean               ipv6)
{
  gboolean sent = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (search_targets); i++)
    {
      g_autofree char *message = g_strdup_printf (
        "M-SEARCH * HTTP/1.1\r\n"
        "HOST: %s:%d\r\n"
        "MAN: \"ssdp:discover\"\r\n"
        "MX: 1\r\n"
        "ST: %s\r\n"
        "\r\n",
        ipv6 ? "[FF02::C]" : SSDP_GROUP4, SSDP_PORT, search_targets[i]);

      if (sendto (fd, message, strlen (message), 0, to, to_len) >= 0)
        sent = TRUE;
      else
        g_debug ("SSDP: sendto: %s", g_strerror (errno));
    }
  return sent;
}

static gboolean
reply_from_gateway (const PortierSsdpReply *reply,
                    const PortierLocalNet  *net)
{
  PortierUrlHost host;
  gboolean is_gateway;

  if (!portier_router_parse_http_url (reply->location, &host))
    return FALSE;
  is_gateway = !host.ipv6 && g_strcmp0 (host.host, net->gateway) == 0;
  g_free (host.host);
  return is_gateway;
}

static gint
gateway_first (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const PortierSsdpReply *ra = *(PortierSsdpReply * const *) a;
  const PortierSsdpReply *rb = *(PortierSsdpReply * const *) b;
  const PortierLocalNet *net = user_data;

  return (int) reply_from_gateway (rb, net) - (int) reply_from_gateway (ra, net);
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static int
socket_failed (int      fd,
               GError **error)
{
  int saved = errno;

  if (fd >= 0)
    close (fd);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "SSDP socket: %s",
               g_strerror (saved));
  return -1;
}

/* A socket that sends to the SSDP group through the interface toward the gateway. */
static int
open_search_socket (const PortierLocalNet    *net,
                    gboolean                  ipv6,
                    struct sockaddr_storage  *group,
                    socklen_t                *group_len,
                    GError                  **error)
{
  int fd;

  memset (group, 0, sizeof *group);
  if (ipv6)
    {
      struct sockaddr_in6 local = { 0 }, *to6 = (struct sockaddr_in6 *) group;
      unsigned int ifindex = if_nametoindex (net->interface);
      g_autofree char *global = portier_local_net_first_ipv6 (net);
      int hops = 2;

      fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0)
        return socket_failed (fd, error);
      local.sin6_family = AF_INET6;
      /* From the global address: the router then answers from its own global address,
       * the one its location names, and the answer can be tied to it. */
      if (global != NULL)
        inet_pton (AF_INET6, global, &local.sin6_addr);
      if (bind (fd, (struct sockaddr *) &local, sizeof local) != 0 ||
          setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) != 0 ||
          setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) != 0)
        return socket_failed (fd, error);
      to6->sin6_family = AF_INET6;
      to6->sin6_port = htons (SSDP_PORT);
      to6->sin6_scope_id = ifindex;
      inet_pton (AF_INET6, SSDP_GROUP6, &to6->sin6_addr);
      *group_len = sizeof *to6;
    }
  else
    {
      struct sockaddr_in local = { 0 }, *to4 = (struct sockaddr_in *) group;
      unsigned char ttl = 2;

      fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0)
        return socket_failed (fd, error);
      local.sin_family = AF_INET;
      inet_pton (AF_INET, net->address, &local.sin_addr);
      if (bind (fd, (struct sockaddr *) &local, sizeof local) != 0 ||
          setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &local.sin_addr,
                      sizeof local.sin_addr) != 0 ||
          setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0)
        return socket_failed (fd, error);
      to4->sin_family = AF_INET;
      to4->sin_port = htons (SSDP_PORT);
      inet_pton (AF_INET, SSDP_GROUP4, &to4->sin_addr);
      *group_len = sizeof *to4;
    }
  return fd;
}

static gboolean
location_in (const GPtrArray *locations,
             const char      *location)
{
  for (guint i = 0; locations != NULL && i < locations->len; i++)
    if (g_str_equal (g_ptr_array_index (locations, i), location))
      return TRUE;
  return FALSE;
}

/**
 * portier_ssdp_search:
 * @ipv6: search on the IPv6 link-local group instead (for the IGD's IPv6 address)
 * @stage: (inout): the first wait to use; on return, the next one
 * @tried: (nullable) (element-type utf8): locations to leave out (tried already)
 *
 * Sends M-SEARCH for InternetGatewayDevice:1 and :2 from the interface toward the
 * gateway and collects answers whose location is acceptable and on the device that
 * answered. It waits 250 ms first and longer (750 ms, then 2 s) only when nothing new
 * and acceptable answered; an answer from the default gateway ends the search at once.
 * Called again with the same @stage and @tried, it goes on with the longer waits.
 *
 * Returns: (transfer full) (element-type PortierSsdpReply): acceptable devices, the
 *   default gateway first; empty when none answered
 */
GPtrArray *
portier_ssdp_search (const PortierLocalNet  *net,
                     gboolean                ipv6,
                     guint                  *stage,
                     const GPtrArray        *tried,
                     GCancellable           *cancellable,
                     GError                **error)
{
  static const int waits4[] = { 250, 750, 2000 };
  static const int waits6[] = { 250, 750 };
  const int *waits = ipv6 ? waits6 : waits4;
  guint n_waits = ipv6 ? G_N_ELEMENTS (waits6) : G_N_ELEMENTS (waits4);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_ssdp_reply_free);
  struct sockaddr_storage group;
  socklen_t group_len = 0;
  int fd;

  fd = open_search_socket (net, ipv6, &group, &group_len, error);
  if (fd < 0)
    return NULL;

  for (; *stage < n_waits && found->len == 0; (*stage)++)
    {
      guint w = *stage;
      gint64 deadline = now_ms () + waits[w];
      gboolean gateway_answered = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }
      if (!send_searches (fd, (struct sockaddr *) &group, group_len, ipv6))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                       "SSDP: cannot send a search");
          close (fd);
          return NULL;
        }

      while (!gateway_answered && found->len < SSDP_MAX_DEVICES)
        {
          struct pollfd pfd = { fd, POLLIN, 0 };
          gint64 left = deadline - now_ms ();
          char buffer[SSDP_MAX_REPLY + 1];
          struct sockaddr_storage from;
          socklen_t from_len = sizeof from;
          char from_text[INET6_ADDRSTRLEN] = "";
          g_autoptr(PortierSsdpReply) reply = NULL;
          const char *reason = NULL;
          gboolean seen = FALSE;
          ssize_t n;

          if (left <= 0)
            break;
          if (poll (&pfd, 1, (int) left) <= 0)
            continue;
          n = recvfrom (fd, buffer, SSDP_MAX_REPLY, 0, (struct sockaddr *) &from, &from_len);
          if (n <= 0)
            continue;

          if (from.ss_family == AF_INET)
            inet_ntop (AF_INET, &((struct sockaddr_in *) &from)->sin_addr, from_text,
                       sizeof from_text);
          else if (from.ss_family == AF_INET6)
            inet_ntop (AF_INET6, &((struct sockaddr_in6 *) &from)->sin6_addr, from_text,
                       sizeof from_text);

          reply = portier_ssdp_parse_reply (buffer, (gsize) n);
          if (reply == NULL)
            continue;
          if (!portier_router_location_acceptable (reply->location, net, &reason))
            {
              g_debug ("SSDP: ignoring %s from %s: %s", reply->location, from_text, reason);
              continue;
            }
          if (!portier_router_location_is_sender (reply->location, from_text))
            {
              g_debug ("SSDP: ignoring %s from %s: not the device that answered",
                       reply->location, from_text);
              continue;
            }
          if (location_in (tried, reply->location))
            continue;
          for (guint i = 0; i < found->len; i++)
            if (g_str_equal (((PortierSsdpReply *) found->pdata[i])->location,
                             reply->location))
              seen = TRUE;
          if (seen)
            continue;

          reply->from = g_strdup (from_text);
          g_debug ("SSDP: %s (%s) from %s after %d ms wait", reply->location, reply->st,
                   from_text, waits[w]);
          gateway_answered = reply_from_gateway (reply, net);
          g_ptr_array_add (found, g_steal_pointer (&reply));
        }
    }

  close (fd);
  g_ptr_array_sort_with_data (found, gateway_first, (gpointer) net);
  return g_steal_pointer (&found);
}

/* ---------------------------------------------------------------------------- descriptions */

/* The part of an HTTP response before its body: at most this much. */
#define DESCRIPTION_MAX_HEAD 8192

static gboolean
description_refused (GError     **error,
                     const char  *format,
                     ...) G_GNUC_PRINTF (2, 3);

static gboolean
description_refused (GError     **error,
                     const char  *format,
                     ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND, message);
  return FALSE;
}

/* A chunked body, decoded into @body; FALSE when it is malformed or too large. */
static gboolean
decode_chunked (const char  *data,
                gsize        length,
                GByteArray  *body,
                GError     **error)
{
  gsize pos = 0;

  for (;;)
    {
      const char *line = data + pos;
      const char *end = memchr (line, '\n', length - pos);
      g_autofree char *digits = NULL;
      guint64 size;

      if (end == NULL)
        return description_refused (error, "an unfinished chunk");
      digits = g_strndup (line, strcspn (line, ";\r\n"));
      g_strstrip (digits);
      if (!g_ascii_string_to_unsigned (digits, 16, 0, PORTIER_DESCRIPTION_MAX, &size, NULL))
        return description_refused (error, "a malformed chunk size");
      pos = end - data + 1;
      if (size == 0)
        return TRUE;
      if (size > length - pos)
        return description_refused (error, "an unfinished chunk");
      if (body->len + size > PORTIER_DESCRIPTION_MAX)
        return description_refused (error, "larger than %u bytes", PORTIER_DESCRIPTION_MAX);
      g_byte_array_append (body, (const guint8 *) data + pos, (guint) size);
      pos += size;
      if (pos < length && data[pos] == '\r')
        pos++;
      if (pos < length && data[pos] == '\n')
        pos++;
    }
}

/**
 * portier_router_parse_description_response:
 * @data: an HTTP response, as far as it arrived
 * @body: (out) (transfer full): the body
 * @framed: (out) (optional): whether the response itself says where the body ends (a
 *   Content-Length or chunks), so nothing after it needs waiting for
 *
 * Accepts only "200" (a redirect is refused, never followed) with a body of at most
 * %PORTIER_DESCRIPTION_MAX bytes: plain, with a Content-Length, or chunked.
 *
 * Returns: whether @data is such a response, complete
 */
gboolean
portier_router_parse_description_response (const char  *data,
                                           gsize        length,
                                           GBytes     **body,
                                           gboolean    *framed,
                                           GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;
  const char *end;
  gsize head_length, body_start;
  gboolean chunked = FALSE, have_length = FALSE;
  guint64 content_length = 0, status;

  *body = NULL;
  if (framed != NULL)
    *framed = FALSE;
  end = g_strstr_len (data, MIN (length, DESCRIPTION_MAX_HEAD), "\r\n\r\n");
  if (end != NULL)
    body_start = end - data + 4;
  else if ((end = g_strstr_len (data, MIN (length, DESCRIPTION_MAX_HEAD), "\n\n")) != NULL)
    body_start = end - data + 2;
  else
    return description_refused (error, "no complete HTTP header");
  head_length = end - data;
  if (memchr (data, '\0', head_length) != NULL)
    return description_refused (error, "a NUL in the HTTP header");

  head = g_strndup (data, head_length);
  lines = g_strsplit (head, "\n", 128);
  g_strchomp (lines[0]);
  if (!g_str_has_prefix (lines[0], "HTTP/1.") || strlen (lines[0]) < 12 ||
      lines[0][8] != ' ' || !g_ascii_isdigit (lines[0][9]) ||
      !g_ascii_isdigit (lines[0][10]) || !g_ascii_isdigit (lines[0][11]) ||
      (lines[0][12] != '\0' && lines[0][12] != ' '))
    return description_refused (error, "not an HTTP response");
  status = (guint64) g_ascii_digit_value (lines[0][9]) * 100 +
           g_ascii_digit_value (lines[0][10]) * 10 + g_ascii_digit_value (lines[0][11]);
  if (status >= 300 && status < 400)
    return description_refused (error, "a redirect (%" G_GUINT64_FORMAT "), not followed",
                                status);
  if (status != 200)
    return description_refused (error, "HTTP status %" G_GUINT64_FORMAT, status);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon = strchr (line, ':');
      char *value;

      if (colon == NULL)
        continue;
      *colon = '\0';
      value = g_strstrip (colon + 1);
      if (g_ascii_strcasecmp (g_strstrip (line), "Content-Length") == 0)
        {
          guint64 number;

          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &number, NULL) ||
              (have_length && number != content_length))
            return description_refused (error, "a malformed Content-Length");
          content_length = number;
          have_length = TRUE;
        }
      else if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
        {
          if (g_ascii_strcasecmp (value, "chunked") != 0)
            return description_refused (error, "an unknown transfer encoding");
          chunked = TRUE;
        }
    }

  if (framed != NULL)
    *framed = chunked || have_length;
  data += body_start;
  length -= body_start;
  if (chunked)
    {
      if (!decode_chunked (data, length, bytes, error))
        return FALSE;
    }
  else
    {
      if (have_length && content_length > length)
        return description_refused (error, "shorter than its Content-Length");
      if (have_length)
        length = (gsize) content_length;
      if (length > PORTIER_DESCRIPTION_MAX)
        return description_refused (error, "larger than %u bytes", PORTIER_DESCRIPTION_MAX);
      g_byte_array_append (bytes, (const guint8 *) data, (guint) length);
    }

  if (bytes->len == 0)
    return description_refused (error, "an empty description");
  *body = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  return TRUE;
}

/**
 * portier_router_fetch_description:
 * @url: an http:// URL whose host is an IP literal
 * @local_address: (out) (optional) (transfer full): this computer's address on the
 *   connection
 *
 * Worker thread. GET @url with hard limits: %PORTIER_DESCRIPTION_MAX bytes of body,
 * %PORTIER_DESCRIPTION_TIMEOUT_MS for everything, and a redirect is an error.
 *
 * Returns: (transfer full): the description
 */
GBytes *
portier_router_fetch_description (const char  *url,
                                  char       **local_address,
                                  GError     **error)
{
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autofree char *request = NULL;
  g_autofree char *host_text = NULL;
  struct sockaddr_storage to = { 0 }, local = { 0 };
  socklen_t to_len, local_len = sizeof local;
  gint64 deadline = now_ms () + PORTIER_DESCRIPTION_TIMEOUT_MS;
  PortierUrlHost host;
  const char *path;
  gsize sent = 0;
  int fd, soerror = 0;
  socklen_t soerror_len = sizeof soerror;

  if (!portier_router_parse_http_url (url, &host))
    {
      description_refused (error, "%s: not http:// with an IP address", url);
      return NULL;
    }
  host_text = host.host;
  path = url + strlen ("http://");
  path += strcspn (path, "/");
  for (const char *p = path; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      {
        description_refused (error, "%s: not a plain path", url);
        return NULL;
      }
  request = g_strdup_printf ("GET %.*s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
                             "Connection: close\r\nUser-Agent: Portier\r\n\r\n",
                             *path == '\0' ? 1 : (int) strcspn (path, "#"),
                             *path == '\0' ? "/" : path,
                             host.ipv6 ? "[" : "", host_text, host.ipv6 ? "]" : "", host.port);

  if (host.ipv6)
    {
      struct sockaddr_in6 *to6 = (struct sockaddr_in6 *) &to;

      to6->sin6_family = AF_INET6;
      to6->sin6_port = htons (host.port);
      inet_pton (AF_INET6, host_text, &to6->sin6_addr);
      to_len = sizeof *to6;
    }
  else
    {
      struct sockaddr_in *to4 = (struct sockaddr_in *) &to;

      to4->sin_family = AF_INET;
      to4->sin_port = htons (host.port);
      inet_pton (AF_INET, host_text, &to4->sin_addr);
      to_len = sizeof *to4;
    }

  fd = socket (to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    {
      description_refused (error, "%s: socket: %s", url, g_strerror (errno));
      return NULL;
    }
  if (connect (fd, (struct sockaddr *) &to, to_len) != 0 && errno != EINPROGRESS)
    {
      description_refused (error, "%s: connect: %s", url, g_strerror (errno));
      close (fd);
      return NULL;
    }

  /* Connected, the request sent, the answer read: all before the one deadline. */
  for (;;)
    {
      struct pollfd pfd = { fd, sent < strlen (request) ? POLLOUT : POLLIN, 0 };
      gint64 left = deadline - now_ms ();
      g_autoptr(GBytes) body = NULL;
      gboolean framed = FALSE;
      char buffer[4096];
      ssize_t n;

      int ready = left > 0 ? poll (&pfd, 1, (int) left) : 0;

      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        {
          description_refused (error, "%s: no whole answer within %d ms", url,
                               PORTIER_DESCRIPTION_TIMEOUT_MS);
          close (fd);
          return NULL;
        }

      if (sent < strlen (request))
        {
          if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &soerror, &soerror_len) != 0 ||
              soerror != 0)
            {
              description_refused (error, "%s: connect: %s", url, g_strerror (soerror));
              close (fd);
              return NULL;
            }
          n = send (fd, request + sent, strlen (request) - sent, MSG_NOSIGNAL);
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            {
              description_refused (error, "%s: send: %s", url, g_strerror (errno));
              close (fd);
              return NULL;
            }
          if (n > 0)
            sent += (gsize) n;
          continue;
        }

      n = recv (fd, buffer, sizeof buffer, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n < 0)
        {
          description_refused (error, "%s: recv: %s", url, g_strerror (errno));
          close (fd);
          return NULL;
        }
      if (n > 0)
        {
          g_byte_array_append (received, (const guint8 *) buffer, (guint) n);
          if (received->len > PORTIER_DESCRIPTION_MAX + DESCRIPTION_MAX_HEAD)
            {
              description_refused (error, "%s: larger than %u bytes", url,
                                   PORTIER_DESCRIPTION_MAX);
              close (fd);
              return NULL;
            }
          /* Done as soon as the response says its body is complete. */
          if (!portier_router_parse_description_response ((const char *) received->data,
                                                          received->len, &body, &framed,
                                                          NULL) || !framed)
            continue;
        }

      if (local_address != NULL &&
          getsockname (fd, (struct sockaddr *) &local, &local_len) == 0)
        {
          char text[INET6_ADDRSTRLEN] = "";

          if (local.ss_family == AF_INET6)
            inet_ntop (AF_INET6, &((struct sockaddr_in6 *) &local)->sin6_addr, text,
                       sizeof text);
          else
            inet_ntop (AF_INET, &((struct sockaddr_in *) &local)->sin_addr, text,
                       sizeof text);
          *local_address = g_strdup (text);
        }
      close (fd);
      if (body != NULL)
        return g_steal_pointer (&body);
      /* The connection ended: what arrived is the whole response. */
      if (!portier_router_parse_description_response ((const char *) received->data,
                                                      received->len, &body, NULL, error))
        {
          g_prefix_error (error, "%s: ", url);
          if (local_address != NULL)
            g_clear_pointer (local_address, g_free);
          return NULL;
        }
      return g_steal_pointer (&body);
    }
}

/* ---------------------------------------------------------------------------- cache */

/* The worker and the IPv6 thread both read and write the file: one at a time, so
 * neither writes over what the other just stored. */
static GMutex cache_lock;

static char *
cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "portier", "routers.ini", NULL);
}

/**
 * portier_router_cache_lookup:
 * @method: (out): how the router was reached
 *
 * Returns: (transfer full) (nullable): the IGD description URL (or the NAT-PMP gateway)
 *   remembered for @network_key
 */
char *
portier_router_cache_lookup (const char          *network_key,
                             PortierRouterMethod *method)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = cache_path ();
  g_autofree char *method_text = NULL;
  gboolean loaded;

  *method = PORTIER_ROUTER_METHOD_UPNP;
  g_mutex_lock (&cache_lock);
  loaded = g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL);
  g_mutex_unlock (&cache_lock);
  if (!loaded)
    return NULL;
  method_text = g_key_file_get_string (file, network_key, "method", NULL);
  if (method_text == NULL || !portier_router_method_from_string (method_text, method))
    return NULL;
  return g_key_file_get_string (file, network_key, "url", NULL);
}

static void
cache_store_locked (GKeyFile            *file,
                    const char          *path,
                    const char          *dir,
                    const char          *network_key,
                    PortierRouterMethod  method,
                    const char          *url)
{
  g_autofree char *old_url = NULL;
  g_autofree char *old_method = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;
  gsize n_groups = 0;

  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL);
  old_url = g_key_file_get_string (file, network_key, "url", NULL);
  old_method = g_key_file_get_string (file, network_key, "method", NULL);
  if (g_strcmp0 (old_url, url) == 0 &&
      g_strcmp0 (old_method, portier_router_method_to_string (method)) == 0)
    return;  /* nothing new: no write */

  g_key_file_remove_group (file, network_key, NULL);
  groups = g_key_file_get_groups (file, &n_groups);
  for (gsize i = 0; n_groups >= CACHE_MAX_NETWORKS && i < n_groups; i++, n_groups--)
    g_key_file_remove_group (file, groups[i], NULL);

  g_key_file_set_string (file, network_key, "method", portier_router_method_to_string (method));
  g_key_file_set_string (file, network_key, "url", url);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_key_file_save_to_file (file, path, &error))
    g_debug ("Cannot remember the router: %s", error ? error->message : g_strerror (errno));
}

/**
 * portier_router_cache_store:
 *
 * Remembers how the router of @network_key was reached (at most a few dozen networks).
 */
void
portier_router_cache_store (const char          *network_key,
                            PortierRouterMethod  method,
                            const char          *url)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = cache_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (url == NULL)
    return;
  g_mutex_lock (&cache_lock);
  cache_store_locked (file, path, dir, network_key, method, url);
  g_mutex_unlock (&cache_lock);
}

/* ---------------------------------------------------------------------------- hop probe */

/**
 * portier_router_probe_hop:
 * @ttl: which hop (2: the one after the home router)
 * @unreachable: (out): the hop answered "unreachable" rather than "time exceeded"
 *
 * Sends a UDP datagram whose TTL runs out at hop @ttl and reads the ICMP error back
 * through IP_RECVERR (no privileges needed). Waits at most 700 ms.
 *
 * Returns: (transfer full) (nullable): the address of the hop that answered
 */
char *
portier_router_probe_hop (guint      ttl,
                          gboolean  *unreachable,
                          GError   **error)
{
  struct sockaddr_in target = { 0 };
  int fd, on = 1, hops = (int) ttl;
  gint64 deadline = now_ms () + HOP_PROBE_WAIT_MS;
  guint sent = 0;

  *unreachable = FALSE;
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socket: %s",
                   g_strerror (errno));
      return NULL;
    }
  target.sin_family = AF_INET;
  target.sin_port = htons (HOP_PROBE_PORT);
  inet_pton (AF_INET, HOP_PROBE_TARGET, &target.sin_addr);
  if (setsockopt (fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) != 0 ||
      setsockopt (fd, IPPROTO_IP, IP_TTL, &hops, sizeof hops) != 0 ||
      connect (fd, (struct sockaddr *) &target, sizeof target) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "hop probe: %s",
                   g_strerror (saved));
      return NULL;
    }

  while (now_ms () < deadline)
    {
      struct pollfd pfd = { fd, 0, 0 };
      char control[512];
      char data[64];
      struct iovec iov = { data, sizeof data };
      struct sockaddr_in from;
      struct msghdr msg = { 0 };

      /* Two datagrams, the second after a pause, in case the first is lost. */
      if (sent == 0 || (sent == 1 && deadline - now_ms () < HOP_PROBE_WAIT_MS / 2))
        {
          if (send (fd, "portier", 7, 0) < 0 && errno != ECONNREFUSED &&
              errno != EHOSTUNREACH && errno != ENETUNREACH)
            g_debug ("hop probe: send: %s", g_strerror (errno));
          sent++;
        }

      if (poll (&pfd, 1, (int) MIN (deadline - now_ms (), HOP_PROBE_WAIT_MS / 2)) <= 0)
        continue;

      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      if (recvmsg (fd, &msg, MSG_ERRQUEUE) < 0)
        continue;

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
        {
          struct sock_extended_err *ee;
          struct sockaddr_in *offender;
          char text[INET_ADDRSTRLEN];

          if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR)
            continue;
          ee = (struct sock_extended_err *) CMSG_DATA (c);
          if (ee->ee_origin != SO_EE_ORIGIN_ICMP)
            continue;
          offender = (struct sockaddr_in *) SO_EE_OFFENDER (ee);
          if (offender->sin_family != AF_INET)
            continue;
          inet_ntop (AF_INET, &offender->sin_addr, text, sizeof text);
          close (fd);
          *unreachable = ee->ee_type == 3;  /* destination unreachable */
          g_debug ("hop %u: %s (ICMP type %u)", ttl, text, ee->ee_type);
          return g_strdup (text);
        }
    }

  close (fd);
  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_TIMED_OUT, "no ICMP answer from hop %u",
               ttl);
  return NULL;
}
