/* test-router.c: the router's tables and checks that need no router
 *
 * The error-code table, the address classification, which router locations are
 * acceptable, SSDP answers, device descriptions (from a fake device on loopback that
 * serves hostile ones), /proc/net/route and /proc/net/arp, mapping descriptions.
 * Everything that talks to a real router is in the integration suite.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <miniupnpc/miniupnpc.h>

#include "portier-error.h"
#include "portier-router-private.h"

/* ---------------------------------------------------------------------------- errors */

static void
test_upnp_errors (void)
{
  const struct
  {
    int          code;
    guint16      external_port;
    PortierError expected;
  } cases[] = {
    { 606, 25565, PORTIER_ERROR_ROUTER_SECURE_MODE },
    { 606, 80, PORTIER_ERROR_ROUTER_PORT_RESTRICTED },
    { 606, 1023, PORTIER_ERROR_ROUTER_PORT_RESTRICTED },
    { 606, 1024, PORTIER_ERROR_ROUTER_SECURE_MODE },
    { 718, 25565, PORTIER_ERROR_ROUTER_CONFLICT },
    { 729, 25565, PORTIER_ERROR_ROUTER_CONFLICT },
    { 728, 25565, PORTIER_ERROR_ROUTER_TABLE_FULL },
    { 725, 25565, PORTIER_ERROR_ROUTER_REFUSED },
    { 724, 25565, PORTIER_ERROR_ROUTER_REFUSED },
    { 501, 25565, PORTIER_ERROR_ROUTER_REFUSED },
    { 402, 25565, PORTIER_ERROR_ROUTER_REFUSED },
    { 714, 25565, PORTIER_ERROR_NOT_FOUND },
    { 713, 25565, PORTIER_ERROR_NOT_FOUND },
    { 401, 25565, PORTIER_ERROR_NOT_SUPPORTED },
    { 602, 25565, PORTIER_ERROR_NOT_SUPPORTED },
    { 999, 25565, PORTIER_ERROR_ROUTER_REFUSED },
    { -3, 25565, PORTIER_ERROR_ROUTER_NOT_FOUND },   /* UPNPCOMMAND_HTTP_ERROR */
    { -1, 25565, PORTIER_ERROR_ROUTER_NOT_FOUND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("UPnP %d, port %u", cases[i].code, cases[i].external_port);
      g_assert_cmpint (portier_router_error_from_upnp (cases[i].code, cases[i].external_port,
                                                       cases[i].external_port),
                       ==, cases[i].expected);
    }

  /* The internal port counts too: forwarding 8080 to this computer's port 80. */
  g_assert_cmpint (portier_router_error_from_upnp (606, 8080, 80), ==,
                   PORTIER_ERROR_ROUTER_PORT_RESTRICTED);

  g_assert_true (portier_router_is_lease_error (725));
  g_assert_false (portier_router_is_lease_error (718));
  g_assert_false (portier_router_is_lease_error (0));
}

static void
test_natpmp_errors (void)
{
  /* Result codes as the router sends them (RFC 6886) and as libnatpmp reports them. */
  g_assert_cmpint (portier_router_error_from_natpmp (2, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);
  g_assert_cmpint (portier_router_error_from_natpmp (-51, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);
  g_assert_cmpint (portier_router_error_from_natpmp (-51, 443, 443), ==,
                   PORTIER_ERROR_ROUTER_PORT_RESTRICTED);
  g_assert_cmpint (portier_router_error_from_natpmp (3, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS);
  g_assert_cmpint (portier_router_error_from_natpmp (-52, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS);
  g_assert_cmpint (portier_router_error_from_natpmp (4, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_TABLE_FULL);
  g_assert_cmpint (portier_router_error_from_natpmp (-53, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_TABLE_FULL);
  g_assert_cmpint (portier_router_error_from_natpmp (1, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);
  g_assert_cmpint (portier_router_error_from_natpmp (5, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);
  g_assert_cmpint (portier_router_error_from_natpmp (-100, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_NOT_FOUND);   /* no answer in time */
  g_assert_cmpint (portier_router_error_from_natpmp (-5, 25565, 25565), ==,
                   PORTIER_ERROR_ROUTER_NOT_FOUND);   /* ICMP port unreachable */
}

static void
test_wan_errors (void)
{
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_CGNAT), ==,
                   PORTIER_ERROR_ROUTER_CARRIER_NAT);
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_DOUBLE_NAT), ==,
                   PORTIER_ERROR_ROUTER_DOUBLE_NAT);
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_NO_PUBLIC_ADDRESS), ==,
                   PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS);
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_DISCONNECTED), ==,
                   PORTIER_ERROR_ROUTER_DISCONNECTED);
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_PUBLIC), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);
  g_assert_cmpint (portier_router_error_from_wan (PORTIER_WAN_UNKNOWN), ==,
                   PORTIER_ERROR_ROUTER_REFUSED);

  /* Every router error has its own sentence. */
  for (PortierError code = PORTIER_ERROR_ROUTER_NOT_FOUND;
       code <= PORTIER_ERROR_ROUTER_DISCONNECTED; code++)
    g_assert_cmpstr (portier_error_describe (code), !=,
                     portier_error_describe (PORTIER_ERROR_FAILED));
  g_assert_cmpstr (portier_error_describe (PORTIER_ERROR_ROUTER_CARRIER_NAT), !=,
                   portier_error_describe (PORTIER_ERROR_ROUTER_DOUBLE_NAT));
}

/* ---------------------------------------------------------------------------- addresses */

