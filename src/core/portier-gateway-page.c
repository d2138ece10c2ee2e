/* portier-gateway-page.c: the title of the router's own web page
 *
 * The last way to tell which router this is. One GET to the gateway's address, never
 * to a name and never through a proxy; at most PORTIER_GATEWAY_PAGE_MAX_BYTES read and
 * PORTIER_GATEWAY_PAGE_TIMEOUT_MS spent, all hops together. Redirects (HTTP or a meta
 * refresh) are followed only while they stay on the gateway (a few hops); one that leads
 * anywhere else ends the look without a request there. A page that asks for a password
 * (401) names itself in its realm, which stands in for the title.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-gateway-page"

#include "config.h"

#include <string.h>

#include "portier-error.h"
#include "portier-gateway-page.h"
#include "portier-http-module.h"
#include "portier-module.h"

#define MAX_HOPS 3
#define READ_CHUNK 8192
#define MAX_TITLE_CHARS 200

/* Decodes the few character references titles use, in place of a full HTML parser. */
static void
append_decoded (GString    *out,
                const char *text,
                gsize       length)
{
  static const struct { const char *name; const char *text; } named[] = {
    { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" },
    { "apos;", "'" }, { "nbsp;", " " },
  };

  for (gsize i = 0; i < length; i++)
    {
      gboolean done = FALSE;

      if (text[i] == '&')
        {
          for (guint j = 0; j < G_N_ELEMENTS (named) && !done; j++)
            if (length - i - 1 >= strlen (named[j].name)
                && strncmp (text + i + 1, named[j].name, strlen (named[j].name)) == 0)
              {
                g_string_append (out, named[j].text);
                i += strlen (named[j].name);
                done = TRUE;
              }
          if (!done && i + 2 < length && text[i + 1] == '#')
            {
              gboolean hex = text[i + 2] == 'x' || text[i + 2] == 'X';
              gsize start = i + (hex ? 3 : 2), end = start;
              guint64 value = 0;

              while (end < length && end - start < 8
                     && (hex ? g_ascii_isxdigit (text[end]) : g_ascii_isdigit (text[end])))
                value = value * (hex ? 16 : 10)
                        + (hex ? g_ascii_xdigit_value (text[end++])
                               : g_ascii_digit_value (text[end++]));
              if (end > start && end < length && text[end] == ';'
                  && g_unichar_validate ((gunichar) value) && value != 0)
                {
                  g_string_append_unichar (out, (gunichar) value);
                  i = end;
                  done = TRUE;
                }
            }
        }
      if (!done)
        g_string_append_c (out, g_ascii_isspace (text[i]) ? ' ' : text[i]);
    }
}

static const char *
find_caseless (const char *haystack,
               gsize       length,
               const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (g_ascii_strncasecmp (haystack + i, needle, n) == 0)
      return haystack + i;
  return NULL;
}

/**
 * portier_html_find_title:
 * @html: the start of a web page (need not end with a NUL)
 *
 * Returns: (nullable): the text of its <title>, references decoded, white space
 *   collapsed, at most MAX_TITLE_CHARS characters; NULL when there is none.
 */
char *
portier_html_find_title (const char *html,
                         gsize       length)
{
  const char *open, *start, *close;
  g_autoptr(GString) decoded = g_string_new (NULL);
  g_autofree char *valid = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *joined = NULL;

  if (html == NULL)
    return NULL;
  open = find_caseless (html, length, "<title");
  if (open == NULL || (open[6] != '>' && !g_ascii_isspace (open[6])))
    return NULL;
  start = memchr (open, '>', length - (open - html));
  if (start == NULL)
    return NULL;
  start++;
  close = find_caseless (start, length - (start - html), "</title");
  if (close == NULL)
    return NULL;
  append_decoded (decoded, start, close - start);
  valid = g_utf8_make_valid (decoded->str, decoded->len);
  words = g_strsplit (valid, " ", -1);
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) kept = NULL;

    for (guint i = 0; words[i] != NULL; i++)
      if (*words[i] != '\0')
        g_strv_builder_add (builder, words[i]);
    kept = g_strv_builder_end (builder);
    joined = g_strjoinv (" ", kept);
  }
  if (*joined == '\0')
    return NULL;
  if (g_utf8_strlen (joined, -1) > MAX_TITLE_CHARS)
    *g_utf8_offset_to_pointer (joined, MAX_TITLE_CHARS) = '\0';
  return g_steal_pointer (&joined);
}

typedef struct
{
  const PortierHttpModule *http;
  char         *gateway;        /* the address as GInetAddress prints it */
  guint         port;
  GUri         *uri;
  guint         hops;
  GObject      *session;
  GObject      *message;
  GInputStream *stream;
  GByteArray   *body;
  GCancellable *cancellable;    /* ours: cancelled by the caller's or by the timer */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timer;
  gboolean      timed_out;
  gboolean      raw;            /* fetch: the body itself, not its title */
} PageData;

