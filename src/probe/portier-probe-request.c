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
 * @status: (out) (optional): why there is no client
 *
 * The address to test: @peer, unless @peer is a trusted proxy. Then it is the right-most
 * address of @forwarded_for that is not itself a trusted proxy — the only one a trusted
 * proxy vouches for; whatever stands left of it was written by the client. When every
 * address there is a trusted proxy, nobody is vouched for: a proxy is never the client.
 *
 * Returns: (transfer full) (nullable): the client's address, or %NULL when a trusted
 *   proxy sent no usable `X-Forwarded-For` or only trusted proxies (then nothing may be
 *   probed)
 */
GInetAddress *
portier_probe_client_address (GInetAddress             *peer,
                              const char               *forwarded_for,
                              const PortierProbeConfig *config,
                              PortierProbeClientStatus *status)
{
  g_autoptr(GInetAddress) address = portier_probe_normalize_address (peer);
  PortierProbeClientStatus ignored;
  gsize end;

  if (status == NULL)
    status = &ignored;
  *status = PORTIER_PROBE_CLIENT_OK;

  if (!portier_probe_config_is_trusted_proxy (config, address))
    return g_steal_pointer (&address);
  *status = PORTIER_PROBE_CLIENT_BAD_FORWARDED_FOR;
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
      if (!portier_probe_config_is_trusted_proxy (config, hop))
        {
          *status = PORTIER_PROBE_CLIENT_OK;
          return g_steal_pointer (&hop);
        }
      if (start == 0)
        {
          *status = PORTIER_PROBE_CLIENT_PROXY;
          return NULL;
        }
      end = start - 1;
    }
}

