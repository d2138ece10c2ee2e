/* portier-probe-server.c: the reachability server anyone can host
 *
 * The HTTP side is libsoup's; the accepting is ours, so that every connection is counted
 * against its client and the server as a whole before libsoup sees it, a client that is
 * slow to send its request is cut off, a full server answers 503 at once instead of
 * leaving connections to queue, and running out of file descriptors pauses accepting
 * instead of ending it.
 *
 * It only ever tests the address a request came from (or, from a trusted proxy, the
 * address the proxy vouches for): it takes no target, so it cannot scan anyone else. Nor
 * does it test its own host (loopback, its own addresses) or addresses that are no home
 * on the internet (see portier_probe_target_classify()).
 *
 * Memory: libsoup keeps two 8 KB buffers for every connection until its message is
 * answered. A probe can take seconds, and thousands can be pending, so once a probe has
 * started the server takes the connection back from libsoup (whose buffers go) and
 * writes the short answer itself when the probe ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "portier-probe-request.h"
#include "portier-probe-server.h"
#include "portier-prober.h"
#include "portier-rate-limiter.h"

#define ACCEPTS_PER_WAKEUP 64
#define ACCEPT_RETRY_MS 100
#define SWEEP_INTERVAL_S 10
/* Not in libsoup 3.2's list of statuses. */
#define STATUS_TOO_MANY_REQUESTS 429

/* What a client gets when the server is full, before it has said anything. */
#define BUSY_BODY "{\"error\":\"busy\",\"message\":\"The server is busy. Try again shortly.\"}"
static const char busy_answer[] =
  "HTTP/1.1 503 Service Unavailable\r\n"
  "Content-Type: application/json\r\n"
  "Content-Length: 67\r\n"
  "Retry-After: 5\r\n"
  "Connection: close\r\n"
  "\r\n"
  BUSY_BODY;
G_STATIC_ASSERT (sizeof BUSY_BODY - 1 == 67);

typedef struct
{
  PortierProbeServer *server;
  GSocket            *socket;
  GSource            *source;
  GInetSocketAddress *address;
} Listener;

typedef struct
{
  PortierProbeServer *server;
  GSocketConnection  *connection;   /* weak: freed in connection_gone_cb() */
  GSocket            *socket;       /* the connection's */
  GInetAddress       *peer;
  gboolean            per_address;  /* counted against its address (not a trusted proxy) */
  GSource            *timer;
} Connection;

typedef struct
{
  PortierProbeServer *server;
  GSocketConnection  *stream;         /* taken over from libsoup */
  GInetAddress       *client;
  guint16             port;
  PortierProtocol     protocol;
  gboolean            transmission;
} PendingProbe;

struct _PortierProbeServer
{
  GObject             parent_instance;

  PortierProbeConfig *config;
  PortierRateLimiter *limiter;
  PortierProber      *prober;
  SoupServer         *soup;
  GPtrArray          *listeners;      /* Listener* */
  GHashTable         *connections;    /* Connection* */
  GCancellable       *cancellable;    /* cancels the running probes on stop */
  GSource            *sweep_source;
  GSource            *resume_source;
  GSource            *trim_source;
  gboolean            stopped;
  gboolean            warned_loopback;
  guint               n_probes;
  guint               n_writes;       /* answers still being written */
};

G_DEFINE_FINAL_TYPE (PortierProbeServer, portier_probe_server, G_TYPE_OBJECT)

static GQuark connection_quark;
static GQuark body_size_quark;

static void start_watching (PortierProbeServer *self);

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
listener_free (Listener *listener)
{
  destroy_source (&listener->source);
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_object_unref (listener->address);
  g_free (listener);
}

static void
connection_free (Connection *connection)
{
  destroy_source (&connection->timer);
  if (connection->per_address)
    portier_rate_limiter_close_connection (connection->server->limiter, connection->peer);
  else
    portier_rate_limiter_close_connection (connection->server->limiter, NULL);
  g_object_unref (connection->peer);
  g_free (connection);
}

