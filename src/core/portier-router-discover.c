/* portier-router-discover.c: what a router is, and whether its answers may be trusted
 *
 * Its device description (fetched from a location that passed the checks of
 * portier-router-local-net.c, bounded in size and time), the remembered router per
 * network, and the hop probe that tells carrier-grade NAT from a second router, with
 * which a router's info gets its WAN class.
 *
 * Everything here blocks and runs on the router's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "portier-error.h"
#include "portier-router-discover-private.h"
#include "portier-router-local-net-private.h"
#include "portier-router-worker-private.h"

#define CACHE_MAX_NETWORKS 32
/* The hop probe goes toward a documentation address (TEST-NET-1) with a TTL of 2: it
 * expires at the second hop and never reaches anything beyond. */
#define HOP_PROBE_TARGET "192.0.2.1"
#define HOP_PROBE_PORT 33434
#define HOP_PROBE_WAIT_MS 700

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
  gint64 deadline = portier_router_now_ms () + PORTIER_DESCRIPTION_TIMEOUT_MS;
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
      gint64 left = deadline - portier_router_now_ms ();
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
  gint64 deadline = portier_router_now_ms () + HOP_PROBE_WAIT_MS;
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

  while (portier_router_now_ms () < deadline)
    {
      struct pollfd pfd = { fd, 0, 0 };
      char control[512];
      char data[64];
      struct iovec iov = { data, sizeof data };
      struct sockaddr_in from;
      struct msghdr msg = { 0 };

      /* Two datagrams, the second after a pause, in case the first is lost. */
      if (sent == 0 || (sent == 1 && deadline - portier_router_now_ms () < HOP_PROBE_WAIT_MS / 2))
        {
          if (send (fd, "portier", 7, 0) < 0 && errno != ECONNREFUSED &&
              errno != EHOSTUNREACH && errno != ENETUNREACH)
            g_debug ("hop probe: send: %s", g_strerror (errno));
          sent++;
        }

      if (poll (&pfd, 1,
                (int) MIN (deadline - portier_router_now_ms (), HOP_PROBE_WAIT_MS / 2)) <= 0)
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

/* ---------------------------------------------------------------------------- WAN class */

/**
 * portier_router_info_classify:
 *
 * Worker thread. Sets @info's WAN class from what the router said; when it hides its
 * WAN address, looks at the hop after it (a TTL-limited datagram that expires there).
 */
void
portier_router_info_classify (PortierRouterInfo *info)
{
  gboolean unreachable = FALSE;

  g_assert (portier_router_worker_is_current ());

  g_clear_pointer (&info->upstream_hop, g_free);
  info->wan_class = portier_router_classify (info->connection, info->external_address,
                                             NULL, FALSE);
  if (info->wan_class == PORTIER_WAN_NO_PUBLIC_ADDRESS &&
      portier_router_classify_address (info->external_address) == PORTIER_WAN_UNKNOWN)
    {
      g_autoptr(GError) error = NULL;

      info->upstream_hop = portier_router_probe_hop (2, &unreachable, &error);
      if (info->upstream_hop == NULL && !unreachable)
        g_debug ("No answer from the hop after the router: %s",
                 error != NULL ? error->message : "none");
      /* An answer from the router itself says its internet is unreachable. */
      if (unreachable && g_strcmp0 (info->upstream_hop, info->gateway) != 0)
        unreachable = FALSE;
      info->wan_class = portier_router_classify (info->connection, info->external_address,
                                                 info->upstream_hop, unreachable);
    }
  else if (info->wan_class == PORTIER_WAN_DOUBLE_NAT)
    {
      /* The router says its private address itself; the hop after it is the box in
       * front, which the guide names. */
      info->upstream_hop = portier_router_probe_hop (2, &unreachable, NULL);
      if (unreachable || g_strcmp0 (info->upstream_hop, info->gateway) == 0)
        g_clear_pointer (&info->upstream_hop, g_free);
    }
  g_debug ("WAN: connection %s, address '%s', next hop %s: %s",
           info->connection ? info->connection : "?",
           info->external_address ? info->external_address : "(not reported)",
           info->upstream_hop ? info->upstream_hop : "-",
           portier_wan_class_to_string (info->wan_class));
}