static void
test_classify_address (void)
{
  const struct
  {
    const char      *address;
    PortierWanClass  expected;
  } cases[] = {
    { "11.0.0.2", PORTIER_WAN_PUBLIC },
    { "8.8.8.8", PORTIER_WAN_PUBLIC },
    { "100.63.255.255", PORTIER_WAN_PUBLIC },
    { "100.64.0.0", PORTIER_WAN_CGNAT },
    { "100.64.0.2", PORTIER_WAN_CGNAT },
    { "100.127.255.255", PORTIER_WAN_CGNAT },
    { "100.128.0.0", PORTIER_WAN_PUBLIC },
    { "10.0.0.1", PORTIER_WAN_DOUBLE_NAT },
    { "10.255.255.255", PORTIER_WAN_DOUBLE_NAT },
    { "172.15.255.255", PORTIER_WAN_PUBLIC },
    { "172.16.0.1", PORTIER_WAN_DOUBLE_NAT },
    { "172.31.255.255", PORTIER_WAN_DOUBLE_NAT },
    { "172.32.0.0", PORTIER_WAN_PUBLIC },
    { "192.168.0.2", PORTIER_WAN_DOUBLE_NAT },
    { "192.169.0.1", PORTIER_WAN_PUBLIC },
    { "0.0.0.0", PORTIER_WAN_DISCONNECTED },
    { "169.254.3.4", PORTIER_WAN_DISCONNECTED },
    { "127.0.0.1", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "192.0.2.1", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "198.18.0.1", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "198.19.255.255", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "198.20.0.0", PORTIER_WAN_PUBLIC },
    { "203.0.113.9", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "224.0.0.1", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "255.255.255.255", PORTIER_WAN_NO_PUBLIC_ADDRESS },
    { "", PORTIER_WAN_UNKNOWN },
    { "2001:db8::1", PORTIER_WAN_UNKNOWN },
    { "not an address", PORTIER_WAN_UNKNOWN },
    { "1.2.3", PORTIER_WAN_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].address);
      g_assert_cmpint (portier_router_classify_address (cases[i].address), ==,
                       cases[i].expected);
    }
  g_assert_cmpint (portier_router_classify_address (NULL), ==, PORTIER_WAN_UNKNOWN);
}

static void
test_classify (void)
{
  /* What the router says about itself comes first. */
  g_assert_cmpint (portier_router_classify ("Connected", "11.0.0.2", NULL, FALSE), ==,
                   PORTIER_WAN_PUBLIC);
  g_assert_cmpint (portier_router_classify ("Connected", "100.64.1.1", NULL, FALSE), ==,
                   PORTIER_WAN_CGNAT);
  g_assert_cmpint (portier_router_classify ("Connected", "192.168.0.2", "100.64.0.1", FALSE),
                   ==, PORTIER_WAN_DOUBLE_NAT);
  g_assert_cmpint (portier_router_classify ("Disconnected", "11.0.0.2", NULL, FALSE), ==,
                   PORTIER_WAN_DISCONNECTED);
  g_assert_cmpint (portier_router_classify (NULL, "11.0.0.2", NULL, FALSE), ==,
                   PORTIER_WAN_PUBLIC);

  /* miniupnpd hides a reserved WAN address (""): the hop after it tells. */
  g_assert_cmpint (portier_router_classify ("Connected", "", "100.64.0.1", FALSE), ==,
                   PORTIER_WAN_CGNAT);
  g_assert_cmpint (portier_router_classify ("Connected", "", "192.168.0.1", FALSE), ==,
                   PORTIER_WAN_DOUBLE_NAT);
  g_assert_cmpint (portier_router_classify ("Connected", "", "10.1.2.3", FALSE), ==,
                   PORTIER_WAN_DOUBLE_NAT);
  g_assert_cmpint (portier_router_classify ("Connected", "", "11.0.0.1", FALSE), ==,
                   PORTIER_WAN_NO_PUBLIC_ADDRESS);
  g_assert_cmpint (portier_router_classify ("Connected", "", NULL, FALSE), ==,
                   PORTIER_WAN_NO_PUBLIC_ADDRESS);
  g_assert_cmpint (portier_router_classify (NULL, "", "192.168.1.1", TRUE), ==,
                   PORTIER_WAN_DISCONNECTED);
  /* Not asked, no answer: nothing is known. */
  g_assert_cmpint (portier_router_classify (NULL, NULL, NULL, FALSE), ==,
                   PORTIER_WAN_UNKNOWN);

  for (PortierWanClass c = PORTIER_WAN_PUBLIC; c <= PORTIER_WAN_UNKNOWN; c++)
    {
      g_assert_nonnull (portier_wan_class_to_string (c));
      g_assert_true (g_str_has_suffix (portier_wan_class_describe (c), "."));
    }
}

/* ---------------------------------------------------------------------------- locations */

static PortierLocalNet *
home_net (void)
{
  PortierLocalNet *net = g_new0 (PortierLocalNet, 1);

  net->interface = g_strdup ("eth0");
  net->gateway = g_strdup ("192.168.1.1");
  net->address = g_strdup ("192.168.1.10");
  net->network = 0xc0a80100;
  net->netmask = 0xffffff00;
  net->addresses6 = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (net->addresses6, g_strdup ("2001:db8:1:1::10/64"));
  return net;
}

