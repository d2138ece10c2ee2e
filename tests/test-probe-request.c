/* test-probe-request.c: what the probe server reads from requests and from its
 * configuration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "portier-error.h"
#include "portier-probe-config.h"
#include "portier-probe-request.h"

#define TOKEN "00112233445566778899aabbccddeeff"

static PortierProbeRequestStatus
parse (const char          *text,
       PortierProbeRequest *request)
{
  return portier_probe_request_parse (text, strlen (text), request);
}

static void
test_parse_valid (void)
{
  PortierProbeRequest request;

  g_assert_cmpint (parse ("{\"port\": 25565, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
                          &request), ==, PORTIER_PROBE_REQUEST_OK);
  g_assert_cmpuint (request.port, ==, 25565);
  g_assert_cmpint (request.protocol, ==, PORTIER_PROTOCOL_TCP);
  g_assert_cmpstr (request.token, ==, TOKEN);

  g_assert_cmpint (parse ("{\"token\":\"" TOKEN TOKEN "\",\"protocol\":\"udp\",\"port\":1,"
                          "\"more\":{\"x\":[1,2]}}", &request), ==, PORTIER_PROBE_REQUEST_OK);
  g_assert_cmpuint (request.port, ==, 1);
  g_assert_cmpint (request.protocol, ==, PORTIER_PROTOCOL_UDP);

  g_assert_cmpint (parse ("{\"port\": 65535, \"protocol\": \"tcp\", \"token\": \""
                          "ABCDEF0123456789abcdef0123456789\"}", &request), ==,
                   PORTIER_PROBE_REQUEST_OK);
}

static void
test_parse_invalid (void)
{
  static const struct
  {
    const char                *body;
    PortierProbeRequestStatus  status;
  } cases[] = {
    { "", PORTIER_PROBE_REQUEST_MALFORMED },
    { "{", PORTIER_PROBE_REQUEST_MALFORMED },
    { "[1]", PORTIER_PROBE_REQUEST_MALFORMED },
    { "42", PORTIER_PROBE_REQUEST_MALFORMED },
    { "{\"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}", PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": 0, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": 65536, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": -80, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": 80.0, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": \"80\", \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": {}, \"protocol\": \"tcp\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PORT },
    { "{\"port\": 80, \"protocol\": \"both\", \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PROTOCOL },
    { "{\"port\": 80, \"protocol\": null, \"token\": \"" TOKEN "\"}",
      PORTIER_PROBE_REQUEST_INVALID_PROTOCOL },
    { "{\"port\": 80, \"protocol\": \"udp\"}", PORTIER_PROBE_REQUEST_INVALID_TOKEN },
    { "{\"port\": 80, \"protocol\": \"tcp\", \"token\": \"0011\"}",
      PORTIER_PROBE_REQUEST_INVALID_TOKEN },
    { "{\"port\": 80, \"protocol\": \"tcp\", \"token\": \"0011223344556677889 aabbccddeeff\"}",
      PORTIER_PROBE_REQUEST_INVALID_TOKEN },
    { "{\"port\": 80, \"protocol\": \"tcp\", \"token\": \"" TOKEN TOKEN TOKEN TOKEN "0\"}",
      PORTIER_PROBE_REQUEST_INVALID_TOKEN },
  };
  PortierProbeRequest request;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PortierProbeRequestStatus status = parse (cases[i].body, &request);

      g_test_message ("%s", cases[i].body);
      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_nonnull (portier_probe_request_status_describe (status));
    }

  /* A NUL inside, and bytes that are not UTF-8. */
  g_assert_cmpint (portier_probe_request_parse ("{\"port\": 1}\0x", 13, &request), ==,
                   PORTIER_PROBE_REQUEST_MALFORMED);
  g_assert_cmpint (parse ("{\"port\": 1, \"protocol\": \"\xff\"}", &request), ==,
                   PORTIER_PROBE_REQUEST_MALFORMED);

  g_assert_cmpstr (portier_probe_request_status_to_string (PORTIER_PROBE_REQUEST_INVALID_PORT),
                   ==, "invalid-port");
}

