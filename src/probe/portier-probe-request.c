/* portier-probe-request.c: reading what a client asks the probe server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "portier-probe-request.h"

gboolean
portier_probe_token_is_valid (const char *token)
{
  gsize length = 0;

  for (const char *p = token; *p != '\0'; p++, length++)
    if (!g_ascii_isxdigit (*p) || length >= PORTIER_PROBE_TOKEN_MAX_LENGTH)
      return FALSE;
  return length >= PORTIER_PROBE_TOKEN_MIN_LENGTH;
}

static PortierProbeRequestStatus
read_object (JsonObject          *object,
             PortierProbeRequest *request)
{
  JsonNode *port = json_object_get_member (object, "port");
  JsonNode *protocol = json_object_get_member (object, "protocol");
  JsonNode *token = json_object_get_member (object, "token");
  const char *text;
  gint64 value;

  if (port == NULL || !JSON_NODE_HOLDS_VALUE (port) ||
      json_node_get_value_type (port) != G_TYPE_INT64)
    return PORTIER_PROBE_REQUEST_INVALID_PORT;
  value = json_node_get_int (port);
  if (value < 1 || value > G_MAXUINT16)
    return PORTIER_PROBE_REQUEST_INVALID_PORT;
  request->port = (guint16) value;

  if (protocol == NULL || !JSON_NODE_HOLDS_VALUE (protocol) ||
      json_node_get_value_type (protocol) != G_TYPE_STRING)
    return PORTIER_PROBE_REQUEST_INVALID_PROTOCOL;
  text = json_node_get_string (protocol);
  if (g_str_equal (text, "tcp"))
    request->protocol = PORTIER_PROTOCOL_TCP;
  else if (g_str_equal (text, "udp"))
    request->protocol = PORTIER_PROTOCOL_UDP;
  else
    return PORTIER_PROBE_REQUEST_INVALID_PROTOCOL;

  /* Without a token (TCP only) the probe only connects: for a port the client's own app
   * already answers, where no token can come back, "open" needs no waiting. */
  if (request->protocol == PORTIER_PROTOCOL_TCP &&
      (token == NULL || JSON_NODE_HOLDS_NULL (token)))
    {
      request->token[0] = '\0';
      return PORTIER_PROBE_REQUEST_OK;
    }
  if (token == NULL || !JSON_NODE_HOLDS_VALUE (token) ||
      json_node_get_value_type (token) != G_TYPE_STRING)
    return PORTIER_PROBE_REQUEST_INVALID_TOKEN;
  text = json_node_get_string (token);
  if (!portier_probe_token_is_valid (text))
    return PORTIER_PROBE_REQUEST_INVALID_TOKEN;
  g_strlcpy (request->token, text, sizeof request->token);

  return PORTIER_PROBE_REQUEST_OK;
}

/**
 * portier_probe_request_parse:
 * @data: the body of `POST /v1/probe`: `{"port": N, "protocol": "tcp|udp", "token": HEX}`
 * @request: (out caller-allocates): filled in when the result is %PORTIER_PROBE_REQUEST_OK
 *
 * Members other than these three are ignored, so clients may add some.
 */
PortierProbeRequestStatus
portier_probe_request_parse (const char          *data,
                             gsize                length,
                             PortierProbeRequest *request)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  memset (request, 0, sizeof *request);

  /* json-glib stops at a NUL; a body with one inside is not JSON. */
  if (length == 0 || length > G_MAXSSIZE || memchr (data, '\0', length) != NULL ||
      !g_utf8_validate (data, (gssize) length, NULL))
    return PORTIER_PROBE_REQUEST_MALFORMED;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return PORTIER_PROBE_REQUEST_MALFORMED;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return PORTIER_PROBE_REQUEST_MALFORMED;

  return read_object (json_node_get_object (root), request);
}

/**
 * portier_probe_request_status_to_string:
 *
 * Returns: the stable `error` code of the JSON answer
 */
const char *
portier_probe_request_status_to_string (PortierProbeRequestStatus status)
{
  switch (status)
    {
    case PORTIER_PROBE_REQUEST_OK:
      return "ok";
    case PORTIER_PROBE_REQUEST_MALFORMED:
      return "malformed-request";
    case PORTIER_PROBE_REQUEST_INVALID_PORT:
      return "invalid-port";
    case PORTIER_PROBE_REQUEST_INVALID_PROTOCOL:
      return "invalid-protocol";
    case PORTIER_PROBE_REQUEST_INVALID_TOKEN:
      return "invalid-token";
    default:
      g_return_val_if_reached ("malformed-request");
    }
}

/**
 * portier_probe_request_status_describe:
 *
 * Returns: a sentence for the programmer of a client (the wire protocol is English; the
 *   Portier client shows people a translated sentence chosen by the code)
 */
