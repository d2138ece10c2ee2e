/* fuzz-ssdp.c: libFuzzer target for what a stranger on the LAN can send Portier
 *
 * An SSDP answer, and the location it names checked against a home network: the parser
 * must never crash, and nothing off this computer's subnet may ever be accepted. The
 * same bytes as the HTTP response carrying a device description, and as the description
 * itself: never a crash, never more than 64 KiB, and a description is accepted only when
 * every control URL it leads to is http:// on the device's own host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <arpa/inet.h>
#include <gio/gio.h>

#include <miniupnpc/miniupnpc.h>

#include "portier-router-private.h"

#define DEVICE_URL "http://192.168.1.1:5000/rootDesc.xml"

static void
check_description (GBytes *description)
{
  struct UPNPUrls urls;
  struct IGDdatas data;
  g_autoptr(GError) error = NULL;

  if (!portier_router_upnp_parse_igd (DEVICE_URL, description, &urls, &data, &error))
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_true (portier_router_same_host (DEVICE_URL, urls.controlURL));
  g_assert_true (urls.controlURL_CIF == NULL || *urls.controlURL_CIF == '\0' ||
                 portier_router_same_host (DEVICE_URL, urls.controlURL_CIF));
  g_assert_true (urls.controlURL_6FC == NULL || *urls.controlURL_6FC == '\0' ||
                 portier_router_same_host (DEVICE_URL, urls.controlURL_6FC));
  FreeUPNPUrls (&urls);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(PortierSsdpReply) reply = portier_ssdp_parse_reply ((const char *) data, size);
  PortierLocalNet net = { 0 };
  g_autoptr(GPtrArray) addresses6 = g_ptr_array_new ();
  PortierUrlHost host;
  const char *reason = NULL;
  g_autofree char *text = NULL;
  const char *url;

  net.interface = (char *) "eth0";
  net.gateway = (char *) "192.168.1.1";
  net.address = (char *) "192.168.1.10";
  net.network = 0xc0a80100;
  net.netmask = 0xffffff00;
  g_ptr_array_add (addresses6, (char *) "2001:db8:1:1::10/64");
  net.addresses6 = addresses6;

  /* The answer's location, or the raw input as a URL. */
  if (reply != NULL)
    {
      g_assert_nonnull (reply->st);
      url = reply->location;
    }
  else
    url = text = g_strndup ((const char *) data, MIN (size, 2048));

  if (portier_router_location_acceptable (url, &net, &reason))
    {
      guint8 bytes[16];

      g_assert_true (portier_router_parse_http_url (url, &host));
      if (!host.ipv6)
        {
          guint32 a;

          g_assert_cmpint (inet_pton (AF_INET, host.host, bytes), ==, 1);
          memcpy (&a, bytes, 4);
          a = ntohl (a);
          g_assert_cmpuint (a & net.netmask, ==, net.network);
          g_assert_cmpstr (host.host, !=, net.address);
        }
      else
        {
          g_assert_cmpint (inet_pton (AF_INET6, host.host, bytes), ==, 1);
          /* 2001:db8:1:1::/64 only. */
          g_assert_cmpint (memcmp (bytes, "\x20\x01\x0d\xb8\x00\x01\x00\x01", 8), ==, 0);
        }
      g_free (host.host);
    }
  else
    g_assert_nonnull (reason);

  /* A location counts only on the device that sent it. */
  if (portier_router_location_is_sender (url, "192.168.1.1"))
    g_assert_true (portier_router_same_host (url, "http://192.168.1.1/"));

  /* The bytes as a description response, and as a description. */
  {
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GBytes) raw = g_bytes_new (data, MIN (size, PORTIER_DESCRIPTION_MAX));
    g_autoptr(GError) error = NULL;

    if (portier_router_parse_description_response ((const char *) data, size, &body, NULL,
                                                   &error))
      {
        g_assert_cmpuint (g_bytes_get_size (body), >, 0);
        g_assert_cmpuint (g_bytes_get_size (body), <=, PORTIER_DESCRIPTION_MAX);
        check_description (body);
      }
    else
      g_assert_nonnull (error);
    check_description (raw);
  }

  return 0;
}