static void
test_parse_url (void)
{
  const char *bad[] = {
    "https://192.168.1.1/", "ftp://192.168.1.1/", "http://router.local:5000/",
    "http://192.168.1.1:0/", "http://192.168.1.1:65536/", "http://192.168.1.1:50x/",
    "http://user@192.168.1.1/", "http://[2001:db8::1/", "http://[192.168.1.1]/",
    "http://192.168.1/", "http://", "", "192.168.1.1:5000/", "http://192.168.1.1?x",
  };
  PortierUrlHost host;

  g_assert_true (portier_router_parse_http_url ("http://192.168.1.1:5000/rootDesc.xml", &host));
  g_assert_cmpstr (host.host, ==, "192.168.1.1");
  g_assert_cmpuint (host.port, ==, 5000);
  g_assert_false (host.ipv6);
  g_free (host.host);

  g_assert_true (portier_router_parse_http_url ("HTTP://192.168.1.1/desc", &host));
  g_assert_cmpuint (host.port, ==, 80);
  g_free (host.host);

  g_assert_true (portier_router_parse_http_url ("http://[2001:db8:1:1::1]:5000/x", &host));
  g_assert_cmpstr (host.host, ==, "2001:db8:1:1::1");
  g_assert_true (host.ipv6);
  g_free (host.host);

  g_assert_true (portier_router_parse_http_url ("http://10.0.0.1:49152", &host));
  g_free (host.host);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i]);
      g_assert_false (portier_router_parse_http_url (bad[i], &host));
      g_assert_null (host.host);
    }
  g_assert_false (portier_router_parse_http_url (NULL, &host));
}

static void
test_location_acceptable (void)
{
  g_autoptr(PortierLocalNet) net = home_net ();
  const char *reason = NULL;
  const char *good[] = {
    "http://192.168.1.1:5000/rootDesc.xml",
    "http://192.168.1.254:49000/igd.xml",
    "http://192.168.1.11:1900/",
    "http://[2001:db8:1:1::1]:5000/rootDesc.xml",
  };
  const char *bad[] = {
    "http://11.0.9.9:5000/rootDesc.xml",          /* another network */
    "http://192.168.2.1:5000/",                   /* another subnet */
    "http://127.0.0.1:5000/",                     /* loopback */
    "http://0.0.0.0:5000/",
    "http://169.254.1.1:5000/",                   /* link-local */
    "http://224.0.0.1:5000/",                     /* multicast */
    "http://239.255.255.250:1900/",
    "http://255.255.255.255/",
    "http://192.168.1.255:5000/",                 /* the subnet's broadcast */
    "http://192.168.1.0:5000/",                   /* the subnet itself */
    "http://192.168.1.10:5000/",                  /* this computer */
    "http://router.example:5000/",                /* a name */
    "http://[::1]:5000/",
    "http://[fe80::1]:5000/",
    "http://[ff02::c]:1900/",
    "http://[2001:db8:2::1]:5000/",               /* another IPv6 prefix */
    "http://[2001:db8:1:1::10]:5000/",            /* this computer */
    "http://[::ffff:192.168.1.1]:5000/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_test_message ("%s", good[i]);
      g_assert_true (portier_router_location_acceptable (good[i], net, &reason));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      reason = NULL;
      g_test_message ("%s", bad[i]);
      g_assert_false (portier_router_location_acceptable (bad[i], net, &reason));
      g_assert_nonnull (reason);
    }
}

static void
test_same_host (void)
{
  g_assert_true (portier_router_same_host ("http://192.168.1.1:5000/rootDesc.xml",
                                           "http://192.168.1.1:5000/ctl/IPConn"));
  g_assert_true (portier_router_same_host ("http://192.168.1.1:5000/a",
                                           "http://192.168.1.1:80/b"));
  g_assert_true (portier_router_same_host ("http://[2001:db8::1]:5000/a",
                                           "http://[2001:db8:0::1]/b"));
  g_assert_false (portier_router_same_host ("http://192.168.1.1:5000/rootDesc.xml",
                                            "http://11.0.9.9:5000/ctl/IPConn"));
  g_assert_false (portier_router_same_host ("http://192.168.1.1/a", "http://evil/b"));
  g_assert_false (portier_router_same_host ("http://192.168.1.1/a", NULL));
}

/* ---------------------------------------------------------------------------- SSDP */