static gboolean
in_network (const guint8 *bytes,
            const guint8 *network,
            guint         bits)
{
  guint whole = bits / 8, rest = bits % 8;

  if (memcmp (bytes, network, whole) != 0)
    return FALSE;
  return rest == 0 || ((bytes[whole] ^ network[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static PortierProbeTarget
classify_ipv4 (const guint8 *b,
               gboolean      allow_private)
{
  static const struct
  {
    guint8             network[4];
    guint              bits;
    PortierProbeTarget target;
  } ranges[] = {
    { { 255, 255, 255, 255 }, 32, PORTIER_PROBE_TARGET_BROADCAST },
    { { 0, 0, 0, 0 }, 8, PORTIER_PROBE_TARGET_UNSPECIFIED },      /* “this network” */
    { { 127, 0, 0, 0 }, 8, PORTIER_PROBE_TARGET_LOOPBACK },
    { { 169, 254, 0, 0 }, 16, PORTIER_PROBE_TARGET_LINK_LOCAL },
    { { 224, 0, 0, 0 }, 4, PORTIER_PROBE_TARGET_MULTICAST },
    { { 240, 0, 0, 0 }, 4, PORTIER_PROBE_TARGET_RESERVED },
    { { 10, 0, 0, 0 }, 8, PORTIER_PROBE_TARGET_PRIVATE },
    { { 172, 16, 0, 0 }, 12, PORTIER_PROBE_TARGET_PRIVATE },
    { { 192, 168, 0, 0 }, 16, PORTIER_PROBE_TARGET_PRIVATE },
    { { 100, 64, 0, 0 }, 10, PORTIER_PROBE_TARGET_PRIVATE },      /* shared (carrier NAT) */
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (in_network (b, ranges[i].network, ranges[i].bits))
      return ranges[i].target == PORTIER_PROBE_TARGET_PRIVATE && allow_private
               ? PORTIER_PROBE_TARGET_OK : ranges[i].target;
  return PORTIER_PROBE_TARGET_OK;
}

/**
 * portier_probe_target_classify:
 * @address: an address a request asks to be probed
 * @allow_private: whether private, shared and unique-local addresses may be probed (a
 *   server for a test network)
 *
 * Loopback, unspecified, link-local, multicast, broadcast and reserved addresses are
 * never probed, and neither are IPv6 addresses that carry one of those as an IPv4
 * address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16). Whether an address is one
 * of the server's own is for the server to find out.
 */
PortierProbeTarget
portier_probe_target_classify (GInetAddress *address,
                               gboolean      allow_private)
{
  static const guint8 unspecified[16] = { 0 };
  static const guint8 nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
  static const guint8 sixtofour[2] = { 0x20, 0x02 };
  static const guint8 discard[8] = { 0x01, 0x00 };
  g_autoptr(GInetAddress) normal = portier_probe_normalize_address (address);
  const guint8 *b = g_inet_address_to_bytes (normal);

  if (g_inet_address_get_family (normal) == G_SOCKET_FAMILY_IPV4)
    return classify_ipv4 (b, allow_private);

  if (memcmp (b, unspecified, 16) == 0)
    return PORTIER_PROBE_TARGET_UNSPECIFIED;
  if (memcmp (b, unspecified, 15) == 0 && b[15] == 1)
    return PORTIER_PROBE_TARGET_LOOPBACK;
  if (b[0] == 0xff)
    return PORTIER_PROBE_TARGET_MULTICAST;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
    return PORTIER_PROBE_TARGET_LINK_LOCAL;
  if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0))
    /* Unique-local fc00::/7, and the site-local fec0::/10 it replaced. */
    return allow_private ? PORTIER_PROBE_TARGET_OK : PORTIER_PROBE_TARGET_PRIVATE;
  if (memcmp (b, unspecified, 12) == 0 || memcmp (b, discard, 8) == 0)
    /* IPv4-compatible (deprecated) ::/96 and the discard prefix 100::/64. */
    return PORTIER_PROBE_TARGET_RESERVED;
  if (memcmp (b, nat64, 12) == 0)
    return classify_ipv4 (b + 12, allow_private);
  if (memcmp (b, sixtofour, 2) == 0)
    return classify_ipv4 (b + 2, allow_private);
  return PORTIER_PROBE_TARGET_OK;
}

/**
 * portier_probe_target_to_string:
 *
 * Returns: the stable `reason` code of a 403 answer
 */
const char *
portier_probe_target_to_string (PortierProbeTarget target)
{
  switch (target)
    {
    case PORTIER_PROBE_TARGET_OK:
      return "ok";
    case PORTIER_PROBE_TARGET_LOOPBACK:
      return "loopback";
    case PORTIER_PROBE_TARGET_UNSPECIFIED:
      return "unspecified";
    case PORTIER_PROBE_TARGET_LINK_LOCAL:
      return "link-local";
    case PORTIER_PROBE_TARGET_MULTICAST:
      return "multicast";
    case PORTIER_PROBE_TARGET_BROADCAST:
      return "broadcast";
    case PORTIER_PROBE_TARGET_RESERVED:
      return "reserved";
    case PORTIER_PROBE_TARGET_PRIVATE:
      return "private";
    case PORTIER_PROBE_TARGET_OWN_ADDRESS:
      return "server-address";
    default:
      g_return_val_if_reached ("reserved");
    }
}

const char *
portier_probe_target_describe (PortierProbeTarget target)
{
  switch (target)
    {
    case PORTIER_PROBE_TARGET_OK:
      return "The address can be tested.";
    case PORTIER_PROBE_TARGET_LOOPBACK:
      return "The request came from a loopback address, which is this server itself: it "
             "is never tested. If this server runs behind a reverse proxy, its operator "
             "needs to list the proxy in trusted-proxies.";
    case PORTIER_PROBE_TARGET_UNSPECIFIED:
      return "The request came from an unspecified address, which is never tested.";
    case PORTIER_PROBE_TARGET_LINK_LOCAL:
      return "The request came from a link-local address, which is never tested.";
    case PORTIER_PROBE_TARGET_MULTICAST:
      return "The request came from a multicast address, which is never tested.";
    case PORTIER_PROBE_TARGET_BROADCAST:
      return "The request came from a broadcast address, which is never tested.";
    case PORTIER_PROBE_TARGET_RESERVED:
      return "The request came from a reserved address, which is never tested.";
    case PORTIER_PROBE_TARGET_PRIVATE:
      return "The request came from a private address: this server tests only addresses "
             "on the internet. Use a test server inside your network instead.";
    case PORTIER_PROBE_TARGET_OWN_ADDRESS:
      return "The request came from an address of this server itself, which is never "
             "tested.";
    default:
      g_return_val_if_reached ("The address is never tested.");
    }
}