static void
portier_probe_server_dispose (GObject *object)
{
  PortierProbeServer *self = PORTIER_PROBE_SERVER (object);
  GHashTableIter iter;
  Connection *connection;

  g_cancellable_cancel (self->cancellable);
  g_ptr_array_set_size (self->listeners, 0);
  destroy_source (&self->sweep_source);
  destroy_source (&self->resume_source);
  destroy_source (&self->trim_source);

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, (gpointer *) &connection, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_object_weak_unref (G_OBJECT (connection->connection), NULL, connection);
      connection_free (connection);
    }

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (portier_probe_server_parent_class)->dispose (object);
}

static void
portier_probe_server_finalize (GObject *object)
{
  PortierProbeServer *self = PORTIER_PROBE_SERVER (object);

  g_ptr_array_unref (self->listeners);
  g_hash_table_unref (self->connections);
  g_object_unref (self->cancellable);
  g_clear_object (&self->prober);
  g_clear_object (&self->limiter);
  g_clear_pointer (&self->config, portier_probe_config_free);

  G_OBJECT_CLASS (portier_probe_server_parent_class)->finalize (object);
}

static void
portier_probe_server_class_init (PortierProbeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = portier_probe_server_dispose;
  object_class->finalize = portier_probe_server_finalize;

  connection_quark = g_quark_from_static_string ("portier-probe-connection");
  body_size_quark = g_quark_from_static_string ("portier-probe-body-size");
}

static void
portier_probe_server_init (PortierProbeServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  self->connections = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

/* Answers */

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         char              *body)
{
  soup_server_message_set_status (msg, status,
                                  status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests"
                                                                     : NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
}

static char *
json_text (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
error_text (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  return json_text (builder);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  respond (msg, status, "application/json", json_text (builder));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  respond (msg, status, "application/json", error_text (code, message));
}

static void
respond_limit (SoupServerMessage *msg,
               PortierLimit       limit,
               guint              retry_after)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *seconds = g_strdup_printf ("%u", MAX (retry_after, 1));

  soup_message_headers_replace (headers, "Retry-After", seconds);
  switch (limit)
    {
    case PORTIER_LIMIT_RATE:
      respond_error (msg, STATUS_TOO_MANY_REQUESTS, portier_limit_to_string (limit),
                     "Too many requests from this address. Wait, then try again.");
      break;
    case PORTIER_LIMIT_PENDING:
      respond_error (msg, STATUS_TOO_MANY_REQUESTS, portier_limit_to_string (limit),
                     "This address has too many tests running at once.");
      break;
    case PORTIER_LIMIT_BUSY:
    case PORTIER_LIMIT_OK:
    default:
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, portier_limit_to_string (limit),
                     "The server is busy. Try again shortly.");
      break;
    }
}

static void
respond_method_not_allowed (SoupServerMessage *msg,
                            const char        *allowed)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                allowed);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                 "This method is not allowed here.");
}

/* Connections */

static Connection *
get_connection (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), connection_quark) : NULL;
}