static void
test_ssdp_reply (void)
{
  const char miniupnpd[] =
    "HTTP/1.1 200 OK\r\n"
    "CACHE-CONTROL: max-age=120\r\n"
    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "USN: uuid:4f3f0e5c::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "EXT:\r\n"
    "SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
    "location: http://192.168.1.1:5000/rootDesc.xml\r\n"
    "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
    "\r\n";
  const char *bad[] = {
    "NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.1/\r\nNT: x\r\n\r\n",
    "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
    "HTTP/1.1 404 Not Found\r\nLOCATION: http://192.168.1.1/\r\nST: x\r\n\r\n",
    "HTTP/1.1 200 OK\r\nST: x\r\n\r\n",                          /* no location */
    "HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1/\r\n\r\n",  /* no ST */
    "HTTP/1.1 200 OK\r\nLOCATION:\r\nST: x\r\n\r\n",
    "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/\x01\r\nST: x\r\n\r\n",
    "HTTP/1.1 200",
    "",
  };
  g_autoptr(PortierSsdpReply) reply = portier_ssdp_parse_reply (miniupnpd, strlen (miniupnpd));

  g_assert_nonnull (reply);
  g_assert_cmpstr (reply->location, ==, "http://192.168.1.1:5000/rootDesc.xml");
  g_assert_cmpstr (reply->st, ==, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
  g_assert_true (g_str_has_prefix (reply->usn, "uuid:4f3f0e5c"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PortierSsdpReply) none = portier_ssdp_parse_reply (bad[i], strlen (bad[i]));
      g_test_message ("bad %u", i);
      g_assert_null (none);
    }

  /* A header after the blank line is body, not a header. */
  {
    const char text[] = "HTTP/1.1 200 OK\r\nST: x\r\n\r\nLOCATION: http://192.168.1.1/\r\n";
    g_autoptr(PortierSsdpReply) none = portier_ssdp_parse_reply (text, strlen (text));
    g_assert_null (none);
  }
  /* Embedded NUL and oversized answers are refused. */
  {
    const char text[] = "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/\0x\r\nST: x\r\n\r\n";
    g_autofree char *huge = g_strnfill (4096, 'a');
    g_autoptr(PortierSsdpReply) none = portier_ssdp_parse_reply (text, sizeof text - 1);
    g_autoptr(PortierSsdpReply) none2 = portier_ssdp_parse_reply (huge, 4096);
    g_assert_null (none);
    g_assert_null (none2);
  }
}

/* ---------------------------------------------------------------------------- descriptions */

static void
test_location_is_sender (void)
{
  g_assert_true (portier_router_location_is_sender ("http://192.168.1.1:5000/rootDesc.xml",
                                                    "192.168.1.1"));
  g_assert_true (portier_router_location_is_sender ("http://[2001:db8:1:1::1]:5000/x",
                                                    "2001:db8:1:1:0::1"));
  g_assert_false (portier_router_location_is_sender ("http://192.168.1.1:5000/rootDesc.xml",
                                                     "192.168.1.11"));
  g_assert_false (portier_router_location_is_sender ("http://[2001:db8:1:1::1]:5000/x",
                                                     "fe80::1"));
  g_assert_false (portier_router_location_is_sender ("http://[::ffff:192.168.1.1]/x",
                                                     "192.168.1.1"));
  g_assert_false (portier_router_location_is_sender ("http://router.lan:5000/x", "192.168.1.1"));
  g_assert_false (portier_router_location_is_sender ("http://192.168.1.1/x", NULL));
  g_assert_false (portier_router_location_is_sender ("http://192.168.1.1/x", ""));
}

static void
test_description_response (void)
{
  const struct
  {
    const char *text;
    const char *body;     /* NULL: refused */
    gboolean    framed;
  } cases[] = {
    { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", TRUE },
    { "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello, and more", "hello", TRUE },
    { "HTTP/1.0 200 OK\r\n\r\nto the end", "to the end", FALSE },
    { "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", "hi", TRUE },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n",
      "hello!", TRUE },
    { "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", "x", TRUE },
    /* refused */
    { "HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1/\r\n\r\n", NULL, FALSE },
    { "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", NULL, FALSE },
    { "HTTP/1.1 307 Temporary Redirect\r\nLocation: /x\r\n\r\n", NULL, FALSE },
    { "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nabc", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nabc", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", NULL, FALSE },
    { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", NULL, FALSE },
    { "HTTP/1.1 2000 OK\r\n\r\nabc", NULL, FALSE },
    { "SSH-2.0-OpenSSH\r\n\r\nabc", NULL, FALSE },
    { "", NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      gboolean framed = FALSE;
      gboolean ok;

      g_test_message ("response %u", i);
      ok = portier_router_parse_description_response (cases[i].text, strlen (cases[i].text),
                                                      &body, &framed, &error);
      if (cases[i].body != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                           cases[i].body, strlen (cases[i].body));
          g_assert_cmpint (framed, ==, cases[i].framed);
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (body);
          g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND);
        }
    }

  /* The size cap: 64 KiB of body, with a length, chunked or without either. */
  {
    g_autoptr(GString) text = g_string_new ("HTTP/1.1 200 OK\r\n\r\n");
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < PORTIER_DESCRIPTION_MAX; i++)
      g_string_append_c (text, 'x');
    g_assert_true (portier_router_parse_description_response (text->str, text->len, &body,
                                                              NULL, &error));
    g_assert_cmpuint (g_bytes_get_size (body), ==, PORTIER_DESCRIPTION_MAX);
    g_clear_pointer (&body, g_bytes_unref);
    g_string_append_c (text, 'x');
    g_assert_false (portier_router_parse_description_response (text->str, text->len, &body,
                                                               NULL, &error));
    g_assert_true (strstr (error->message, "larger than") != NULL);
  }
  {
    g_autoptr(GString) text = g_string_new ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 17; i++)
      {
        g_string_append (text, "1000\r\n");
        for (guint b = 0; b < 0x1000; b++)
          g_string_append_c (text, 'y');
        g_string_append (text, "\r\n");
      }
    g_string_append (text, "0\r\n\r\n");
    g_assert_false (portier_router_parse_description_response (text->str, text->len, &body,
                                                               NULL, &error));
    g_assert_true (strstr (error->message, "larger than") != NULL);
  }
}

/* A fake device on loopback: it serves, for each path, an HTTP response given as is. */
typedef struct
{
  int          fd;
  guint16      port;
  GHashTable  *responses;   /* path → raw response; "slow" dribbles forever */
  GHashTable  *requests;    /* path → count */
  GMutex       lock;
  gint         stop;
  GThread     *thread;
} FakeDevice;

