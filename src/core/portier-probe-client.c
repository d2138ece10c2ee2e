/* portier-probe-client.c: the reachability self-test
 *
 * Proof from outside that a port works: a probe server on the internet connects back to
 * the address the request comes from. While the port is free, Portier listens on it
 * itself with a one-time token, so the proof is that the connection reached this very
 * computer; while an app already uses the port, any answer is the app's.
 *
 * IPv4 and IPv6 are tested separately: each request is pinned to one family, and the
 * server tests the address it sees.
 *
 * The server is a Portier probe server (`http(s)://…`, the API of portier-probe-server),
 * or a Transmission-style port check (`transmission+http(s)://…`: `GET /<port>` answers
 * `1` or `0`, TCP only) — the public one of those when nothing is configured.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "portier-error.h"
#include "portier-family-address.h"
#include "portier-http-module.h"
#include "portier-json.h"
#include "portier-module.h"
#include "portier-probe.h"
#include "portier-probe-client.h"
#include "portier-probe-listener.h"

#define TOKEN_BYTES 16   /* 128 bits */
#define TRANSMISSION_PREFIX "transmission+"

struct _PortierProbeClient
{
  GObject  parent_instance;

  char    *server_url;
  guint    timeout_ms;
};

static void portier_probe_client_probe_init (PortierProbeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierProbeClient, portier_probe_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_PROBE,
                                                      portier_probe_client_probe_init))

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One port and protocol under test. */
typedef struct
{
  guint16               port;
  PortierProtocol       protocol;
  char                 *token;
  PortierProbeListener *listener;   /* NULL: the port was taken */
} Target;

typedef struct
{
  const PortierHttpModule *http;
  PortierProbeReport *report;
  GPtrArray          *targets;           /* Target* */
  GCancellable       *http_cancellable;  /* cancelled at the time bound, or by the caller */
  GCancellable       *cancellable;       /* the caller's */
  gulong              cancelled_id;
  GSource            *timer;
  gboolean            timed_out;
  gboolean            transmission;
  guint               n_running;
} Check;

typedef struct
{
  GTask               *task;
  GObject             *msg;
  Target              *target;            /* the check's */
  PortierProbeOutcome *outcome;           /* the report's */
  guint                answered_before;   /* the listener's count when the request left */
  gint64               started_us;
} Request;

static void
target_free (Target *target)
{
  g_free (target->token);
  g_clear_object (&target->listener);
  g_free (target);
}

static void
check_free (Check *check)
{
  if (check->cancelled_id != 0)
    g_cancellable_disconnect (check->cancellable, check->cancelled_id);
  if (check->timer != NULL)
    {
      g_source_destroy (check->timer);
      g_source_unref (check->timer);
    }
  g_clear_object (&check->cancellable);
  g_clear_object (&check->http_cancellable);
  g_clear_pointer (&check->targets, g_ptr_array_unref);
  g_clear_pointer (&check->report, portier_probe_report_unref);
  g_free (check);
}

static void
request_free (Request *request)
{
  g_clear_object (&request->task);
  g_clear_object (&request->msg);
  g_free (request);
}

static void
portier_probe_client_finalize (GObject *object)
{
  PortierProbeClient *self = PORTIER_PROBE_CLIENT (object);

  g_free (self->server_url);

  G_OBJECT_CLASS (portier_probe_client_parent_class)->finalize (object);
}

static void
portier_probe_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PortierProbeClient *self = PORTIER_PROBE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_probe_client_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PortierProbeClient *self = PORTIER_PROBE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_free (self->server_url);
      self->server_url = g_value_dup_string (value);
      if (self->server_url == NULL || self->server_url[0] == '\0')
        {
          g_free (self->server_url);
          self->server_url = portier_probe_client_get_configured_server ();
        }
      if (self->server_url == NULL)
        self->server_url = g_strdup (PORTIER_PROBE_FALLBACK_URL);
      break;
    case PROP_TIMEOUT:
      portier_probe_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