const char *
portier_probe_request_status_describe (PortierProbeRequestStatus status)
{
  switch (status)
    {
    case PORTIER_PROBE_REQUEST_OK:
      return "The request is valid.";
    case PORTIER_PROBE_REQUEST_MALFORMED:
      return "The body must be a JSON object: {\"port\": N, \"protocol\": \"tcp\", "
             "\"token\": \"<hex>\"}.";
    case PORTIER_PROBE_REQUEST_INVALID_PORT:
      return "\"port\" must be a whole number from 1 to 65535.";
    case PORTIER_PROBE_REQUEST_INVALID_PROTOCOL:
      return "\"protocol\" must be \"tcp\" or \"udp\".";
    case PORTIER_PROBE_REQUEST_INVALID_TOKEN:
      return "\"token\" must be 32 to 128 hexadecimal digits.";
    default:
      g_return_val_if_reached ("The request is not valid.");
    }
}

/**
 * portier_probe_parse_port_path:
 * @path: the path of a Transmission-style port check: `/51413`
 *
 * Returns: %TRUE when @path is `/` and a port from 1 to 65535
 */
gboolean
portier_probe_parse_port_path (const char *path,
                               guint16    *port)
{
  guint value = 0;
  gsize digits = 0;

  if (path == NULL || path[0] != '/')
    return FALSE;

  for (const char *p = path + 1; *p != '\0'; p++, digits++)
    {
      if (!g_ascii_isdigit (*p) || digits >= 5)
        return FALSE;
      value = value * 10 + (guint) (*p - '0');
    }

  if (digits == 0 || value < 1 || value > G_MAXUINT16)
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

/**
 * portier_probe_normalize_address:
 *
 * An IPv4 client of a dual-stack socket arrives as `::ffff:192.0.2.1`; it is an IPv4
 * address for limits and for the probe.
 *
 * Returns: (transfer full): @address, or the IPv4 address it maps
 */
GInetAddress *
portier_probe_normalize_address (GInetAddress *address)
{
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
        return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }
  return g_object_ref (address);
}

/* “:443” after an address in X-Forwarded-For: the same shape as the port path “/443”. */
static gboolean
is_port_suffix (const char *text)
{
  g_autofree char *path = g_strdup (text);
  guint16 port;

  if (path[0] != ':')
    return FALSE;
  path[0] = '/';
  return portier_probe_parse_port_path (path, &port);
}

/* One element of X-Forwarded-For: `192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`,
 * `[2001:db8::1]:443` or `192.0.2.1:443`. */
static GInetAddress *
parse_forwarded_element (const char *element,
                         gsize       length)
{
  g_autofree char *text = NULL;
  g_autoptr(GInetAddress) address = NULL;
  char *start;

  while (length > 0 && g_ascii_isspace (*element))
    element++, length--;
  while (length > 0 && g_ascii_isspace (element[length - 1]))
    length--;
  if (length == 0 || length > 64)
    return NULL;

  text = g_strndup (element, length);
  start = text;

  if (start[0] == '[')
    {
      char *end = strchr (start, ']');

      if (end == NULL || (end[1] != '\0' && !is_port_suffix (end + 1)))
        return NULL;
      *end = '\0';
      start++;
    }
  else
    {
      char *colon = strchr (start, ':');

      /* Exactly one colon: an IPv4 address with a port. More: a bare IPv6 address. */
      if (colon != NULL && strchr (colon + 1, ':') == NULL)
        {
          if (!is_port_suffix (colon))
            return NULL;
          *colon = '\0';
        }
    }

  address = g_inet_address_new_from_string (start);
  if (address == NULL)
    return NULL;
  return portier_probe_normalize_address (address);
}

/**
 * portier_probe_client_address:
 * @peer: the address the connection came from
 * @forwarded_for: (nullable): the `X-Forwarded-For` header
 * @config: says which proxies are trusted
 *
 * The address to test: @peer, unless @peer is a trusted proxy. Then it is the right-most
 * address of @forwarded_for that is not itself a trusted proxy — the only one a trusted
 * proxy vouches for; whatever stands left of it was written by the client.
 *
 * Returns: (transfer full) (nullable): the client's address, or %NULL when a trusted
 *   proxy sent no usable `X-Forwarded-For` (then nothing may be probed)
 */
GInetAddress *
portier_probe_client_address (GInetAddress             *peer,
                              const char               *forwarded_for,
                              const PortierProbeConfig *config)
{
  g_autoptr(GInetAddress) address = portier_probe_normalize_address (peer);
  gsize end;

  if (!portier_probe_config_is_trusted_proxy (config, address))
    return g_steal_pointer (&address);
  if (forwarded_for == NULL)
    return NULL;

  end = strlen (forwarded_for);
  while (TRUE)
    {
      gsize start = end;
      g_autoptr(GInetAddress) hop = NULL;

      while (start > 0 && forwarded_for[start - 1] != ',')
        start--;

      hop = parse_forwarded_element (forwarded_for + start, end - start);
      if (hop == NULL)
        return NULL;
      if (start == 0 || !portier_probe_config_is_trusted_proxy (config, hop))
        return g_steal_pointer (&hop);
      end = start - 1;
    }
}