static void
fake_device_serve (FakeDevice *self,
                   int         client)
{
  char request[4096] = "";
  gsize got = 0;
  g_autofree char *path = NULL;
  const char *response;

  while (got < sizeof request - 1 && strstr (request, "\r\n\r\n") == NULL)
    {
      ssize_t n = recv (client, request + got, sizeof request - 1 - got, 0);

      if (n <= 0)
        return;
      got += (gsize) n;
      request[got] = '\0';
    }
  if (!g_str_has_prefix (request, "GET "))
    return;
  path = g_strndup (request + 4, strcspn (request + 4, " "));
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->requests, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->requests,
                                                                               path)) + 1));
  response = g_hash_table_lookup (self->responses, path);
  g_mutex_unlock (&self->lock);

  if (g_strcmp0 (response, "slow") == 0)
    {
      const char head[] = "HTTP/1.1 200 OK\r\n\r\n<root>";

      /* A byte every 100 ms, until the client gives up. */
      if (send (client, head, strlen (head), MSG_NOSIGNAL) < 0)
        return;
      while (!g_atomic_int_get (&self->stop) && send (client, " ", 1, MSG_NOSIGNAL) == 1)
        g_usleep (100 * 1000);
      return;
    }
  if (response == NULL)
    response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  for (gsize sent = 0; sent < strlen (response); )
    {
      ssize_t n = send (client, response + sent, strlen (response) - sent, MSG_NOSIGNAL);

      if (n <= 0)
        return;
      sent += (gsize) n;
    }
}

static gpointer
fake_device_run (gpointer data)
{
  FakeDevice *self = data;

  while (!g_atomic_int_get (&self->stop))
    {
      struct pollfd pfd = { self->fd, POLLIN, 0 };
      int client;

      if (poll (&pfd, 1, 50) <= 0)
        continue;
      client = accept (self->fd, NULL, NULL);
      if (client < 0)
        continue;
      fake_device_serve (self, client);
      close (client);
    }
  return NULL;
}

static FakeDevice *
fake_device_new (void)
{
  FakeDevice *self = g_new0 (FakeDevice, 1);
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;

  self->responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->lock);
  self->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (self->fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (self->fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (self->fd, 8), ==, 0);
  g_assert_cmpint (getsockname (self->fd, (struct sockaddr *) &address, &length), ==, 0);
  self->port = ntohs (address.sin_port);
  self->thread = g_thread_new ("fake-device", fake_device_run, self);
  return self;
}

static void
fake_device_free (FakeDevice *self)
{
  g_atomic_int_set (&self->stop, 1);
  g_thread_join (self->thread);
  close (self->fd);
  g_hash_table_unref (self->responses);
  g_hash_table_unref (self->requests);
  g_mutex_clear (&self->lock);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeDevice, fake_device_free)

static guint
fake_device_requests (FakeDevice *self,
                      const char *path)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->requests, path));
  g_mutex_unlock (&self->lock);
  return count;
}

/* An IGD description with @url_base (or none) and the WANIPConnection's and
 * WANCommonInterfaceConfig's control URLs. */
static char *
igd_description (const char *url_base,
                 const char *control,
                 const char *common_control)
{
  return g_strdup_printf (
    "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">"
    "<specVersion><major>1</major><minor>0</minor></specVersion>%s%s%s"
    "<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>"
    "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>"
    "<serviceList><service>"
    "<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>"
    "<controlURL>%s</controlURL><SCPDURL>/WANCfg.xml</SCPDURL></service></serviceList>"
    "<deviceList><device>"
    "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>"
    "<serviceList><service>"
    "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>"
    "<controlURL>%s</controlURL><SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList>"
    "</device></deviceList></device></deviceList></device></root>\n",
    url_base ? "<URLBase>" : "", url_base ? url_base : "", url_base ? "</URLBase>" : "",
    common_control, control);
}

/* Serves @response, as is, at @path. */
static void
fake_device_set (FakeDevice *self,
                 const char *path,
                 char       *response)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->responses, g_strdup (path), response);
  g_mutex_unlock (&self->lock);
}

/* Serves @body with a Content-Length at @path. */
static void
fake_device_add (FakeDevice *self,
                 const char *path,
                 const char *body)
{
  fake_device_set (self, path,
                   g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                                    "Content-Length: %zu\r\n\r\n%s", strlen (body), body));
}

static gboolean
load (FakeDevice  *device,
      const char  *path,
      char       **control,
      GError     **error)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", device->port, path);
  g_autofree char *lan_address = NULL;
  struct UPNPUrls urls;
  struct IGDdatas data;

  if (!portier_router_upnp_load_igd (url, &urls, &data, &lan_address, error))
    {
      g_assert_null (lan_address);
      return FALSE;
    }
  g_assert_cmpstr (lan_address, ==, "127.0.0.1");
  if (control != NULL)
    *control = g_strdup (urls.controlURL);
  FreeUPNPUrls (&urls);
  return TRUE;
}