portier_probe_client_class_init (PortierProbeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = portier_probe_client_finalize;
  object_class->get_property = portier_probe_client_get_property;
  object_class->set_property = portier_probe_client_set_property;

  /**
   * PortierProbeClient:server-url:
   *
   * The test server. %NULL or empty at construction: `PORTIER_PROBE_SERVER`, else the
   * `probe-server` setting, else the public fallback.
   */
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PortierProbeClient:timeout:
   *
   * The longest a test may take, in milliseconds; past it, the families without an
   * answer are “unavailable”.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 100, 600000, PORTIER_PROBE_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
portier_probe_client_init (PortierProbeClient *self)
{
  self->timeout_ms = PORTIER_PROBE_DEFAULT_TIMEOUT_MS;
}

/**
 * portier_probe_client_new:
 * @server_url: (nullable): the test server; %NULL for the one configured
 */
PortierProbeClient *
portier_probe_client_new (const char *server_url)
{
  return g_object_new (PORTIER_TYPE_PROBE_CLIENT, "server-url", server_url, NULL);
}

const char *
portier_probe_client_get_server_url (PortierProbeClient *self)
{
  g_return_val_if_fail (PORTIER_IS_PROBE_CLIENT (self), NULL);

  return self->server_url;
}

/**
 * portier_probe_client_is_fallback:
 *
 * Returns: %TRUE when the server is a Transmission-style port check rather than a Portier
 *   probe server: TCP only, and it cannot tell a refusal from silence
 */
gboolean
portier_probe_client_is_fallback (PortierProbeClient *self)
{
  g_return_val_if_fail (PORTIER_IS_PROBE_CLIENT (self), FALSE);

  return g_str_has_prefix (self->server_url, TRANSMISSION_PREFIX);
}

guint
portier_probe_client_get_timeout (PortierProbeClient *self)
{
  g_return_val_if_fail (PORTIER_IS_PROBE_CLIENT (self), 0);

  return self->timeout_ms;
}

void
portier_probe_client_set_timeout (PortierProbeClient *self,
                                  guint               timeout_ms)
{
  g_return_if_fail (PORTIER_IS_PROBE_CLIENT (self));

  timeout_ms = CLAMP (timeout_ms, 100, 600000);
  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * portier_probe_client_get_configured_server:
 *
 * `PORTIER_PROBE_SERVER`, else the `probe-server` key of the
 * `io.github.portier_app.Portier` settings when that schema is installed.
 *
 * Returns: (transfer full) (nullable): the configured server, or %NULL for none
 */
char *
portier_probe_client_get_configured_server (void)
{
  const char *env = g_getenv ("PORTIER_PROBE_SERVER");
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *value = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  /* Looked up, never assumed: the schema is missing in tests and in some installs. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PORTIER_PROBE_SETTINGS_SCHEMA, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, PORTIER_PROBE_SETTINGS_KEY))
    return NULL;

  key = g_settings_schema_get_key (schema, PORTIER_PROBE_SETTINGS_KEY);
  if (!g_variant_type_equal (g_settings_schema_key_get_value_type (key),
                             G_VARIANT_TYPE_STRING))
    return NULL;

  settings = g_settings_new_full (schema, NULL, NULL);
  value = g_settings_get_string (settings, PORTIER_PROBE_SETTINGS_KEY);
  g_strstrip (value);
  if (value[0] == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
is_host_name (const char *host)
{
  if (host == NULL || host[0] == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

/* The server's base URI, with a path that ends in “/”. */
static GUri *
parse_server_url (const char  *url,
                  gboolean    *transmission,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  const char *scheme;
  const char *rest = url;

  *transmission = g_str_has_prefix (url, TRANSMISSION_PREFIX);
  if (*transmission)
    rest = url + strlen (TRANSMISSION_PREFIX);

  uri = g_uri_parse (rest, G_URI_FLAGS_NONE, &local_error);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      !is_host_name (g_uri_get_host (uri)))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   /* TRANSLATORS: %s is what the person typed */
                   _("“%s” is not the address of a test server. It looks like "
                     "https://probe.example.org/ (or transmission+https://… for a "
                     "Transmission-style port check)."), url);
      return NULL;
    }

  path = g_str_has_suffix (g_uri_get_path (uri), "/") ? g_strdup (g_uri_get_path (uri))
                                                      : g_strconcat (g_uri_get_path (uri),
                                                                     "/", NULL);
  return g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), path, NULL, NULL);
}