static void
test_port_path (void)
{
  static const struct
  {
    const char *path;
    gboolean    valid;
    guint16     port;
  } cases[] = {
    { "/1", TRUE, 1 }, { "/51413", TRUE, 51413 }, { "/65535", TRUE, 65535 },
    { "/00080", TRUE, 80 }, { "/0", FALSE, 0 }, { "/65536", FALSE, 0 },
    { "/123456", FALSE, 0 }, { "/", FALSE, 0 }, { "80", FALSE, 0 }, { "/8 0", FALSE, 0 },
    { "/+80", FALSE, 0 }, { "/80/", FALSE, 0 }, { "/v1/ip", FALSE, 0 }, { "", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint16 port = 0;

      g_assert_cmpint (portier_probe_parse_port_path (cases[i].path, &port), ==,
                       cases[i].valid);
      if (cases[i].valid)
        g_assert_cmpuint (port, ==, cases[i].port);
    }
  g_assert_false (portier_probe_parse_port_path (NULL, NULL));
}

static char *
client_of (const char               *peer,
           const char               *forwarded_for,
           const PortierProbeConfig *config)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (peer);
  g_autoptr(GInetAddress) client = NULL;

  client = portier_probe_client_address (address, forwarded_for, config, NULL);
  return client != NULL ? g_inet_address_to_string (client) : NULL;
}

static void
test_forwarded_for (void)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
  g_autofree char *text = NULL;

  /* Nobody trusted: the peer, whatever the header says. */
  text = client_of ("198.51.100.4", "203.0.113.1", config);
  g_assert_cmpstr (text, ==, "198.51.100.4");
  g_clear_pointer (&text, g_free);
  text = client_of ("::ffff:198.51.100.4", NULL, config);
  g_assert_cmpstr (text, ==, "198.51.100.4");
  g_clear_pointer (&text, g_free);

  g_assert_true (portier_probe_config_add_trusted_proxy (config, "10.0.0.0/8", NULL));
  g_assert_true (portier_probe_config_add_trusted_proxy (config, "fd00::1", NULL));

  text = client_of ("10.1.1.1", "203.0.113.1", config);
  g_assert_cmpstr (text, ==, "203.0.113.1");
  g_clear_pointer (&text, g_free);
  /* What the client wrote itself (left) is not believed; the proxies' hops are skipped. */
  text = client_of ("10.1.1.1", "192.0.2.66, 203.0.113.1, 10.9.9.9", config);
  g_assert_cmpstr (text, ==, "203.0.113.1");
  g_clear_pointer (&text, g_free);
  text = client_of ("fd00::1", " [2001:db8::7]:5555 ", config);
  g_assert_cmpstr (text, ==, "2001:db8::7");
  g_clear_pointer (&text, g_free);
  text = client_of ("fd00::1", "2001:db8::7", config);
  g_assert_cmpstr (text, ==, "2001:db8::7");
  g_clear_pointer (&text, g_free);
  text = client_of ("10.1.1.1", "203.0.113.1:8080", config);
  g_assert_cmpstr (text, ==, "203.0.113.1");
  g_clear_pointer (&text, g_free);
  /* Only trusted hops: nobody is vouched for, and a proxy is never the client. */
  g_assert_null (client_of ("10.1.1.1", "10.2.2.2, 10.3.3.3", config));
  g_assert_null (client_of ("10.1.1.1", "10.1.1.1", config));
  {
    g_autoptr(GInetAddress) proxy = g_inet_address_new_from_string ("10.1.1.1");
    PortierProbeClientStatus status = PORTIER_PROBE_CLIENT_OK;

    g_assert_null (portier_probe_client_address (proxy, "fd00::1, 10.2.2.2", config, &status));
    g_assert_cmpint (status, ==, PORTIER_PROBE_CLIENT_PROXY);
    g_assert_null (portier_probe_client_address (proxy, "fd00::1, junk", config, &status));
    g_assert_cmpint (status, ==, PORTIER_PROBE_CLIENT_BAD_FORWARDED_FOR);
    g_assert_null (portier_probe_client_address (proxy, NULL, config, &status));
    g_assert_cmpint (status, ==, PORTIER_PROBE_CLIENT_BAD_FORWARDED_FOR);
  }
  /* Not a trusted peer: header ignored. */
  text = client_of ("fd00::2", "2001:db8::7", config);
  g_assert_cmpstr (text, ==, "fd00::2");
  g_clear_pointer (&text, g_free);

  /* A trusted proxy with a broken or missing header: nobody to probe. */
  g_assert_null (client_of ("10.1.1.1", NULL, config));
  g_assert_null (client_of ("10.1.1.1", "", config));
  g_assert_null (client_of ("10.1.1.1", "unknown", config));
  g_assert_null (client_of ("10.1.1.1", "203.0.113.1,", config));
  g_assert_null (client_of ("10.1.1.1", "203.0.113.1:99999", config));
  g_assert_null (client_of ("10.1.1.1", "[2001:db8::1", config));
  g_assert_null (client_of ("10.1.1.1", "[2001:db8::1]x", config));
}