static void
page_data_free (PageData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  g_clear_object (&data->caller_cancellable);
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  g_free (data->gateway);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_object (&data->stream);
  g_clear_object (&data->message);
  g_clear_object (&data->session);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static void send_request (GTask *task);

/* Ends the task; the timer's and the caller's cancellations become their own errors. */
static void
return_error (GTask  *task,
              GError *error)
{
  PageData *data = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (data->timed_out)
        {
          g_error_free (error);
          g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_TIMED_OUT,
                                   "The router's page did not answer within %d ms",
                                   PORTIER_GATEWAY_PAGE_TIMEOUT_MS);
          return;
        }
      if (g_cancellable_is_cancelled (data->caller_cancellable))
        {
          g_error_free (error);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "Operation was cancelled");
          return;
        }
    }
  g_task_return_error (task, error);
}

static gboolean
timeout_cb (gpointer user_data)
{
  PageData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Whether @target is the gateway itself (same address and port). */
static gboolean
stays_on_gateway (PageData *data,
                  GUri     *target)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;
  const char *host = g_uri_get_host (target);
  int port = g_uri_get_port (target);

  if (g_strcmp0 (g_uri_get_scheme (target), "http") != 0 || host == NULL)
    return FALSE;
  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    return FALSE;
  text = g_inet_address_to_string (address);
  return g_str_equal (text, data->gateway) && (port == -1 ? 80u : (guint) port) == data->port;
}

/* Follows a redirect to @location (relative to the page), or ends the task. */
static void
follow (GTask      *task,
        const char *location)
{
  PageData *data = g_task_get_task_data (task);
  g_autoptr(GUri) target = NULL;
  g_autoptr(GError) error = NULL;

  target = g_uri_parse_relative (data->uri, location, G_URI_FLAGS_NONE, &error);
  if (target == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "The router's page sends to an address that is not one: %s",
                               error->message);
      return;
    }
  if (!stays_on_gateway (data, target))
    {
      g_autofree char *shown = g_uri_to_string (target);

      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "The router's page sends elsewhere (%s); not followed", shown);
      return;
    }
  if (++data->hops > MAX_HOPS)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "The router's page sends on more than %d times", MAX_HOPS);
      return;
    }
  g_clear_pointer (&data->uri, g_uri_unref);
  data->uri = g_steal_pointer (&target);
  send_request (g_object_ref (task));
}

/* The URL of <meta http-equiv="refresh" content="0; URL=..."> in @html, or NULL. */
static char *
find_meta_refresh (const char *html)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  regex = g_regex_new ("<meta[^>]+http-equiv\\s*=\\s*[\"']?refresh[\"']?[^>]*"
                       "content\\s*=\\s*[\"']\\s*\\d*\\s*;\\s*url\\s*=\\s*([^\"'>\\s]+)",
                       G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);
  g_assert (regex != NULL);
  if (!g_regex_match (regex, html, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static void
finish_page (GTask *task)
{
  PageData *data = g_task_get_task_data (task);
  g_autofree char *title = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *html = NULL;

  if (data->raw)
    {
      g_task_return_pointer (task, g_bytes_new (data->body->data, data->body->len),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  title = portier_html_find_title ((const char *) data->body->data, data->body->len);
  if (title != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&title), g_free);
      return;
    }
  html = data->body->len > 0 ? g_strndup ((const char *) data->body->data, data->body->len)
                             : g_strdup ("");
  refresh = find_meta_refresh (html);
  if (refresh != NULL)
    {
      g_clear_object (&data->stream);
      follow (task, refresh);
      return;
    }
  /* A page without a title is an answer too: nothing to recognize it by. */
  g_task_return_pointer (task, NULL, NULL);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PageData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize room;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      return_error (task, error);
      return;
    }
  room = PORTIER_GATEWAY_PAGE_MAX_BYTES - data->body->len;
  g_byte_array_append (data->body, g_bytes_get_data (bytes, NULL),
                       MIN (g_bytes_get_size (bytes), room));
  if (g_bytes_get_size (bytes) == 0 || data->body->len >= PORTIER_GATEWAY_PAGE_MAX_BYTES)
    {
      finish_page (task);
      return;
    }
  g_input_stream_read_bytes_async (data->stream,
                                   MIN (READ_CHUNK,
                                        PORTIER_GATEWAY_PAGE_MAX_BYTES - data->body->len),
                                   G_PRIORITY_DEFAULT, data->cancellable, read_cb,
                                   g_steal_pointer (&task));
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PageData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  data->stream = data->http->send_finish (source, result, &error);
  if (data->stream == NULL)
    {
      return_error (task, error);
      return;
    }
  status = data->http->get_status (data->message);
  if (status >= 300 && status < 400)
    {
      const char *location = data->http->get_header (data->message, "Location");

      if (location == NULL)
        {
          g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                                   "The router's page sends on without saying where");
          return;
        }
      g_clear_object (&data->stream);
      follow (task, location);
      return;
    }
  if (data->raw && (status < 200 || status >= 300))
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "The router answered %u", status);
      return;
    }
  if (status == PORTIER_HTTP_UNAUTHORIZED)
    {
      const char *challenge = data->http->get_header (data->message, "WWW-Authenticate");
      const char *space = challenge != NULL ? strchr (challenge, ' ') : NULL;
      char *realm = NULL;

      if (space != NULL)
        realm = data->http->get_param (space + 1, "realm");
      if (realm != NULL && *realm != '\0')
        {
          g_task_return_pointer (task, realm, g_free);
          return;
        }
      g_free (realm);
    }
  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->cancellable, read_cb, g_steal_pointer (&task));
}