static void
test_load_igd (void)
{
  g_autoptr(FakeDevice) device = fake_device_new ();
  g_autofree char *here = g_strdup_printf ("http://127.0.0.1:%u", device->port);
  g_autofree char *good = igd_description (NULL, "/ctl/IPConn", "/ctl/CmnIfCfg");
  g_autofree char *good_base = NULL;
  g_autofree char *chunked = NULL;
  g_autofree char *control = NULL;
  g_autofree char *big = NULL;
  g_autofree char *big_body = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  /* Control URLs that must each make the device unusable: other hosts by every
   * spelling, and anything but plain http. */
  g_autofree char *absolute_same = g_strdup_printf ("%s/ctl/IPConn", here);
  const char *hostile_controls[] = {
    "http://localhost:PORT/ctl",               /* a host name */
    "http://router.example:PORT/ctl",          /* a host name */
    "http://user@127.0.0.1:PORT/ctl",          /* userinfo, even for the same host */
    "http://127.0.0.1@127.0.0.2:PORT/ctl",     /* userinfo hiding another host */
    "http://127.0.0.2:PORT/ctl",               /* another loopback address */
    "http://192.168.1.11:PORT/ctl",            /* another LAN host */
    "http://192.168.1.1:PORT/ctl",             /* the gateway, from a device that is not it */
    "http://[::1]:PORT/ctl",                   /* IPv6 loopback */
    "http://[fe80::1%25eth0]:PORT/ctl",       /* IPv6 link-local with a zone */
    "http://[fe80::1%eth0]:PORT/ctl",
    "http://[::ffff:127.0.0.1]:PORT/ctl",      /* the same address, mapped: still refused */
    "https://127.0.0.1:PORT/ctl",              /* not http */
    "ftp://127.0.0.1:PORT/ctl",
    "http://127.0.0.1:PORT\\@192.168.1.11/ctl",
    "http://2130706433:PORT/ctl",              /* 127.0.0.1 as a number */
  };

  /* A good description: relative control URLs resolve on the device's host. */
  fake_device_add (device, "/good.xml", good);
  g_assert_true (load (device, "/good.xml", &control, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (control, ==, absolute_same);
  g_clear_pointer (&control, g_free);

  /* Absolute controls on the same host, a URLBase on the same host, chunked. */
  good_base = igd_description (here, absolute_same, "/ctl/CmnIfCfg");
  fake_device_add (device, "/good-base.xml", good_base);
  g_assert_true (load (device, "/good-base.xml", NULL, &error));
  chunked = g_strdup_printf ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "%zx\r\n%s\r\n0\r\n\r\n", strlen (good), good);
  fake_device_set (device, "/chunked.xml", g_steal_pointer (&chunked));
  g_assert_true (load (device, "/chunked.xml", NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (hostile_controls); i++)
    {
      g_autoptr(GString) spelled = g_string_new (hostile_controls[i]);
      g_autofree char *port = g_strdup_printf ("%u", device->port);
      g_autofree char *url = NULL;
      g_autofree char *path = g_strdup_printf ("/hostile%u.xml", i);
      g_autofree char *as_control = NULL;
      g_autofree char *as_common = NULL;
      g_autofree char *path2 = g_strdup_printf ("/hostile-common%u.xml", i);
      g_autofree char *base = NULL;
      g_autofree char *as_base = NULL;
      g_autofree char *path3 = g_strdup_printf ("/hostile-base%u.xml", i);

      g_string_replace (spelled, "PORT", port, 0);
      url = g_strdup (spelled->str);
      as_control = igd_description (NULL, url, "/ctl/CmnIfCfg");
      as_common = igd_description (NULL, "/ctl/IPConn", url);
      base = g_strdup_printf ("%.*s/", (int) (strrchr (url, '/') - url), url);
      as_base = igd_description (base, "ctl/IPConn", "ctl/CmnIfCfg");
      g_test_message ("control URL %s", url);
      fake_device_add (device, path, as_control);
      fake_device_add (device, path2, as_common);
      fake_device_add (device, path3, as_base);
      g_assert_false (load (device, path, NULL, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND);
      g_clear_error (&error);
      g_assert_false (load (device, path2, NULL, &error));
      g_clear_error (&error);
      g_assert_false (load (device, path3, NULL, &error));
      g_clear_error (&error);
    }

  /* Not an IGD, malformed XML, binary junk. */
  fake_device_add (device, "/media.xml",
                   "<?xml version=\"1.0\"?><root><device><deviceType>"
                   "urn:schemas-upnp-org:device:MediaServer:1</deviceType><serviceList><service>"
                   "<serviceType>urn:schemas-upnp-org:service:ContentDirectory:1</serviceType>"
                   "<controlURL>/ctl/cd</controlURL></service></serviceList></device></root>");
  fake_device_add (device, "/truncated.xml",
                   "<?xml version=\"1.0\"?><root><device><serviceList><service><serviceType>"
                   "urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>"
                   "/ctl/IPConn");
  fake_device_add (device, "/junk.xml", "<<<>>></></><![CDATA[ <root <device>>\x01\x02");
  fake_device_add (device, "/unclosed.xml",
                   "<root><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1"
                   "<controlURL>http://192.168.1.11/ctl</controlURL></service>");
  for (guint i = 0; i < 4; i++)
    {
      const char *paths[] = { "/media.xml", "/truncated.xml", "/junk.xml", "/unclosed.xml" };

      g_test_message ("%s", paths[i]);
      g_assert_false (load (device, paths[i], NULL, &error));
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND);
      g_clear_error (&error);
    }

  /* Oversized: a valid description padded past 64 KiB, with and without a length. */
  big_body = g_strdup_printf ("%s<!-- %0*d -->", good, PORTIER_DESCRIPTION_MAX, 0);
  fake_device_add (device, "/big.xml", big_body);
  g_assert_false (load (device, "/big.xml", NULL, &error));
  g_assert_true (strstr (error->message, "larger than") != NULL);
  g_clear_error (&error);
  big = g_strdup_printf ("HTTP/1.0 200 OK\r\n\r\n%s", big_body);
  fake_device_set (device, "/big-unframed.xml", g_steal_pointer (&big));
  g_assert_false (load (device, "/big-unframed.xml", NULL, &error));
  g_assert_true (strstr (error->message, "larger than") != NULL);
  g_clear_error (&error);

  /* A redirect is not followed, not even to a good description on the same host. */
  redirect = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: %s/good.xml\r\n"
                              "Content-Length: 0\r\n\r\n", here);
  fake_device_set (device, "/moved.xml", g_steal_pointer (&redirect));
  g_assert_cmpuint (fake_device_requests (device, "/good.xml"), ==, 1);
  g_assert_false (load (device, "/moved.xml", NULL, &error));
  g_assert_true (strstr (error->message, "redirect") != NULL);
  g_clear_error (&error);
  g_assert_cmpuint (fake_device_requests (device, "/moved.xml"), ==, 1);
  g_assert_cmpuint (fake_device_requests (device, "/good.xml"), ==, 1);

  /* Missing, and a device that never finishes: 5 s in all, not per read. */
  g_assert_false (load (device, "/missing.xml", NULL, &error));
  g_clear_error (&error);
  fake_device_set (device, "/slow.xml", g_strdup ("slow"));
  start = g_get_monotonic_time ();
  g_assert_false (load (device, "/slow.xml", NULL, &error));
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (PORTIER_DESCRIPTION_TIMEOUT_MS - 100) * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, (PORTIER_DESCRIPTION_TIMEOUT_MS + 2000) * 1000);
  g_clear_error (&error);

  /* Nothing listening, and URLs that are not http:// with an IP address. */
  {
    struct UPNPUrls urls;
    struct IGDdatas data;

    g_assert_false (portier_router_upnp_load_igd ("http://127.0.0.1:1/x", &urls, &data, NULL,
                                                  &error));
    g_clear_error (&error);
    g_assert_false (portier_router_upnp_load_igd ("http://localhost/x", &urls, &data, NULL,
                                                  &error));
    g_clear_error (&error);
  }

  /* A path that would change the request is never sent. */
  {
    g_autofree char *url = g_strdup_printf ("%s/good.xml HTTP/1.0\r\nX: y", here);
    struct UPNPUrls urls;
    struct IGDdatas data;

    g_assert_false (portier_router_upnp_load_igd (url, &urls, &data, NULL, &error));
    g_assert_true (strstr (error->message, "not a plain path") != NULL);
    g_clear_error (&error);
    g_assert_cmpuint (fake_device_requests (device, "/good.xml"), ==, 1);
  }
}