static gboolean
connection_timeout_cb (gpointer user_data)
{
  Connection *connection = user_data;

  /* Too slow: libsoup's next read sees the end of the stream and lets go. */
  g_debug ("Closing a connection that did not send its request in time");
  g_clear_pointer (&connection->timer, g_source_unref);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
connection_arm_timer (Connection *connection)
{
  destroy_source (&connection->timer);
  connection->timer = g_timeout_source_new (connection->server->config->request_timeout_ms);
  g_source_set_callback (connection->timer, connection_timeout_cb, connection, NULL);
  g_source_attach (connection->timer, NULL);
}

static void
connection_gone_cb (gpointer  data,
                    GObject  *where_the_object_was)
{
  Connection *connection = data;
  PortierProbeServer *self = connection->server;

  g_hash_table_remove (self->connections, connection);
  connection_free (connection);
}

static void
stop_watching (PortierProbeServer *self)
{
  for (guint i = 0; i < self->listeners->len; i++)
    destroy_source (&((Listener *) g_ptr_array_index (self->listeners, i))->source);
}

static gboolean
resume_cb (gpointer user_data)
{
  PortierProbeServer *self = user_data;

  g_clear_pointer (&self->resume_source, g_source_unref);
  start_watching (self);
  return G_SOURCE_REMOVE;
}

/* Stop accepting for a moment: out of file descriptors. The kernel keeps the next
 * connections in its backlog meanwhile. (At the connection limit the server still
 * accepts, and answers 503 at once.) */
static void
pause_accepting (PortierProbeServer *self)
{
  stop_watching (self);
  if (self->resume_source == NULL)
    {
      self->resume_source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (self->resume_source, resume_cb, self, NULL);
      g_source_attach (self->resume_source, NULL);
    }
}

static void
accept_one (PortierProbeServer *self,
            GSocket            *socket)
{
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GInetAddress) peer = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GError) error = NULL;
  Connection *connection;
  gboolean per_address;
  PortierLimit limit;

  remote = g_socket_get_remote_address (socket, NULL);
  local = g_socket_get_local_address (socket, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (remote) || local == NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }

  peer = portier_probe_normalize_address (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  per_address = !portier_probe_config_is_trusted_proxy (self->config, peer);
  limit = portier_rate_limiter_open_connection (self->limiter, per_address ? peer : NULL,
                                                g_get_monotonic_time ());
  if (limit != PORTIER_LIMIT_OK)
    {
      g_debug ("Refusing a connection: %s", portier_limit_to_string (limit));
      /* The server is full: say so at once rather than let the client wait. (One client
       * over its own share is only cut off: it learns nothing it could not guess.) */
      if (limit == PORTIER_LIMIT_BUSY)
        g_socket_send_with_blocking (socket, busy_answer, strlen (busy_answer), FALSE, NULL,
                                     NULL);
      g_socket_close (socket, NULL);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  stream = g_socket_connection_factory_create_connection (socket);

  connection = g_new0 (Connection, 1);
  connection->server = self;
  connection->connection = stream;
  connection->socket = socket;
  connection->peer = g_steal_pointer (&peer);
  connection->per_address = per_address;
  g_hash_table_add (self->connections, connection);
  g_object_weak_ref (G_OBJECT (stream), connection_gone_cb, connection);
  g_object_set_qdata (G_OBJECT (remote), connection_quark, connection);
  connection_arm_timer (connection);

  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (stream), local, remote, &error))
    g_debug ("libsoup did not take a connection: %s", error->message);
}

static gboolean
listener_ready_cb (GSocket      *listening,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  Listener *listener = user_data;
  PortierProbeServer *self = listener->server;

  for (guint i = 0; i < ACCEPTS_PER_WAKEUP; i++)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GError) error = NULL;

      socket = g_socket_accept (listening, NULL, &error);
      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            {
              g_warning ("Out of file descriptors; accepting again shortly");
              pause_accepting (self);
            }
          else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("accept: %s", error->message);
          return G_SOURCE_CONTINUE;
        }

      accept_one (self, socket);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_watching (PortierProbeServer *self)
{
  if (self->stopped)
    return;
  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);

      if (listener->source != NULL)
        continue;
      listener->source = g_socket_create_source (listener->socket, G_IO_IN, NULL);
      g_source_set_callback (listener->source, G_SOURCE_FUNC (listener_ready_cb), listener,
                             NULL);
      g_source_attach (listener->source, NULL);
    }
}

/* Requests */