/**
 * portier_probe_client_validate_url:
 *
 * Returns: %TRUE when @url can be a test server: `http(s)://…` for a Portier probe
 *   server, `transmission+http(s)://…` for a Transmission-style port check
 */
gboolean
portier_probe_client_validate_url (const char  *url,
                                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  gboolean transmission;

  uri = parse_server_url (url, &transmission, error);
  return uri != NULL;
}

/**
 * portier_probe_client_make_token:
 *
 * Returns: (transfer full): a new one-time token: 128 random bits, in hex
 */
char *
portier_probe_client_make_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  GString *token = g_string_sized_new (2 * TOKEN_BYTES);
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      /* getrandom() without flags blocks until the pool is ready and never fails
       * otherwise; EINTR is the one thing to retry. */
      if (n > 0)
        filled += (gsize) n;
    }

  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (token, "%02x", bytes[i]);
  return g_string_free (token, FALSE);
}

static GObject *
make_session (PortierProbeClient      *self,
              const PortierHttpModule *http,
              GUri                    *base,
              GSocketFamily            family)
{
  gboolean https = g_str_equal (g_uri_get_scheme (base), "https");
  int port = g_uri_get_port (base);
  g_autoptr(GSocketConnectable) connectable = NULL;
  guint seconds = (self->timeout_ms + 999) / 1000;

  connectable = portier_family_address_new (g_uri_get_host (base),
                                            port > 0 ? (guint16) port : (https ? 443 : 80),
                                            g_uri_get_scheme (base), family);
  /* No proxy (the module uses none): the server must see this computer's own address. */
  return http->session_new (connectable, seconds, 8, "Portier/" PACKAGE_VERSION);
}

/* @relative, a path without reserved characters, under @base (which ends in "/"). */
static GUri *
endpoint (GUri       *base,
          const char *relative)
{
  g_autofree char *path = g_strconcat (g_uri_get_path (base), relative, NULL);

  return g_uri_build (g_uri_get_flags (base), g_uri_get_scheme (base), NULL,
                      g_uri_get_host (base), g_uri_get_port (base), path, NULL, NULL);
}

/* Sending a request and reading its answer, of at most MAX_ANSWER_BYTES: whatever the
 * server sends, it cannot fill this computer's memory. */

#define MAX_ANSWER_BYTES 16384

typedef struct
{
  const PortierHttpModule *http;
  GInputStream *stream;
  GByteArray   *data;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->stream);
  g_byte_array_unref (fetch->data);
  g_free (fetch);
}

static void
fetch_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  GCancellable *cancellable;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_bytes_new (fetch->data->data, fetch->data->len),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  g_byte_array_append (fetch->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (fetch->data->len > MAX_ANSWER_BYTES)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE,
                               "The test server's answer is longer than %u bytes",
                               MAX_ANSWER_BYTES);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (fetch->stream, MAX_ANSWER_BYTES + 1 - fetch->data->len,
                                   G_PRIORITY_DEFAULT, cancellable, fetch_read_cb,
                                   g_steal_pointer (&task));
}

static void
fetch_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  fetch->stream = fetch->http->send_finish (source, result, &error);
  if (fetch->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (fetch->stream, MAX_ANSWER_BYTES + 1, G_PRIORITY_DEFAULT,
                                   cancellable, fetch_read_cb, g_steal_pointer (&task));
}

static void
fetch_async (const PortierHttpModule *http,
             GObject                 *session,
             GObject                 *msg,
             GCancellable            *cancellable,
             GAsyncReadyCallback      callback,
             gpointer                 user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  Fetch *fetch = g_new0 (Fetch, 1);

  g_task_set_source_tag (task, fetch_async);
  fetch->http = http;
  fetch->data = g_byte_array_new ();
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  http->send_async (session, msg, cancellable, fetch_sent_cb, task);
}