/* ---------------------------------------------------------------------------- /proc */

static void
test_parse_route (void)
{
  const char route[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "wg0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
    "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
    "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
    "down0\t00000000\t0102A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"  /* not up */
    "garbage line\n";
  g_autofree char *interface = NULL;
  g_autofree char *gateway = NULL;

  g_assert_true (portier_local_net_parse_route (route, &interface, &gateway));
  g_assert_cmpstr (interface, ==, "eth0");
  g_assert_cmpstr (gateway, ==, "192.168.1.1");
  g_clear_pointer (&interface, g_free);
  g_clear_pointer (&gateway, g_free);

  g_assert_false (portier_local_net_parse_route (
    "Iface\tDestination\tGateway\n" "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n",
    &interface, &gateway));
  g_assert_null (gateway);
  g_assert_false (portier_local_net_parse_route ("", &interface, &gateway));
}

static void
test_parse_arp (void)
{
  const char arp[] =
    "IP address       HW type     Flags       HW address            Mask     Device\n"
    "192.168.1.11     0x1         0x2         02:00:00:00:00:0b     *        eth0\n"
    "192.168.1.1      0x1         0x2         4A:B5:E9:84:E7:07     *        eth0\n"
    "192.168.1.12     0x1         0x0         00:00:00:00:00:00     *        eth0\n";
  g_autofree char *mac = portier_local_net_parse_arp (arp, "192.168.1.1");
  g_autofree char *incomplete = portier_local_net_parse_arp (arp, "192.168.1.12");
  g_autofree char *absent = portier_local_net_parse_arp (arp, "192.168.1.99");

  g_assert_cmpstr (mac, ==, "4a:b5:e9:84:e7:07");
  g_assert_null (incomplete);
  g_assert_null (absent);
}

static void
test_local_net_key (void)
{
  g_autoptr(PortierLocalNet) net = home_net ();
  g_autofree char *without = portier_local_net_key (net);
  g_autofree char *with = NULL;
  g_autofree char *ipv6 = portier_local_net_first_ipv6 (net);

  g_assert_cmpstr (without, ==, "192.168.1.1/192.168.1.0/-");
  net->gateway_mac = g_strdup ("4a:b5:e9:84:e7:07");
  with = portier_local_net_key (net);
  g_assert_cmpstr (with, ==, "192.168.1.1/192.168.1.0/4a:b5:e9:84:e7:07");
  g_assert_cmpstr (ipv6, ==, "2001:db8:1:1::10");
}

/* ---------------------------------------------------------------------------- descriptions */

static void
test_description (void)
{
  PortierPortSpec spec = { 25565, 25565, PORTIER_PROTOCOL_TCP };
  PortierPortSpec range = { 2456, 2458, PORTIER_PROTOCOL_UDP };
  g_autofree char *plain = portier_router_make_description (NULL, &spec);
  g_autofree char *app = portier_router_make_description ("minecraft-java", &spec);
  g_autofree char *odd = portier_router_make_description ("<a&b>\"x'", &range);
  g_autofree char *long_label = g_strnfill (200, 'x');
  g_autofree char *longer = portier_router_make_description (long_label, &spec);
  PortierMapping mapping = { 0 };

  g_assert_cmpstr (plain, ==, "Portier 25565/tcp");
  g_assert_cmpstr (app, ==, "Portier minecraft-java 25565/tcp");
  g_assert_cmpstr (odd, ==, "Portier -a-b--x- 2456-2458/udp");
  g_assert_cmpuint (strlen (longer), <, 64);

  /* Ours: the tag, this computer, and the port it names. Nothing else is ever removed. */
  mapping.internal_client = (char *) "192.168.1.10";
  mapping.internal_port = 25565;
  mapping.protocol = PORTIER_PROTOCOL_TCP;
  mapping.description = app;
  g_assert_true (portier_mapping_is_ours (&mapping, "192.168.1.10"));
  g_assert_false (portier_mapping_is_ours (&mapping, "192.168.1.11"));
  g_assert_false (portier_mapping_is_ours (&mapping, NULL));
  mapping.description = (char *) "Portiered game";
  g_assert_false (portier_mapping_is_ours (&mapping, "192.168.1.10"));
  mapping.description = (char *) "Portier";
  g_assert_true (portier_mapping_is_ours (&mapping, "192.168.1.10"));
  mapping.description = (char *) "NAT-PMP 25565 tcp";
  g_assert_false (portier_mapping_is_ours (&mapping, "192.168.1.10"));
  mapping.description = NULL;
  g_assert_false (portier_mapping_is_ours (&mapping, "192.168.1.10"));
}

/* Who owns a forward: Portier (its tag, this computer, the port it names), another
 * program on this computer, or another device. */
static void
test_owner (void)
{
  const char *lan = "192.168.1.10";
  PortierMapping mapping = { 0 };
  const struct
  {
    const char          *client;
    guint16              port;
    PortierProtocol      protocol;
    const char          *description;
    PortierMappingOwner  owner;
  } cases[] = {
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "Portier minecraft-java 25565/tcp",
      PORTIER_MAPPING_OWNER_PORTIER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_PORTIER },
    { "192.168.1.10", 2457, PORTIER_PROTOCOL_UDP, "Portier valheim 2456-2458/udp",
      PORTIER_MAPPING_OWNER_PORTIER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "Portier check",
      PORTIER_MAPPING_OWNER_PORTIER },
    /* This computer, another program: games, torrent clients, media servers. */
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "Some App",
      PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "", PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, NULL, PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_TCP, "Portiered game",
      PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    /* Portier's tag, but not the port or protocol it names: not Portier's forward. */
    { "192.168.1.10", 8080, PORTIER_PROTOCOL_TCP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    { "192.168.1.10", 25565, PORTIER_PROTOCOL_UDP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    { "192.168.1.10", 0, PORTIER_PROTOCOL_TCP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_THIS_COMPUTER },
    /* Another address is another device, whatever its description says. */
    { "192.168.1.11", 25565, PORTIER_PROTOCOL_TCP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_OTHER_DEVICE },
    { "192.168.1.11", 25565, PORTIER_PROTOCOL_TCP, "Some App",
      PORTIER_MAPPING_OWNER_OTHER_DEVICE },
    { NULL, 25565, PORTIER_PROTOCOL_TCP, "Portier 25565/tcp",
      PORTIER_MAPPING_OWNER_OTHER_DEVICE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      mapping.internal_client = (char *) cases[i].client;
      mapping.internal_port = cases[i].port;
      mapping.protocol = cases[i].protocol;
      mapping.description = (char *) cases[i].description;
      g_test_message ("%s:%u %s", cases[i].client, cases[i].port, cases[i].description);
      g_assert_cmpint (portier_mapping_get_owner (&mapping, lan), ==, cases[i].owner);
      g_assert_cmpint (portier_mapping_is_ours (&mapping, lan), ==,
                       cases[i].owner == PORTIER_MAPPING_OWNER_PORTIER);
    }

  /* Without this computer's address, nothing is known to be this computer's. */
  mapping.internal_client = (char *) lan;
  mapping.internal_port = 25565;
  mapping.protocol = PORTIER_PROTOCOL_TCP;
  mapping.description = (char *) "Portier 25565/tcp";
  g_assert_cmpint (portier_mapping_get_owner (&mapping, NULL), ==,
                   PORTIER_MAPPING_OWNER_OTHER_DEVICE);
  /* The owners' JSON words are portierctl's: test-portierctl-json.c. */
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/router/errors/upnp", test_upnp_errors);
  g_test_add_func ("/router/errors/natpmp", test_natpmp_errors);
  g_test_add_func ("/router/errors/wan", test_wan_errors);
  g_test_add_func ("/router/classify/address", test_classify_address);
  g_test_add_func ("/router/classify/router", test_classify);
  g_test_add_func ("/router/location/parse", test_parse_url);
  g_test_add_func ("/router/location/acceptable", test_location_acceptable);
  g_test_add_func ("/router/location/same-host", test_same_host);
  g_test_add_func ("/router/ssdp/reply", test_ssdp_reply);
  g_test_add_func ("/router/ssdp/sender", test_location_is_sender);
  g_test_add_func ("/router/description/response", test_description_response);
  g_test_add_func ("/router/description/load", test_load_igd);
  g_test_add_func ("/router/proc/route", test_parse_route);
  g_test_add_func ("/router/proc/arp", test_parse_arp);
  g_test_add_func ("/router/proc/key", test_local_net_key);
  g_test_add_func ("/router/description", test_description);
  g_test_add_func ("/router/owner", test_owner);

  return g_test_run ();
}
