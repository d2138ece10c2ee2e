/* portier-router-ssdp.c: the SSDP search for a router
 *
 * M-SEARCH to the SSDP group through the interface toward the gateway (IPv4, and IPv6
 * where this computer has a global address), waiting briefly and longer only when
 * nothing answered; replies whose location fails the checks of
 * portier-router-local-net.c are dropped, the default gateway's come first.
 *
 * Everything here blocks and runs on the router's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-error.h"
#include "portier-router-local-net-private.h"
#include "portier-router-ssdp-private.h"
#include "portier-router-worker-private.h"

#define SSDP_PORT 1900
#define SSDP_GROUP4 "239.255.255.250"
#define SSDP_GROUP6 "ff02::c"
#define SSDP_MAX_REPLY 2048
#define SSDP_MAX_DEVICES 16

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
      gint64 deadline = portier_router_now_ms () + waits[w];
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
          gint64 left = deadline - portier_router_now_ms ();
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