static GBytes *
fetch_finish (GAsyncResult  *result,
              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_unavailable (PortierProbeOutcome *outcome,
                 const char          *reason,
                 PortierError         code,
                 const char          *detail)
{
  outcome->result = PORTIER_PROBE_RESULT_UNAVAILABLE;
  g_free (outcome->reason);
  outcome->reason = g_strdup (reason);
  g_clear_error (&outcome->error);
  outcome->error = g_error_new_literal (PORTIER_ERROR, code, detail);
}

static void
set_skipped (PortierProbeOutcome *outcome,
             const char          *reason)
{
  outcome->result = PORTIER_PROBE_RESULT_SKIPPED;
  g_free (outcome->reason);
  outcome->reason = g_strdup (reason);
}

/* The connection to the server failed. */
static void
read_transport_error (Check               *check,
                      PortierProbeOutcome *outcome,
                      const GError        *error)
{
  g_debug ("Test server over %s: %s", portier_socket_family_to_string (outcome->family),
           error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_unavailable (outcome, check->timed_out ? "timeout" : "cancelled",
                     PORTIER_ERROR_PROBE_UNAVAILABLE, "The test server did not answer in time");
  else if (g_error_matches (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
    set_skipped (outcome, "server-has-no-address");
  else if (outcome->family == G_SOCKET_FAMILY_IPV6 &&
           (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)))
    set_skipped (outcome, "no-ipv6-connection");
  else
    set_unavailable (outcome, "connection-failed", PORTIER_ERROR_PROBE_UNAVAILABLE,
                     error->message);
}

/* A number in the server's answer, when it is one: the answer comes from the network and
 * may be anything. */
static gint64
get_int_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* `GET /<port>` of a Transmission-style check: `1` or `0`. */
static void
read_transmission_answer (Request    *request,
                          const char *data,
                          gsize       length)
{
  PortierProbeOutcome *outcome = request->outcome;
  PortierProbeListener *listener = request->target->listener;

  outcome->elapsed_ms = (guint) ((g_get_monotonic_time () - request->started_us) / 1000);
  if (length >= 1 && data[0] == '1')
    {
      /* It could connect. To this computer, if the temporary listener was called. */
      if (listener == NULL)
        outcome->result = PORTIER_PROBE_RESULT_OPEN;
      else if (portier_probe_listener_get_n_answered (listener) > request->answered_before)
        outcome->result = PORTIER_PROBE_RESULT_REACHABLE;
      else
        {
          outcome->result = PORTIER_PROBE_RESULT_OPEN;
          outcome->reason = g_strdup ("other-device");
        }
    }
  else if (length >= 1 && data[0] == '0')
    outcome->result = PORTIER_PROBE_RESULT_UNREACHABLE;
  else
    set_unavailable (outcome, "bad-answer", PORTIER_ERROR_PROBE_UNAVAILABLE,
                     "The port check answered neither 1 nor 0");
}

/* `POST /v1/probe` of a Portier probe server. */
static void
read_probe_answer (Request    *request,
                   const char *data,
                   gsize       length)
{
  PortierProbeOutcome *outcome = request->outcome;
  gboolean listened = request->target->listener != NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  const char *result;
  const char *address;

  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_unavailable (outcome, "bad-answer", PORTIER_ERROR_PROBE_UNAVAILABLE,
                       "The test server's answer is not JSON");
      return;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  result = portier_json_get_string (object, "result");
  address = portier_json_get_string (object, "address");
  if (address != NULL && g_hostname_is_ip_address (address))
    outcome->address = g_strdup (address);
  outcome->elapsed_ms = (guint) CLAMP (get_int_member (object, "elapsed_ms"), 0, G_MAXUINT);
  if (result == NULL)
    result = "";

  if (g_str_equal (result, "reachable"))
    outcome->result = PORTIER_PROBE_RESULT_REACHABLE;
  else if (g_str_equal (result, "open"))
    {
      outcome->result = PORTIER_PROBE_RESULT_OPEN;
      /* Portier held the port, yet something else answered. */
      if (listened)
        outcome->reason = g_strdup ("other-device");
    }
  else if (g_str_equal (result, "refused"))
    outcome->result = PORTIER_PROBE_RESULT_REFUSED;
  else if (g_str_equal (result, "timeout"))
    {
      if (outcome->protocol == PORTIER_PROTOCOL_UDP && !listened)
        {
          /* Many apps ignore a datagram they do not understand: silence proves nothing. */
          outcome->result = PORTIER_PROBE_RESULT_UNVERIFIABLE;
          outcome->reason = g_strdup ("app-silent");
        }
      else
        outcome->result = PORTIER_PROBE_RESULT_TIMEOUT;
    }
  else if (g_str_equal (result, "error"))
    set_unavailable (outcome, "server-error", PORTIER_ERROR_PROBE_UNAVAILABLE,
                     "The test server could not run the test");
  else
    set_unavailable (outcome, "bad-answer", PORTIER_ERROR_PROBE_UNAVAILABLE,
                     "The test server gave an unknown result");
}

/* Why a Portier probe server would not test: its `error` (and, for `target-refused`, its
 * `reason`) as the outcome's reason and error code. The words come from the network: only
 * those known here are kept. */
static const struct
{
  const char   *error;
  const char   *server_reason;   /* NULL: any */
  const char   *reason;
  PortierError  code;
} refusals[] = {
  /* The server saw the request come from inside a private network. */
  { "target-refused", "private", "target-private", PORTIER_ERROR_PROBE_PRIVATE_SOURCE },
  /* It saw itself: it runs on this computer, or behind a proxy it was not told about. */
  { "target-refused", "loopback", "target-loopback", PORTIER_ERROR_PROBE_MISCONFIGURED },
  { "target-refused", "server-address", "target-server-address",
    PORTIER_ERROR_PROBE_MISCONFIGURED },
  { "target-refused", "link-local", "target-link-local", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  { "target-refused", "unspecified", "target-unspecified", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  { "target-refused", "multicast", "target-multicast", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  { "target-refused", "broadcast", "target-broadcast", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  { "target-refused", "reserved", "target-reserved", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  { "target-refused", NULL, "target-refused", PORTIER_ERROR_PROBE_TARGET_REFUSED },
  /* Its proxy did not say whom it forwards for, or named only itself. */
  { "proxy-as-client", NULL, "proxy-as-client", PORTIER_ERROR_PROBE_MISCONFIGURED },
  { "bad-forwarded-for", NULL, "bad-forwarded-for", PORTIER_ERROR_PROBE_MISCONFIGURED },
};

/* A 403 or 400 that says why the server would not test. */
static gboolean
read_refusal (PortierProbeOutcome *outcome,
              guint                status,
              const char          *data,
              gsize                length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  const char *error;
  const char *server_reason;

  if (status != PORTIER_HTTP_FORBIDDEN && status != PORTIER_HTTP_BAD_REQUEST)
    return FALSE;
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  error = portier_json_get_string (object, "error");
  server_reason = portier_json_get_string (object, "reason");
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    if (g_strcmp0 (error, refusals[i].error) == 0 &&
        (refusals[i].server_reason == NULL ||
         g_strcmp0 (server_reason, refusals[i].server_reason) == 0))
      {
        const char *message = portier_json_get_string (object, "message");

        g_debug ("The test server would not test: %s (%s): %s", error,
                 server_reason != NULL ? server_reason : "-",
                 message != NULL ? message : "");
        set_unavailable (outcome, refusals[i].reason, refusals[i].code,
                         "The test server would not test this address");
        return TRUE;
      }
  return FALSE;
}

static void
read_answer (Check   *check,
             Request *request,
             GBytes  *body)
{
  PortierProbeOutcome *outcome = request->outcome;
  guint status = check->http->get_status (request->msg);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  /* Too many requests from here, or the server is full: either way, later. */
  if (status == PORTIER_HTTP_TOO_MANY_REQUESTS || status == PORTIER_HTTP_SERVICE_UNAVAILABLE)
    {
      set_unavailable (outcome, status == PORTIER_HTTP_TOO_MANY_REQUESTS ? "rate-limited" : "busy",
                       PORTIER_ERROR_PROBE_RATE_LIMITED, "The test server is busy");
      return;
    }
  if (read_refusal (outcome, status, data, length))
    return;
  if (status != PORTIER_HTTP_OK)
    {
      g_autofree char *detail = g_strdup_printf ("The test server answered HTTP %u", status);

      g_debug ("%s", detail);
      set_unavailable (outcome, "server-error", PORTIER_ERROR_PROBE_UNAVAILABLE, detail);
      return;
    }

  if (check->transmission)
    read_transmission_answer (request, data, length);
  else
    read_probe_answer (request, data, length);
}

static void
finish_check (GTask *task)
{
  Check *check = g_task_get_task_data (task);

  if (check->timer != NULL)
    {
      g_source_destroy (check->timer);
      g_clear_pointer (&check->timer, g_source_unref);
    }
  /* The temporary listeners close now. */
  g_ptr_array_set_size (check->targets, 0);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, portier_probe_report_ref (check->report),
                         (GDestroyNotify) portier_probe_report_unref);
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&request->task);
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = fetch_finish (result, &error);
  if (body == NULL)
    read_transport_error (check, request->outcome, error);
  else
    read_answer (check, request, body);

  g_debug ("Test of %u/%s over %s: %s", request->outcome->port,
           portier_protocol_to_string (request->outcome->protocol),
           portier_socket_family_to_string (request->outcome->family),
           portier_probe_result_to_string (request->outcome->result));
  request_free (request);

  if (--check->n_running == 0)
    finish_check (task);
}

static void
send_request (PortierProbeClient  *self,
              GTask               *task,
              GObject             *session,
              GUri                *base,
              Target              *target,
              PortierProbeOutcome *outcome)
{
  Check *check = g_task_get_task_data (task);
  Request *request = g_new0 (Request, 1);

  request->task = g_object_ref (task);
  request->target = target;
  request->outcome = outcome;
  request->started_us = g_get_monotonic_time ();
  if (target->listener != NULL)
    request->answered_before = portier_probe_listener_get_n_answered (target->listener);

  if (check->transmission)
    {
      g_autofree char *relative = g_strdup_printf ("%u", target->port);
      g_autoptr(GUri) uri = endpoint (base, relative);

      request->msg = check->http->request_new ("GET", uri, NULL, NULL, FALSE);
    }
  else
    {
      g_autoptr(GUri) uri = endpoint (base, "v1/probe");
      /* Over TCP to a port the app already answers, no token can come back: the server
       * is asked only to connect, and says "open" as soon as something accepts. */
      g_autofree char *json = target->protocol == PORTIER_PROTOCOL_TCP &&
                              target->listener == NULL
        ? g_strdup_printf ("{\"port\":%u,\"protocol\":\"tcp\"}", target->port)
        : g_strdup_printf ("{\"port\":%u,\"protocol\":\"%s\",\"token\":\"%s\"}",
                           target->port, portier_protocol_to_string (target->protocol),
                           target->token);
      g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&json), strlen (json));

      request->msg = check->http->request_new ("POST", uri, body, "application/json", FALSE);
    }

  check->n_running++;
  fetch_async (check->http, session, request->msg, check->http_cancellable, request_done_cb,
               request);
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Check *check = g_task_get_task_data (task);

  check->timed_out = TRUE;
  g_clear_pointer (&check->timer, g_source_unref);
  g_cancellable_cancel (check->http_cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static void
add_targets (Check                 *check,
             const PortierPortSpec *spec)
{
  static const PortierProtocol protocols[] = { PORTIER_PROTOCOL_TCP, PORTIER_PROTOCOL_UDP };

  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    {
      guint16 ports[] = { spec->first, spec->last };

      if ((spec->protocol & protocols[p]) == 0)
        continue;

      /* Of a range, the ends: the router forwards a range as one, and every test costs
       * the server a probe. */
      for (guint i = 0; i < (spec->first == spec->last ? 1 : 2); i++)
        {
          Target *target = g_new0 (Target, 1);
          g_autoptr(GError) error = NULL;

          target->port = ports[i];
          target->protocol = protocols[p];
          target->token = portier_probe_client_make_token ();
          target->listener = portier_probe_listener_new (target->port, target->protocol,
                                                         target->token, &error);
          if (target->listener == NULL)
            g_debug ("Port %u/%s is in use, testing whatever uses it: %s", target->port,
                     portier_protocol_to_string (target->protocol), error->message);
          g_ptr_array_add (check->targets, target);
        }
    }
}

/**
 * portier_probe_client_check_async:
 * @spec: the ports: each protocol, and of a range the first and the last port
 *
 * Tests from the internet whether @spec is reachable, over IPv4 and over IPv6. Ends
 * within #PortierProbeClient:timeout: what had no answer by then is “unavailable”.
 */
void
portier_probe_client_check_async (PortierProbeClient    *self,
                                  const PortierPortSpec *spec,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  static const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GError) error = NULL;
  const PortierHttpModule *http;
  Check *check;
  gboolean transmission;

  g_return_if_fail (PORTIER_IS_PROBE_CLIENT (self));
  g_return_if_fail (spec != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_probe_client_check_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  base = parse_server_url (self->server_url, &transmission, &error);
  if (base == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  http = portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, &error);
  if (http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  check = g_new0 (Check, 1);
  check->http = http;
  check->report = portier_probe_report_new (spec, self->server_url, transmission);
  check->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);
  check->http_cancellable = g_cancellable_new ();
  check->transmission = transmission;
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  if (cancellable != NULL)
    {
      check->cancellable = g_object_ref (cancellable);
      check->cancelled_id = g_cancellable_connect (cancellable,
                                                   G_CALLBACK (caller_cancelled_cb),
                                                   g_object_ref (check->http_cancellable),
                                                   g_object_unref);
    }

  check->timer = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (check->timer, check_timeout_cb, task, NULL);
  g_source_attach (check->timer, g_task_get_context (task));

  add_targets (check, spec);

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    {
      g_autoptr(GObject) session = make_session (self, check->http, base, families[f]);

      for (guint t = 0; t < check->targets->len; t++)
        {
          Target *target = g_ptr_array_index (check->targets, t);
          PortierProbeOutcome *outcome = portier_probe_outcome_new (target->port,
                                                                    target->protocol,
                                                                    families[f]);

          outcome->listened = target->listener != NULL;
          g_ptr_array_add (check->report->outcomes, outcome);

          if (transmission && target->protocol == PORTIER_PROTOCOL_UDP)
            set_skipped (outcome, "udp-not-supported");
          else
            send_request (self, task, session, base, target, outcome);
        }
    }

  if (check->n_running == 0)
    finish_check (task);
}

/**
 * portier_probe_client_check_finish:
 *
 * Returns: (transfer full): the report, or %NULL when cancelled or when the server's
 *   address is not valid (%PORTIER_ERROR_INVALID_ARGUMENT). A server that does not answer
 *   is no error: its families are “unavailable” in the report.
 */
PortierProbeReport *
portier_probe_client_check_finish (PortierProbeClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_probe_client_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
probe_check_async (PortierProbe          *probe,
                   const PortierPortSpec *spec,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  portier_probe_client_check_async (PORTIER_PROBE_CLIENT (probe), spec, cancellable, callback,
                                    user_data);
}

static PortierProbeReport *
probe_check_finish (PortierProbe  *probe,
                    GAsyncResult  *result,
                    GError       **error)
{
  return portier_probe_client_check_finish (PORTIER_PROBE_CLIENT (probe), result, error);
}

static void
portier_probe_client_probe_init (PortierProbeInterface *iface)
{
  iface->check_async = probe_check_async;
  iface->check_finish = probe_check_finish;
}

/* GET /v1/ip */

typedef struct
{
  const PortierHttpModule *http;
  GObject      *msg;
  GCancellable *bounded;       /* cancelled at the time bound, or by the caller */
  GCancellable *cancellable;   /* the caller's */
  gulong        cancelled_id;
  GSource      *timer;
} AddressLookup;

static void
address_lookup_free (AddressLookup *lookup)
{
  if (lookup->cancelled_id != 0)
    g_cancellable_disconnect (lookup->cancellable, lookup->cancelled_id);
  g_source_destroy (lookup->timer);
  g_source_unref (lookup->timer);
  g_clear_object (&lookup->cancellable);
  g_clear_object (&lookup->msg);
  g_object_unref (lookup->bounded);
  g_free (lookup);
}

static gboolean
address_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
address_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AddressLookup *lookup = g_task_get_task_data (task);
  guint status;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *address = NULL;
  gsize length;
  const char *data;

  body = fetch_finish (result, &error);
  if (body == NULL)
    {
      g_debug ("Test server: %s", error->message);
      if (g_task_return_error_if_cancelled (task))
        return;
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE,
                               "%s", error->message);
      return;
    }

  data = g_bytes_get_data (body, &length);
  status = lookup->http->get_status (lookup->msg);
  if (status == PORTIER_HTTP_OK &&
      json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    address = portier_json_get_string (json_node_get_object (json_parser_get_root (parser)),
                                       "address");

  if (address == NULL || !g_hostname_is_ip_address (address))
    g_task_return_new_error (task, PORTIER_ERROR,
                             status == PORTIER_HTTP_TOO_MANY_REQUESTS ||
                             status == PORTIER_HTTP_SERVICE_UNAVAILABLE
                               ? PORTIER_ERROR_PROBE_RATE_LIMITED
                               : PORTIER_ERROR_PROBE_UNAVAILABLE,
                             "The test server answered HTTP %u without an address",
                             status);
  else
    g_task_return_pointer (task, g_strdup (address), g_free);
}

/**
 * portier_probe_client_get_address_async:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 *
 * Asks a Portier probe server which public address this computer has over @family.
 */
void
portier_probe_client_get_address_async (PortierProbeClient  *self,
                                        GSocketFamily        family,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) session = NULL;
  g_autoptr(GUri) uri = NULL;
  const PortierHttpModule *http;
  AddressLookup *lookup;
  gboolean transmission;

  g_return_if_fail (PORTIER_IS_PROBE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_probe_client_get_address_async);

  base = parse_server_url (self->server_url, &transmission, &error);
  if (base == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (transmission)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "A Transmission-style port check does not tell addresses");
      return;
    }
  http = portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, &error);
  if (http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lookup = g_new0 (AddressLookup, 1);
  lookup->http = http;
  lookup->bounded = g_cancellable_new ();
  if (cancellable != NULL)
    {
      lookup->cancellable = g_object_ref (cancellable);
      lookup->cancelled_id = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (caller_cancelled_cb),
                                                    g_object_ref (lookup->bounded),
                                                    g_object_unref);
    }
  lookup->timer = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (lookup->timer, address_timeout_cb, g_object_ref (lookup->bounded),
                         g_object_unref);
  g_source_attach (lookup->timer, g_task_get_context (task));
  g_task_set_task_data (task, lookup, (GDestroyNotify) address_lookup_free);

  session = make_session (self, http, base, family);
  uri = endpoint (base, "v1/ip");
  lookup->msg = http->request_new ("GET", uri, NULL, NULL, FALSE);
  fetch_async (http, session, lookup->msg, lookup->bounded, address_done_cb,
               g_steal_pointer (&task));
}

/**
 * portier_probe_client_get_address_finish:
 *
 * Returns: (transfer full): the address, or %NULL with %PORTIER_ERROR_PROBE_UNAVAILABLE
 *   (or %PORTIER_ERROR_NOT_SUPPORTED for a Transmission-style check)
 */
char *
portier_probe_client_get_address_finish (PortierProbeClient  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