static void
reject_body (SoupServerMessage  *msg,
             PortierProbeServer *self)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *text = NULL;

  if (soup_server_message_get_status (msg) == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return;

  /* Whatever still comes is read and dropped, within the request timeout. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  text = g_strdup_printf ("The body may have at most %u bytes.", self->config->max_body_bytes);
  respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", text);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
got_headers_cb (SoupServerMessage  *msg,
                PortierProbeServer *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > self->config->max_body_bytes)
    reject_body (msg, self);
}

static void
got_chunk_cb (SoupServerMessage  *msg,
              GBytes             *chunk,
              PortierProbeServer *self)
{
  gsize size = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (msg), body_size_quark));

  size += g_bytes_get_size (chunk);
  g_object_set_qdata (G_OBJECT (msg), body_size_quark, GSIZE_TO_POINTER (size));
  if (size > self->config->max_body_bytes)
    reject_body (msg, self);
}

static void
request_started_cb (SoupServer         *soup,
                    SoupServerMessage  *msg,
                    PortierProbeServer *self)
{
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
}

static void
request_read_cb (SoupServer         *soup,
                 SoupServerMessage  *msg,
                 PortierProbeServer *self)
{
  Connection *connection = get_connection (msg);

  if (connection != NULL)
    destroy_source (&connection->timer);
  /* Each connection carries one request: the server accepts connections itself, and
   * libsoup closes those after one answer. Say so, so clients do not reuse it. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

/* Behind a reverse proxy nobody listed in trusted-proxies, every client looks like the
 * proxy: like this host, when the proxy runs here. Worth one line in the log. */
static void
warn_about_unknown_proxy (PortierProbeServer *self,
                          GInetAddress       *peer)
{
  g_autoptr(GInetAddress) normal = NULL;

  if (self->warned_loopback || self->config->trusted_proxies->len > 0)
    return;
  normal = portier_probe_normalize_address (peer);
  if (!g_inet_address_get_is_loopback (normal))
    return;
  self->warned_loopback = TRUE;
  g_message ("Requests arrive from loopback and no trusted proxy is configured: this "
             "server is probably behind a reverse proxy it does not know. Its clients all "
             "look like this host, which is never tested. List the proxy in "
             "trusted-proxies (see the configuration file).");
}

/* The address to test, or NULL (answered with 400 or 403) when a trusted proxy did not
 * say, or named only trusted proxies. */
static GInetAddress *
get_client (PortierProbeServer *self,
            SoupServerMessage  *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  PortierProbeClientStatus status;
  const char *forwarded_for;
  GInetAddress *peer;
  GInetAddress *client;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "error",
                     "The server cannot tell where the request came from.");
      return NULL;
    }

  peer = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  warn_about_unknown_proxy (self, peer);
  forwarded_for = soup_message_headers_get_list (headers, "X-Forwarded-For");
  client = portier_probe_client_address (peer, forwarded_for, self->config, &status);
  if (status == PORTIER_PROBE_CLIENT_PROXY)
    respond_error (msg, SOUP_STATUS_FORBIDDEN, "proxy-as-client",
                   "X-Forwarded-For names only trusted proxies; a proxy is never tested.");
  else if (client == NULL)
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-forwarded-for",
                   "The proxy did not say which address it forwards for.");
  return client;
}

/* Whether @client may be probed; if not, answers 403. */
static gboolean
check_target (PortierProbeServer *self,
              SoupServerMessage  *msg,
              GInetAddress       *client)
{
  g_autoptr(JsonBuilder) builder = NULL;
  PortierProbeTarget target;

  target = portier_probe_target_classify (client, self->config->allow_private_targets);
  if (target == PORTIER_PROBE_TARGET_OK)
    target = portier_prober_check_route (client);
  if (self->config->allow_local_targets &&
      (target == PORTIER_PROBE_TARGET_LOOPBACK || target == PORTIER_PROBE_TARGET_OWN_ADDRESS))
    target = PORTIER_PROBE_TARGET_OK;
  if (target == PORTIER_PROBE_TARGET_OK)
    return TRUE;

  g_debug ("Not probing a %s address", portier_probe_target_to_string (target));
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, "target-refused");
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, portier_probe_target_to_string (target));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, portier_probe_target_describe (target));
  json_builder_end_object (builder);
  respond_json (msg, SOUP_STATUS_FORBIDDEN, builder);
  return FALSE;
}

static gboolean
take_request (PortierProbeServer *self,
              SoupServerMessage  *msg,
              GInetAddress       *client)
{
  guint retry_after = 0;
  PortierLimit limit = portier_rate_limiter_take_request (self->limiter, client,
                                                          g_get_monotonic_time (),
                                                          &retry_after);

  if (limit == PORTIER_LIMIT_OK)
    return TRUE;
  respond_limit (msg, limit, retry_after);
  return FALSE;
}

