/* fuzz-probe-request.c: libFuzzer target for what the probe server reads from the
 * internet: the body of POST /v1/probe, the path of GET /<port>, X-Forwarded-For
 *
 * Every input goes through all three readers; each must either refuse it or return
 * something within its contract.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <gio/gio.h>

#include "portier-probe-config.h"
#include "portier-probe-request.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static PortierProbeConfig *
get_config (void)
{
  static PortierProbeConfig *config;

  if (config == NULL)
    {
      config = portier_probe_config_new ();
      g_assert_true (portier_probe_config_add_trusted_proxy (config, "127.0.0.0/8", NULL));
      g_assert_true (portier_probe_config_add_trusted_proxy (config, "fd00::/8", NULL));
    }
  return config;
}

static void
check_body (const guint8 *data,
            size_t        size)
{
  PortierProbeRequest request;
  PortierProbeRequestStatus status;

  status = portier_probe_request_parse ((const char *) data, size, &request);
  g_assert_nonnull (portier_probe_request_status_to_string (status));
  g_assert_nonnull (portier_probe_request_status_describe (status));
  if (status != PORTIER_PROBE_REQUEST_OK)
    return;

  g_assert_cmpuint (request.port, >=, 1);
  g_assert_true (request.protocol == PORTIER_PROTOCOL_TCP ||
                 request.protocol == PORTIER_PROTOCOL_UDP);
  /* No token only for TCP (the probe then only connects); otherwise a valid one. */
  if (request.token[0] == '\0')
    g_assert_true (request.protocol == PORTIER_PROTOCOL_TCP);
  else
    {
      g_assert_true (portier_probe_token_is_valid (request.token));
      g_assert_cmpuint (strlen (request.token), >=, PORTIER_PROBE_TOKEN_MIN_LENGTH);
      g_assert_cmpuint (strlen (request.token), <=, PORTIER_PROBE_TOKEN_MAX_LENGTH);
    }
}

static void
check_text (const char *text)
{
  g_autoptr(GInetAddress) trusted_peer = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GInetAddress) untrusted_peer = g_inet_address_new_from_string ("2001:db8::1");
  g_autoptr(GInetAddress) client = NULL;
  g_autoptr(GInetAddress) same = NULL;
  PortierProbeClientStatus status;
  PortierProbeTarget target;
  guint16 port = 0;

  if (portier_probe_parse_port_path (text, &port))
    {
      g_autofree char *again = g_strdup_printf ("/%u", port);

      g_assert_cmpuint (port, >=, 1);
      /* Accepted paths are digits only, so the number reads back the same
       * (leading zeros aside). */
      g_assert_true (g_str_has_suffix (text, again + 1));
    }

  /* From a trusted proxy, the header decides, or there is nobody to probe. */
  client = portier_probe_client_address (trusted_peer, text, get_config (), &status);
  g_assert_true ((client != NULL) == (status == PORTIER_PROBE_CLIENT_OK));
  if (client != NULL)
    {
      g_autoptr(GInetAddress) normal = portier_probe_normalize_address (client);

      /* Always one family's plain address: never an IPv4-mapped IPv6 one, and never a
       * trusted proxy. */
      g_assert_true (g_inet_address_equal (normal, client));
      g_assert_false (portier_probe_config_is_trusted_proxy (get_config (), client));
      /* Whatever it is, it has a verdict: private ones only when allowed. */
      target = portier_probe_target_classify (client, FALSE);
      g_assert_nonnull (portier_probe_target_to_string (target));
      if (portier_probe_target_classify (client, TRUE) != target)
        g_assert_cmpint (target, ==, PORTIER_PROBE_TARGET_PRIVATE);
    }

  /* From anyone else, the header is ignored. */
  same = portier_probe_client_address (untrusted_peer, text, get_config (), &status);
  g_assert_nonnull (same);
  g_assert_cmpint (status, ==, PORTIER_PROBE_CLIENT_OK);
  g_assert_true (g_inet_address_equal (same, untrusted_peer));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  check_body (data, size);
  check_text (text);
  return 0;
}