static void
send_request (GTask *task)
{
  PageData *data = g_task_get_task_data (task);

  g_clear_object (&data->message);
  g_byte_array_set_size (data->body, 0);
  data->message = data->http->request_new ("GET", data->uri, NULL, NULL, TRUE);
  data->http->send_async (data->session, data->message, data->cancellable, send_cb, task);
}

/* Starts the look at @uri_text on @address (the gateway: the only host it may go to). */
static void
start (GTask        *task,
       GInetAddress *address,
       const char   *uri_text,
       gboolean      raw)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  PageData *data;

  data = g_new0 (PageData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) page_data_free);
  data->gateway = g_inet_address_to_string (address);
  data->raw = raw;
  data->body = g_byte_array_new ();
  data->uri = g_uri_parse (uri_text, G_URI_FLAGS_NONE, &error);
  if (data->uri == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an address: %s", uri_text, error->message);
      return;
    }
  data->port = g_uri_get_port (data->uri) > 0 ? (guint) g_uri_get_port (data->uri) : 80;
  if (!stays_on_gateway (data, data->uri))
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not on the router %s", uri_text, data->gateway);
      return;
    }

  data->http = portier_module_get ("http", PORTIER_HTTP_MODULE_ABI, &error);
  if (data->http == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* No proxy (the module uses none): the request goes to the router on this network,
   * nowhere else. */
  data->session = data->http->session_new (NULL, 0, 0, PACKAGE_NAME);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (caller_cancelled_cb),
                                                    g_object_ref (data->cancellable),
                                                    g_object_unref);
    }
  data->timer = g_timeout_source_new (PORTIER_GATEWAY_PAGE_TIMEOUT_MS);
  g_source_set_callback (data->timer, timeout_cb, data, NULL);
  g_source_attach (data->timer, g_main_context_get_thread_default ());

  send_request (g_object_ref (task));
}

/**
 * portier_gateway_page_title_async:
 * @gateway: the gateway's IP address (never a name)
 * @port: the web server's port; 0 for 80
 *
 * Reads the title of http://GATEWAY/. The result is NULL without an error when the page
 * has no title.
 */
void
portier_gateway_page_title_async (const char          *gateway,
                                  guint16              port,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uri = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_gateway_page_title_async);

  address = gateway != NULL ? g_inet_address_new_from_string (gateway) : NULL;
  if (address == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a gateway address", gateway ? gateway : "");
      return;
    }
  text = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    uri = g_strdup_printf ("http://[%s]:%u/", text, port != 0 ? port : 80);
  else
    uri = g_strdup_printf ("http://%s:%u/", text, port != 0 ? port : 80);
  start (task, address, uri, FALSE);
}

char *
portier_gateway_page_title_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == portier_gateway_page_title_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * portier_gateway_page_fetch_async:
 * @gateway: the gateway's IP address (never a name)
 * @url: an http:// address on @gateway, such as its UPnP device description
 *
 * Reads @url within the same limits as the page's title (at most
 * PORTIER_GATEWAY_PAGE_MAX_BYTES, PORTIER_GATEWAY_PAGE_TIMEOUT_MS, redirects only on the
 * gateway). An address on any other host is refused without a request.
 */
void
portier_gateway_page_fetch_async (const char          *gateway,
                                  const char          *url,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) address = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_gateway_page_fetch_async);

  address = gateway != NULL ? g_inet_address_new_from_string (gateway) : NULL;
  if (address == NULL || url == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a gateway address", gateway ? gateway : "");
      return;
    }
  start (task, address, url, TRUE);
}

/**
 * portier_gateway_page_fetch_finish:
 *
 * Returns: (transfer full): what the router sent, or %NULL with an error
 */
GBytes *
portier_gateway_page_fetch_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == portier_gateway_page_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