static const char *
family_name (GInetAddress *address)
{
  return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

static void
pending_probe_free (PendingProbe *pending)
{
  g_clear_object (&pending->stream);
  g_object_unref (pending->client);
  g_object_unref (pending->server);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingProbe, pending_probe_free)

static void
give_memory_back (void)
{
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
}

static gboolean
trim_cb (gpointer user_data)
{
  PortierProbeServer *self = user_data;

  g_clear_pointer (&self->trim_source, g_source_unref);
  give_memory_back ();
  return G_SOURCE_REMOVE;
}

typedef struct
{
  PortierProbeServer *server;
  GSocketConnection  *stream;
  GBytes             *rest;
} Write;

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Write *write = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_debug ("Could not send an answer: %s", error->message);
  g_io_stream_close (G_IO_STREAM (write->stream), NULL, NULL);
  write->server->n_writes--;
  g_object_unref (write->stream);
  g_object_unref (write->server);
  g_bytes_unref (write->rest);
  g_free (write);
}

/* Answers on a connection taken over from libsoup, and closes it. The answer is short
 * and the connection has sent nothing yet, so it nearly always goes out at once. */
static void
answer_stream (PortierProbeServer *self,
               GSocketConnection  *stream,
               guint               status,
               const char         *content_type,
               char               *body)
{
  g_autofree char *text = NULL;
  g_autofree char *owned_body = body;
  GSocket *socket = g_socket_connection_get_socket (stream);
  gssize sent;
  gsize length;
  Write *write;

  text = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          status, soup_status_get_phrase (status), content_type,
                          strlen (owned_body), owned_body);
  length = strlen (text);
  sent = g_socket_send_with_blocking (socket, text, length, FALSE, NULL, NULL);
  if (sent < 0 || (gsize) sent == length)
    {
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
      return;
    }

  write = g_new0 (Write, 1);
  write->server = g_object_ref (self);
  write->stream = g_object_ref (stream);
  write->rest = g_bytes_new (text + sent, length - sent);
  self->n_writes++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (stream)),
                                   g_bytes_get_data (write->rest, NULL),
                                   g_bytes_get_size (write->rest), G_PRIORITY_DEFAULT, NULL,
                                   write_done_cb, write);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PendingProbe) pending = user_data;
  PortierProbeServer *self = pending->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *address = NULL;
  const char *detail = NULL;
  guint elapsed_ms = 0;
  PortierProbeVerdict verdict;

  verdict = portier_prober_run_finish (PORTIER_PROBER (source), result, &elapsed_ms, &detail,
                                       &error);
  portier_rate_limiter_end_probe (self->limiter, pending->client);
  self->n_probes--;
  address = g_inet_address_to_string (pending->client);
  /* The last probe of a burst has ended: its memory can go back in a moment. */
  if (self->n_probes == 0 && self->trim_source == NULL && !self->stopped)
    {
      self->trim_source = g_timeout_source_new_seconds (1);
      g_source_set_callback (self->trim_source, trim_cb, self, NULL);
      g_source_attach (self->trim_source, NULL);
    }

  if (error != NULL)
    answer_stream (self, pending->stream, SOUP_STATUS_SERVICE_UNAVAILABLE, "application/json",
                   error_text ("shutting-down", "The server is shutting down."));
  else if (pending->transmission)
    answer_stream (self, pending->stream, SOUP_STATUS_OK, "text/plain",
                   g_strdup (verdict == PORTIER_PROBE_VERDICT_OPEN ||
                             verdict == PORTIER_PROBE_VERDICT_REACHABLE ? "1" : "0"));
  else
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, portier_probe_verdict_to_string (verdict));
      if (detail != NULL)
        {
          json_builder_set_member_name (builder, "detail");
          json_builder_add_string_value (builder, detail);
        }
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_set_member_name (builder, "family");
      json_builder_add_string_value (builder, family_name (pending->client));
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, pending->port);
      json_builder_set_member_name (builder, "protocol");
      json_builder_add_string_value (builder, portier_protocol_to_string (pending->protocol));
      json_builder_set_member_name (builder, "elapsed_ms");
      json_builder_add_int_value (builder, elapsed_ms);
      json_builder_end_object (builder);
      answer_stream (self, pending->stream, SOUP_STATUS_OK, "application/json",
                     json_text (builder));
    }

  g_debug ("Probe of %s port %u/%s: %s (%u ms)", address, pending->port,
           portier_protocol_to_string (pending->protocol),
           portier_probe_verdict_to_string (verdict), elapsed_ms);
}