static void
test_targets (void)
{
  static const struct
  {
    const char         *address;
    PortierProbeTarget  target;
  } cases[] = {
    { "198.51.100.7", PORTIER_PROBE_TARGET_OK },
    { "11.0.0.2", PORTIER_PROBE_TARGET_OK },
    { "2001:db8:1:1::10", PORTIER_PROBE_TARGET_OK },
    { "2a00:1450::1", PORTIER_PROBE_TARGET_OK },
    { "127.0.0.1", PORTIER_PROBE_TARGET_LOOPBACK },
    { "127.255.0.9", PORTIER_PROBE_TARGET_LOOPBACK },
    { "::1", PORTIER_PROBE_TARGET_LOOPBACK },
    { "::ffff:127.0.0.1", PORTIER_PROBE_TARGET_LOOPBACK },
    { "0.0.0.0", PORTIER_PROBE_TARGET_UNSPECIFIED },
    { "0.1.2.3", PORTIER_PROBE_TARGET_UNSPECIFIED },
    { "::", PORTIER_PROBE_TARGET_UNSPECIFIED },
    { "169.254.1.1", PORTIER_PROBE_TARGET_LINK_LOCAL },
    { "fe80::1", PORTIER_PROBE_TARGET_LINK_LOCAL },
    { "febf::1", PORTIER_PROBE_TARGET_LINK_LOCAL },
    { "224.0.0.1", PORTIER_PROBE_TARGET_MULTICAST },
    { "239.255.255.250", PORTIER_PROBE_TARGET_MULTICAST },
    { "ff02::1", PORTIER_PROBE_TARGET_MULTICAST },
    { "255.255.255.255", PORTIER_PROBE_TARGET_BROADCAST },
    { "240.0.0.1", PORTIER_PROBE_TARGET_RESERVED },
    { "::7f00:1", PORTIER_PROBE_TARGET_RESERVED },
    { "100::1", PORTIER_PROBE_TARGET_RESERVED },
    { "10.1.2.3", PORTIER_PROBE_TARGET_PRIVATE },
    { "172.16.0.1", PORTIER_PROBE_TARGET_PRIVATE },
    { "172.31.255.255", PORTIER_PROBE_TARGET_PRIVATE },
    { "192.168.1.10", PORTIER_PROBE_TARGET_PRIVATE },
    { "100.64.0.2", PORTIER_PROBE_TARGET_PRIVATE },
    { "100.127.255.1", PORTIER_PROBE_TARGET_PRIVATE },
    { "fd00::1", PORTIER_PROBE_TARGET_PRIVATE },
    { "fc12::1", PORTIER_PROBE_TARGET_PRIVATE },
    { "fec0::1", PORTIER_PROBE_TARGET_PRIVATE },
    { "::ffff:10.0.0.1", PORTIER_PROBE_TARGET_PRIVATE },
    /* IPv6 addresses that carry an IPv4 address are judged by it. */
    { "64:ff9b::7f00:1", PORTIER_PROBE_TARGET_LOOPBACK },
    { "64:ff9b::c0a8:10a", PORTIER_PROBE_TARGET_PRIVATE },
    { "64:ff9b::c633:6407", PORTIER_PROBE_TARGET_OK },
    { "2002:7f00:1::1", PORTIER_PROBE_TARGET_LOOPBACK },
    { "2002:a00:1::1", PORTIER_PROBE_TARGET_PRIVATE },
    /* Just outside the ranges. */
    { "172.32.0.1", PORTIER_PROBE_TARGET_OK },
    { "172.15.255.255", PORTIER_PROBE_TARGET_OK },
    { "100.128.0.1", PORTIER_PROBE_TARGET_OK },
    { "100.63.255.255", PORTIER_PROBE_TARGET_OK },
    { "169.253.1.1", PORTIER_PROBE_TARGET_OK },
    { "223.255.255.255", PORTIER_PROBE_TARGET_OK },
    { "1.0.0.0", PORTIER_PROBE_TARGET_OK },
    { "fbff::1", PORTIER_PROBE_TARGET_OK },
    { "fe00::1", PORTIER_PROBE_TARGET_OK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (cases[i].address);
      PortierProbeTarget allowed = cases[i].target == PORTIER_PROBE_TARGET_PRIVATE
                                     ? PORTIER_PROBE_TARGET_OK : cases[i].target;

      g_test_message ("%s", cases[i].address);
      g_assert_nonnull (address);
      g_assert_cmpint (portier_probe_target_classify (address, FALSE), ==, cases[i].target);
      /* allow-private-targets lets private addresses through, and nothing else. */
      g_assert_cmpint (portier_probe_target_classify (address, TRUE), ==, allowed);
      g_assert_nonnull (portier_probe_target_to_string (cases[i].target));
      g_assert_nonnull (portier_probe_target_describe (cases[i].target));
    }
  g_assert_cmpstr (portier_probe_target_to_string (PORTIER_PROBE_TARGET_OWN_ADDRESS), ==,
                   "server-address");
}

static void
test_listen_address (void)
{
  static const char *const valid[] = { "0.0.0.0:8080", "[::]:8080", "127.0.0.1:1",
                                       "[::1]:65535", "[fe80::1]:80" };
  static const char *const invalid[] = { "8080", "localhost:80", "[::1]", "::1:80",
                                         "[127.0.0.1]:80", "0.0.0.0:65536", "0.0.0.0:",
                                         "0.0.0.0:-1", ":80", "0.0.0.0:8080x" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetSocketAddress) address =
        portier_probe_parse_listen_address (valid[i], &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
      g_assert_cmpstr (text, ==, valid[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (portier_probe_parse_listen_address (invalid[i], &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
    }

  /* Port 0: any free port. */
  {
    g_autoptr(GInetSocketAddress) any = portier_probe_parse_listen_address ("127.0.0.1:0",
                                                                            NULL);
    g_assert_nonnull (any);
    g_assert_cmpuint (g_inet_socket_address_get_port (any), ==, 0);
  }
}

static void
test_config_defaults_are_safe (void)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();

  /* A public instance: limits on, no proxy trusted, short timeouts. */
  g_assert_cmpuint (config->trusted_proxies->len, ==, 0);
  g_assert_cmpuint (config->requests_per_minute, <=, 60);
  g_assert_cmpuint (config->request_burst, <=, 20);
  g_assert_cmpuint (config->max_pending_probes_per_address, <=, 8);
  g_assert_cmpuint (config->max_connections_per_address, <=, 16);
  g_assert_cmpuint (config->max_body_bytes, <=, 4096);
  g_assert_cmpuint (config->max_pending_probes, <=, 10000);
  g_assert_cmpuint (config->connect_timeout_ms, <=, 10000);
  g_assert_cmpuint (config->read_timeout_ms, <=, 5000);
  g_assert_cmpuint (config->request_timeout_ms, <=, 15000);
}

/* The sample configuration with every "#key=value" line uncommented. */
static PortierProbeConfig *
load_uncommented (const char *path)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GRegex) commented = g_regex_new ("^#([a-z-]+=)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uncommented = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  uncommented = g_regex_replace (commented, text, -1, 0, "\\1", 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_load_from_data (key_file, uncommented, -1, G_KEY_FILE_NONE,
                                            &error));
  g_assert_true (portier_probe_config_load_key_file (config, key_file, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&config);
}

static void
test_config_key_file (void)
{
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
  g_autoptr(PortierProbeConfig) copy = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                 "portier-probe-server.conf", NULL);
  g_autoptr(PortierProbeConfig) sample = portier_probe_config_new ();
  g_autoptr(PortierProbeConfig) defaults = portier_probe_config_new ();

  g_assert_true (g_key_file_load_from_data (key_file,
                                            "[server]\n"
                                            "listen=127.0.0.1:9000;[::1]:9000\n"
                                            "trusted-proxies=10.0.0.0/8; ::1\n"
                                            "[limits]\n"
                                            "requests-per-minute=100\n"
                                            "read-timeout-ms=250\n",
                                            -1, G_KEY_FILE_NONE, NULL));
  g_assert_true (portier_probe_config_load_key_file (config, key_file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config->listen->len, ==, 2);
  g_assert_cmpuint (config->trusted_proxies->len, ==, 2);
  g_assert_cmpuint (config->requests_per_minute, ==, 100);
  g_assert_cmpuint (config->read_timeout_ms, ==, 250);
  g_assert_cmpuint (config->request_burst, ==, 10);

  copy = portier_probe_config_copy (config);
  g_assert_cmpuint (copy->listen->len, ==, 2);
  g_assert_cmpuint (copy->requests_per_minute, ==, 100);

  /* The sample configuration in data/ loads as it is... */
  g_assert_true (portier_probe_config_load_file (sample, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sample->listen->len, ==, 0);
  g_assert_cmpuint (sample->trusted_proxies->len, ==, 0);

  /* ...and with every "#key=value" line taken in, it is exactly the defaults: what it
   * says is the default is. */
  g_clear_pointer (&sample, portier_probe_config_free);
  sample = load_uncommented (path);
  g_assert_cmpuint (sample->listen->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      static const char *const listen[] = { "0.0.0.0:8080", "[::]:8080" };
      g_autofree char *text = g_socket_connectable_to_string (
        G_SOCKET_CONNECTABLE (g_ptr_array_index (sample->listen, i)));

      g_assert_cmpstr (text, ==, listen[i]);
    }
  g_assert_cmpuint (sample->trusted_proxies->len, ==, 0);
  g_assert_false (sample->allow_private_targets);
  g_assert_false (defaults->allow_private_targets);
  g_assert_false (defaults->allow_local_targets);
#define SAME(field) g_assert_cmpuint (sample->field, ==, defaults->field)
  SAME (requests_per_minute);
  SAME (request_burst);
  SAME (prefix_requests_per_minute);
  SAME (prefix_request_burst);
  SAME (max_pending_probes);
  SAME (max_pending_probes_per_address);
  SAME (prefix_max_pending_probes);
  SAME (max_connections);
  SAME (max_connections_per_address);
  SAME (prefix_max_connections);
  SAME (max_tracked_addresses);
  SAME (max_body_bytes);
  SAME (connect_timeout_ms);
  SAME (read_timeout_ms);
  SAME (request_timeout_ms);
#undef SAME
}

static void
test_config_private_targets (void)
{
  static const struct
  {
    const char *text;
    gboolean    valid;
    gboolean    allow;
  } cases[] = {
    { "[server]\nallow-private-targets=true\n", TRUE, TRUE },
    { "[server]\nallow-private-targets=false\n", TRUE, FALSE },
    { "[server]\nallow-private-targets=yes\n", FALSE, FALSE },
    { "[server]\nallow-private-targets=\n", FALSE, FALSE },
    { "[limits]\nallow-private-targets=true\n", FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].text);
      g_assert_true (g_key_file_load_from_data (key_file, cases[i].text, -1, G_KEY_FILE_NONE,
                                                NULL));
      g_assert_cmpint (portier_probe_config_load_key_file (config, key_file, &error), ==,
                       cases[i].valid);
      if (cases[i].valid)
        g_assert_no_error (error);
      else
        g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
      g_assert_cmpint (config->allow_private_targets, ==, cases[i].allow);
      /* Nothing in a file lets the server test its own host. */
      g_assert_false (config->allow_local_targets);
    }
}

static void
test_config_errors (void)
{
  static const char *const bad[] = {
    "[limits]\nrequests-per-minute=0\n",
    "[limits]\nrequests-per-minute=1x\n",
    "[limits]\nrequests-per-minute=99999999999999999999\n",
    "[limits]\nread-timeout-ms=\n",
    "[limits]\nread-timeout-ms=10\n",
    "[limits]\nmaximum=3\n",
    "[server]\nlisten=*:80\n",
    "[server]\ntrusted-proxies=example.org\n",
    "[server]\nport=80\n",
    "[other]\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_true (g_key_file_load_from_data (key_file, bad[i], -1, G_KEY_FILE_NONE, NULL));
      g_assert_false (portier_probe_config_load_key_file (config, key_file, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe-request/parse/valid", test_parse_valid);
  g_test_add_func ("/probe-request/parse/invalid", test_parse_invalid);
  g_test_add_func ("/probe-request/port-path", test_port_path);
  g_test_add_func ("/probe-request/forwarded-for", test_forwarded_for);
  g_test_add_func ("/probe-request/targets", test_targets);
  g_test_add_func ("/probe-config/listen-address", test_listen_address);
  g_test_add_func ("/probe-config/defaults", test_config_defaults_are_safe);
  g_test_add_func ("/probe-config/key-file", test_config_key_file);
  g_test_add_func ("/probe-config/errors", test_config_errors);
  g_test_add_func ("/probe-config/private-targets", test_config_private_targets);

  return g_test_run ();
}