static void
start_probe (PortierProbeServer *self,
             SoupServerMessage  *msg,
             GInetAddress       *client,
             guint16             port,
             PortierProtocol     protocol,
             const char         *token,
             gboolean            transmission)
{
  g_autoptr(GSocketAddress) target = NULL;
  g_autoptr(GIOStream) stolen = NULL;
  Connection *connection = get_connection (msg);
  PendingProbe *pending;
  PortierLimit limit;

  if (!check_target (self, msg, client))
    return;
  if (connection == NULL)
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "error",
                     "The server lost track of this connection.");
      return;
    }

  limit = portier_rate_limiter_begin_probe (self->limiter, client, g_get_monotonic_time ());
  if (limit != PORTIER_LIMIT_OK)
    {
      respond_limit (msg, limit, 1);
      return;
    }

  pending = g_new0 (PendingProbe, 1);
  pending->server = g_object_ref (self);
  pending->stream = g_object_ref (connection->connection);
  pending->client = g_object_ref (client);
  pending->port = port;
  pending->protocol = protocol;
  pending->transmission = transmission;
  self->n_probes++;

  /* From here on the connection is the server's own: libsoup forgets it (and frees what
   * it held for it), and probe_done_cb() answers. */
  stolen = soup_server_message_steal_connection (msg);

  target = g_inet_socket_address_new (client, port);
  portier_prober_run_async (self->prober, G_INET_SOCKET_ADDRESS (target), protocol, token,
                            self->cancellable, probe_done_cb, pending);
}

static void
probe_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  PortierProbeServer *self = user_data;
  g_autoptr(GInetAddress) client = NULL;
  g_autoptr(GBytes) body = NULL;
  PortierProbeRequest request;
  PortierProbeRequestStatus status;
  gsize length;
  const char *data;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      respond_method_not_allowed (msg, "POST");
      return;
    }
  if ((client = get_client (self, msg)) == NULL || !take_request (self, msg, client))
    return;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &length);
  status = portier_probe_request_parse (data, length, &request);
  if (status != PORTIER_PROBE_REQUEST_OK)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, portier_probe_request_status_to_string (status),
                     portier_probe_request_status_describe (status));
      return;
    }

  start_probe (self, msg, client, request.port, request.protocol,
               request.token[0] != '\0' ? request.token : NULL, FALSE);
}

static void
ip_handler (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  PortierProbeServer *self = user_data;
  g_autoptr(GInetAddress) client = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *address = NULL;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      respond_method_not_allowed (msg, "GET");
      return;
    }
  if ((client = get_client (self, msg)) == NULL || !take_request (self, msg, client))
    return;

  address = g_inet_address_to_string (client);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "family");
  json_builder_add_string_value (builder, family_name (client));
  json_builder_end_object (builder);
  respond_json (msg, SOUP_STATUS_OK, builder);
}

/* Everything else: `/` describes the service (for people and load balancers), `/<port>`
 * is the Transmission-compatible port check. */
static void
default_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  PortierProbeServer *self = user_data;
  g_autoptr(GInetAddress) client = NULL;
  guint16 port;

  if (g_str_equal (path, "/"))
    {
      if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
        respond_method_not_allowed (msg, "GET");
      else
        respond (msg, SOUP_STATUS_OK, "application/json",
                 g_strdup ("{\"service\":\"portier-probe-server\",\"api\":"
                           "[\"GET /v1/ip\",\"POST /v1/probe\",\"GET /<port>\"]}"));
      return;
    }

  if (!portier_probe_parse_port_path (path, &port))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "There is nothing here.");
      return;
    }
  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      respond_method_not_allowed (msg, "GET");
      return;
    }
  if ((client = get_client (self, msg)) == NULL || !take_request (self, msg, client))
    return;

  start_probe (self, msg, client, port, PORTIER_PROTOCOL_TCP, NULL, TRUE);
}

static gboolean
sweep_cb (gpointer user_data)
{
  PortierProbeServer *self = user_data;

  portier_rate_limiter_sweep (self->limiter, g_get_monotonic_time ());
  /* After a burst of connections, give the memory back to the system. */
  give_memory_back ();
  return G_SOURCE_CONTINUE;
}


/**
 * portier_probe_server_new:
 *
 * A server on the thread-default main context: it listens once
 * portier_probe_server_listen() is called.
 */
PortierProbeServer *
portier_probe_server_new (const PortierProbeConfig *config)
{
  PortierProbeServer *self = g_object_new (PORTIER_TYPE_PROBE_SERVER, NULL);

  self->config = portier_probe_config_copy (config);
  self->limiter = portier_rate_limiter_new (config);
  self->prober = portier_prober_new (config->connect_timeout_ms, config->read_timeout_ms);

  /* No Server header: nothing to tell scanners. */
  self->soup = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (self->soup, "/v1/probe", probe_handler, self, NULL);
  soup_server_add_handler (self->soup, "/v1/ip", ip_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, default_handler, self, NULL);
  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (request_started_cb),
                           self, 0);
  g_signal_connect_object (self->soup, "request-read", G_CALLBACK (request_read_cb), self, 0);

  self->sweep_source = g_timeout_source_new_seconds (SWEEP_INTERVAL_S);
  g_source_set_callback (self->sweep_source, sweep_cb, self, NULL);
  g_source_attach (self->sweep_source, NULL);
  return self;
}

/**
 * portier_probe_server_listen:
 * @address: where to listen; port 0 picks a free port (see
 *   portier_probe_server_get_addresses())
 *
 * IPv6 sockets listen for IPv6 only: list `0.0.0.0:PORT` as well for IPv4.
 */
gboolean
portier_probe_server_listen (PortierProbeServer  *self,
                             GInetSocketAddress  *address,
                             GError             **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  GSocketFamily family = g_socket_address_get_family (G_SOCKET_ADDRESS (address));
  Listener *listener;

  g_return_val_if_fail (PORTIER_IS_PROBE_SERVER (self), FALSE);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error))
    {
      g_autofree char *text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_prefix_error (error, "Cannot listen on %s: ", text);
      return FALSE;
    }

  /* Room for a burst: the server drains it quickly, answering 503 when it is full. */
  g_socket_set_listen_backlog (socket, 4096);
  if (!g_socket_listen (socket, error))
    return FALSE;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  listener = g_new0 (Listener, 1);
  listener->server = self;
  listener->socket = g_steal_pointer (&socket);
  listener->address = G_INET_SOCKET_ADDRESS (g_steal_pointer (&bound));
  g_ptr_array_add (self->listeners, listener);

  start_watching (self);
  return TRUE;
}

/**
 * portier_probe_server_get_addresses:
 *
 * Returns: (transfer container) (element-type GInetSocketAddress): where it listens, with
 *   the ports it got
 */
GPtrArray *
portier_probe_server_get_addresses (PortierProbeServer *self)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->listeners->len; i++)
    g_ptr_array_add (addresses,
                     g_object_ref (((Listener *) g_ptr_array_index (self->listeners, i))->address));
  return addresses;
}

/**
 * portier_probe_server_stop:
 *
 * Stops listening and cancels the probes under way; their clients get 503. Run the main
 * context until portier_probe_server_is_idle() before dropping the last reference.
 */
void
portier_probe_server_stop (PortierProbeServer *self)
{
  self->stopped = TRUE;
  stop_watching (self);
  destroy_source (&self->resume_source);
  g_ptr_array_set_size (self->listeners, 0);
  g_cancellable_cancel (self->cancellable);
}

gboolean
portier_probe_server_is_idle (PortierProbeServer *self)
{
  return self->n_probes == 0 && self->n_writes == 0;
}
