/* test-guide.c: the step-by-step guide — which router it is, and the steps
 *
 * Identification from the fixtures in tests/fixtures/guide (ARP tables, web pages and
 * UPnP descriptions in the shape real routers give them), the web page's limits against
 * a libsoup server on loopback (nothing leaves this machine), and the steps of every
 * problem for every router family.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <libsoup/soup.h>

#include "portier-error.h"
#include "portier-gateway-page.h"
#include "portier-guide-oui.h"
#include "portier-guide.h"
#include "portier-guide-check.h"
#include "portier-router-identity-private.h"

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "guide", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* ---- the families -------------------------------------------------------------------- */

static const char * const required_families[] = {
  "fritzbox", "tp-link", "netgear", "asus", "linksys", "unifi", "openwrt", "mikrotik",
  "huawei", "zte", "sagemcom", "technicolor", "arris", "google", "eero", "generic",
};

static void
test_families_complete (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) families = NULL;

  g_assert_true (portier_router_families_load (&error));
  g_assert_no_error (error);
  families = portier_router_families_list ();
  g_assert_cmpuint (families->len, >=, G_N_ELEMENTS (required_families));

  for (guint i = 0; i < G_N_ELEMENTS (required_families); i++)
    {
      const PortierRouterFamily *family = portier_router_family_lookup (required_families[i]);
      PortierRouterText required[] = {
        PORTIER_ROUTER_TEXT_WHERE, PORTIER_ROUTER_TEXT_ADD, PORTIER_ROUTER_TEXT_SAVE,
        PORTIER_ROUTER_TEXT_UPNP, PORTIER_ROUTER_TEXT_RESERVE, PORTIER_ROUTER_TEXT_IPV6,
        PORTIER_ROUTER_TEXT_FIELD_ADDRESS, PORTIER_ROUTER_TEXT_FIELD_INTERNAL_PORT,
        PORTIER_ROUTER_TEXT_FIELD_EXTERNAL_PORT, PORTIER_ROUTER_TEXT_FIELD_PROTOCOL,
      };

      g_test_message ("family %s", required_families[i]);
      g_assert_nonnull (family);
      for (guint j = 0; j < G_N_ELEMENTS (required); j++)
        {
          const char *text = portier_router_family_get_text (family, required[j]);

          g_assert_nonnull (text);
          g_assert_cmpuint (strlen (text), >, 1);
        }
      /* A settings page in a browser or an app on the phone, never neither. */
      if (portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_ADMIN_APP) == NULL)
        {
          g_autoptr(PortierRouterIdentity) identity =
            portier_router_identity_new (family, PORTIER_ROUTER_SOURCE_NONE, NULL, NULL,
                                         "192.168.1.1");
          g_assert_nonnull (identity->admin_url);
          g_assert_true (g_str_has_prefix (identity->admin_url, "http"));
        }
      /* The families the guide has steps for are recognizable; the generic is not. */
      g_assert_cmpint (portier_router_family_is_generic (family), ==,
                       g_str_equal (required_families[i], "generic"));
    }
}

/* ---- hardware addresses -------------------------------------------------------------- */

static void
test_oui_table (void)
{
  GHashTable *families_seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Sorted strictly (bsearch relies on it) and every family in it exists. */
  g_assert_cmpuint (portier_guide_oui_table_length, >, 1000);
  for (gsize i = 0; i < portier_guide_oui_table_length; i++)
    {
      if (i > 0)
        g_assert_cmpuint (portier_guide_oui_table[i - 1].prefix, <,
                          portier_guide_oui_table[i].prefix);
      g_assert_cmpuint (portier_guide_oui_table[i].prefix, <=, 0xffffff);
      g_assert_nonnull (portier_router_family_lookup (portier_guide_oui_table[i].family_id));
      g_hash_table_add (families_seen, (gpointer) portier_guide_oui_table[i].family_id);
    }
  /* Every maker with hardware of its own is in the registry (OpenWrt runs on others'). */
  for (guint i = 0; i < G_N_ELEMENTS (required_families); i++)
    if (!g_str_equal (required_families[i], "openwrt")
        && !g_str_equal (required_families[i], "generic"))
      {
        g_test_message ("vendor table has %s", required_families[i]);
        g_assert_true (g_hash_table_contains (families_seen, required_families[i]));
      }
  g_hash_table_unref (families_seen);
}

static void
test_oui_lookup (void)
{
  static const struct { const char *mac; const char *family; } cases[] = {
    { "3c:a6:2f:4e:91:07", "fritzbox" },      /* AVM */
    { "00:04:0E:00:00:01", "fritzbox" },      /* AVM GmbH, upper case */
    { "00:0a:eb:01:02:03", "tp-link" },
    { "00:31:92:aa:bb:cc", "tp-link" },       /* TP-Link Corporation Limited */
    { "00:09:5b:11:22:33", "netgear" },
    { "00:15:6d:11:22:33", "unifi" },         /* Ubiquiti Networks */
    { "00:ab:48:11:22:33", "eero" },
    { "00:1a:11:11:22:33", "google" },
    { "00:0c:42:11:22:33", "mikrotik" },      /* Routerboard.com */
    { "00:0e:59:11:22:33", "sagemcom" },
    { "00:15:eb:11:22:33", "zte" },
    { "00-15-EB-11-22-33", "zte" },           /* dashes */
  };
  static const char * const unknown[] = {
    "f4:bd:9e:10:22:33",      /* Cisco Systems: not a family the guide has */
    "da:a1:19:4c:03:5e",      /* locally administered (a random address) */
    "00:00:00:00:00:00", "3c:a6:2f", "3c:a6:2f:4e:91:0", "zz:a6:2f:4e:91:07", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierRouterIdentity) identity =
        portier_router_identity_from_hardware_address (cases[i].mac, "192.168.1.1");

      g_test_message ("%s", cases[i].mac);
      g_assert_nonnull (identity);
      g_assert_cmpstr (portier_router_family_get_id (identity->family), ==, cases[i].family);
      g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS);
      g_assert_nonnull (identity->vendor);
    }
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_null (portier_router_identity_from_hardware_address (unknown[i], "192.168.1.1"));
  g_assert_null (portier_router_identity_from_hardware_address (NULL, NULL));
}

static void
test_arp_table (void)
{
  g_autofree char *fritz = read_fixture ("arp-fritzbox");
  g_autofree char *incomplete = read_fixture ("arp-incomplete");
  g_autoptr(GError) error = NULL;
  g_autofree char *mac = NULL;
  char *none;

  mac = portier_arp_table_find (fritz, "192.168.178.1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mac, ==, "3c:a6:2f:4e:91:07");

  /* An entry the kernel has no answer for does not count. */
  none = portier_arp_table_find (fritz, "192.168.178.23", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_assert_null (none);
  g_clear_error (&error);
  none = portier_arp_table_find (incomplete, "192.168.0.1", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_assert_null (none);
  g_clear_error (&error);
  /* A prefix of an address is not the address. */
  none = portier_arp_table_find (incomplete, "192.168.0.7", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND);
  g_assert_null (none);
  g_clear_error (&error);

  none = portier_arp_table_find ("<html>not a table</html>", "192.168.0.1", &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (none);
}

/* ---- web page titles ------------------------------------------------------------------ */

static void
test_html_title (void)
{
  static const struct { const char *fixture; const char *title; const char *family; } cases[] = {
    { "title-fritzbox.html", "FRITZ!Box", "fritzbox" },
    { "title-tplink.html", "Archer AX55", "tp-link" },
    { "title-openwrt-luci.html", "OpenWrt - LuCI", "openwrt" },
    { "title-asus.html", "ASUS Login", "asus" },
    { "title-mikrotik.html", "RouterOS router configuration page", "mikrotik" },
    { "title-technicolor.html", "Technicolor & Vantiva DGA4134 Login", "technicolor" },
    { "title-unknown.html", "Login", NULL },
    { "title-harris.html", "Harris Broadcast Login", NULL },    /* not ARRIS */
    { "title-openwrt-index.html", NULL, NULL },
    { "title-none.html", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *html = read_fixture (cases[i].fixture);
      g_autofree char *title = portier_html_find_title (html, strlen (html));
      g_autoptr(PortierRouterIdentity) identity = NULL;

      g_test_message ("%s", cases[i].fixture);
      g_assert_cmpstr (title, ==, cases[i].title);
      identity = portier_router_identity_from_page_title (title, "192.168.1.1");
      if (cases[i].family == NULL)
        g_assert_null (identity);
      else
        {
          g_assert_nonnull (identity);
          g_assert_cmpstr (portier_router_family_get_id (identity->family), ==,
                           cases[i].family);
          g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_PAGE_TITLE);
        }
    }

  /* The length given is the end, NUL or not. */
  {
    const char *html = "<title>FRITZ!Box</title>";
    g_autofree char *cut = portier_html_find_title (html, 12);

    g_assert_null (cut);
  }
  /* Bad bytes and overlong titles come out as short valid UTF-8. */
  {
    g_autoptr(GString) html = g_string_new ("<title>\xff\xfe ");
    g_autofree char *title = NULL;

    for (int i = 0; i < 500; i++)
      g_string_append (html, "x");
    g_string_append (html, "</title>");
    title = portier_html_find_title (html->str, html->len);
    g_assert_nonnull (title);
    g_assert_true (g_utf8_validate (title, -1, NULL));
    g_assert_cmpint (g_utf8_strlen (title, -1), ==, 200);
  }
}

/* ---- UPnP descriptions ---------------------------------------------------------------- */

static void
test_upnp_description (void)
{
  static const struct
  {
    const char *fixture, *family, *vendor, *model;
  } cases[] = {
    { "upnp-fritzbox.xml", "fritzbox", "AVM Berlin", "FRITZ!Box 7590" },
    { "upnp-tplink.xml", "tp-link", "TP-Link", "Archer AX55" },
    { "upnp-openwrt.xml", "openwrt", "OpenWrt", "OpenWrt router" },
    /* A maker the guide has no steps for: the generic family, in the router's words
     * (the embedded WAN device's "MiniUPnP" is not the maker). */
    { "upnp-miniupnpd.xml", "generic", "Debian", "Debian router" },
  };
  g_autoptr(GError) error = NULL;
  PortierRouterIdentity *none;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = read_fixture (cases[i].fixture);
      g_autoptr(PortierRouterIdentity) identity = NULL;

      g_test_message ("%s", cases[i].fixture);
      identity = portier_router_identity_from_upnp_description (xml, -1, "192.168.1.1", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (portier_router_family_get_id (identity->family), ==, cases[i].family);
      g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_UPNP);
      g_assert_cmpstr (identity->vendor, ==, cases[i].vendor);
      g_assert_cmpstr (identity->model, ==, cases[i].model);
    }

  none = portier_router_identity_from_upnp_description ("<root><device>", -1, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (none);
  g_clear_error (&error);
  none = portier_router_identity_from_upnp_description ("<root><specVersion/></root>", -1,
                                                        NULL, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (none);
}

/* ---- the web page, fetched (a libsoup server on loopback) ----------------------------- */

typedef struct
{
  SoupServer *server;
  guint16     port;
  SoupServer *other;          /* on 127.0.0.2: where a redirect away from the gateway leads */
  guint16     other_port;
  guint       other_requests;
  guint       requests;
} PageFixture;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body,
         gsize              length)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, body, length);
}

static void
gateway_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  PageFixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  fixture->requests++;
  if (g_str_equal (path, "/fritz/"))
    {
      g_autofree char *html = read_fixture ("title-fritzbox.html");
      respond (msg, SOUP_STATUS_OK, html, strlen (html));
    }
  else if (g_str_equal (path, "/openwrt/"))
    {
      g_autofree char *html = read_fixture ("title-openwrt-index.html");
      respond (msg, SOUP_STATUS_OK, html, strlen (html));
    }
  else if (g_str_equal (path, "/openwrt/cgi-bin/luci/"))
    {
      g_autofree char *html = read_fixture ("title-openwrt-luci.html");
      respond (msg, SOUP_STATUS_OK, html, strlen (html));
    }
  else if (g_str_equal (path, "/moved"))
    {
      soup_message_headers_replace (headers, "Location", "/fritz/");
      respond (msg, SOUP_STATUS_FOUND, NULL, 0);
    }
  else if (g_str_equal (path, "/away"))
    {
      g_autofree char *target = g_strdup_printf ("http://127.0.0.2:%u/", fixture->other_port);

      soup_message_headers_replace (headers, "Location", target);
      respond (msg, SOUP_STATUS_MOVED_PERMANENTLY, NULL, 0);
    }
  else if (g_str_equal (path, "/away-by-name"))
    {
      g_autofree char *target = g_strdup_printf ("http://localhost:%u/fritz/", fixture->port);

      soup_message_headers_replace (headers, "Location", target);
      respond (msg, SOUP_STATUS_FOUND, NULL, 0);
    }
  else if (g_str_equal (path, "/loop"))
    {
      soup_message_headers_replace (headers, "Location", "/loop");
      respond (msg, SOUP_STATUS_FOUND, NULL, 0);
    }
  else if (g_str_equal (path, "/netgear"))
    {
      soup_message_headers_replace (headers, "WWW-Authenticate",
                                    "Basic realm=\"NETGEAR R7000\"");
      respond (msg, SOUP_STATUS_UNAUTHORIZED, "<html><body>401</body></html>", 29);
    }
  else if (g_str_equal (path, "/big"))
    {
      /* The title comes after the first 64 KiB: never read. */
      g_autoptr(GString) html = g_string_new ("<html><head>");

      while (html->len < PORTIER_GATEWAY_PAGE_MAX_BYTES + 1024)
        g_string_append (html, "<!-- padding padding padding padding padding -->\n");
      g_string_append (html, "<title>FRITZ!Box</title></head></html>");
      respond (msg, SOUP_STATUS_OK, html->str, html->len);
    }
  else if (g_str_equal (path, "/almost-big"))
    {
      /* The title ends just inside the first 64 KiB. */
      g_autoptr(GString) html = g_string_new ("<html><head>");
      const char *title = "<title>FRITZ!Box</title>";

      while (html->len < PORTIER_GATEWAY_PAGE_MAX_BYTES - strlen (title))
        g_string_append_c (html, ' ');
      g_string_truncate (html, PORTIER_GATEWAY_PAGE_MAX_BYTES - strlen (title));
      g_string_append (html, title);
      g_string_append (html, "</head><body>more than 64 KiB in all</body></html>");
      respond (msg, SOUP_STATUS_OK, html->str, html->len);
    }
  else if (g_str_equal (path, "/stall"))
    {
      /* Never answers. */
      soup_server_message_pause (msg);
    }
  else
    respond (msg, SOUP_STATUS_NOT_FOUND, "<title>Not found</title>", 24);
}

static void
other_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  PageFixture *fixture = user_data;

  fixture->other_requests++;
  respond (msg, SOUP_STATUS_OK, "<title>FRITZ!Box</title>", 24);
}

static guint16
listen_on (SoupServer *server,
           const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  soup_server_listen (server, socket_address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

static void
page_fixture_setup (PageFixture   *fixture,
                    gconstpointer  data)
{
  fixture->server = soup_server_new (NULL, NULL);
  g_object_set_data (G_OBJECT (fixture->server), "fixture", fixture);
  soup_server_add_handler (fixture->server, NULL, gateway_cb, fixture, NULL);
  fixture->port = listen_on (fixture->server, "127.0.0.1");
  fixture->other = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->other, NULL, other_cb, fixture, NULL);
  fixture->other_port = listen_on (fixture->other, "127.0.0.2");
}

static void
page_fixture_teardown (PageFixture   *fixture,
                       gconstpointer  data)
{
  soup_server_disconnect (fixture->server);
  soup_server_disconnect (fixture->other);
  g_assert_finalize_object (fixture->server);
  g_assert_finalize_object (fixture->other);
}

/* The title of http://127.0.0.1:PORT/ (root_goes_to() says where "/" leads). */
static char *
fetch_title (PageFixture  *fixture,
             GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  portier_gateway_page_title_async ("127.0.0.1", fixture->port, NULL, store_result_cb, &result);
  return portier_gateway_page_title_finish (wait_for (&result), error);
}

static void
root_redirect_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  const char *target = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (!g_str_equal (path, "/"))
    {
      gateway_cb (server, msg, path, query, g_object_get_data (G_OBJECT (server), "fixture"));
      return;
    }
  soup_message_headers_replace (headers, "Location", target);
  respond (msg, SOUP_STATUS_FOUND, NULL, 0);
}

/* Makes "/" redirect to @target; everything else is served by gateway_cb. */
static void
root_goes_to (PageFixture *fixture,
              const char  *target)
{
  soup_server_remove_handler (fixture->server, "/");
  soup_server_add_handler (fixture->server, "/", root_redirect_cb, (gpointer) target, NULL);
}

static void
test_page_title_found (PageFixture   *fixture,
                       gconstpointer  data)
{
  static const struct { const char *target; const char *title; } cases[] = {
    { "/fritz/", "FRITZ!Box" },
    { "/moved", "FRITZ!Box" },                 /* a redirect on the gateway: followed */
    { "/openwrt/", "OpenWrt - LuCI" },         /* a meta refresh on the gateway: followed */
    { "/netgear", "NETGEAR R7000" },           /* a password prompt: its realm */
    { "/almost-big", "FRITZ!Box" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *title = NULL;

      g_test_message ("%s", cases[i].target);
      root_goes_to (fixture, cases[i].target);
      title = fetch_title (fixture, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (title, ==, cases[i].title);
    }
  g_assert_cmpuint (fixture->other_requests, ==, 0);
}

static void
test_page_limits (PageFixture   *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  gint64 start;
  guint before;

  /* Only the first 64 KiB are read. */
  root_goes_to (fixture, "/big");
  title = fetch_title (fixture, &error);
  g_assert_no_error (error);
  g_assert_null (title);

  /* A redirect to another host is not followed: no request arrives there. */
  root_goes_to (fixture, "/away");
  title = fetch_title (fixture, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED);
  g_assert_null (title);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->other_requests, ==, 0);

  /* Nor one to a name, even one that means this machine. */
  before = fixture->requests;
  root_goes_to (fixture, "/away-by-name");
  title = fetch_title (fixture, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED);
  g_assert_null (title);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->requests - before, ==, 1);   /* /away-by-name only */

  /* Redirects on the gateway end after a few hops. */
  before = fixture->requests;
  root_goes_to (fixture, "/loop");
  title = fetch_title (fixture, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->requests - before, ==, 3);

  /* A page that never answers: given up after 2 s. */
  root_goes_to (fixture, "/stall");
  start = g_get_monotonic_time ();
  title = fetch_title (fixture, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_TIMED_OUT);
  g_assert_null (title);
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   (PORTIER_GATEWAY_PAGE_TIMEOUT_MS - 100) * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   (PORTIER_GATEWAY_PAGE_TIMEOUT_MS + 3000) * 1000);
}

static void
test_page_bad_gateway (void)
{
  const char * const bad[] = { "router.local", "http://192.168.1.1/", "", "192.168.1.256" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *title = NULL;

      portier_gateway_page_title_async (bad[i], 0, NULL, store_result_cb, &result);
      title = portier_gateway_page_title_finish (wait_for (&result), &error);
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
      g_assert_null (title);
    }
}

static void
test_page_cancelled (PageFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  root_goes_to (fixture, "/stall");
  portier_gateway_page_title_async ("127.0.0.1", fixture->port, cancellable, store_result_cb,
                                    &result);
  while (fixture->requests == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  title = portier_gateway_page_title_finish (wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (title);
}

/* Another page of the gateway (its UPnP description): the same limits, and nothing but the
 * gateway's own address is ever asked. */
static void
test_page_fetch (PageFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *fritz = g_strdup_printf ("http://127.0.0.1:%u/fritz/", fixture->port);
  g_autofree char *other = g_strdup_printf ("http://127.0.0.2:%u/", fixture->other_port);
  g_autofree char *by_name = g_strdup_printf ("http://localhost:%u/fritz/", fixture->port);
  g_autofree char *away = g_strdup_printf ("http://127.0.0.1:%u/away", fixture->port);
  g_autofree char *missing = g_strdup_printf ("http://127.0.0.1:%u/none", fixture->port);
  g_autofree char *big = g_strdup_printf ("http://127.0.0.1:%u/big", fixture->port);
  const struct { const char *url; GQuark domain; int code; } refused[] = {
    { other, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT },    /* another host */
    { by_name, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT },  /* a name */
    { "ftp://127.0.0.1/", PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT },
    { away, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED },        /* sends elsewhere */
    { missing, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED },     /* 404 */
  };

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *text = NULL;

    portier_gateway_page_fetch_async ("127.0.0.1", fritz, NULL, store_result_cb, &result);
    bytes = portier_gateway_page_fetch_finish (wait_for (&result), &error);
    g_assert_no_error (error);
    text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_nonnull (strstr (text, "FRITZ!Box"));
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;

    portier_gateway_page_fetch_async ("127.0.0.1", big, NULL, store_result_cb, &result);
    bytes = portier_gateway_page_fetch_finish (wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, PORTIER_GATEWAY_PAGE_MAX_BYTES);
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      g_test_message ("%s", refused[i].url);
      portier_gateway_page_fetch_async ("127.0.0.1", refused[i].url, NULL, store_result_cb,
                                        &result);
      bytes = portier_gateway_page_fetch_finish (wait_for (&result), &error);
      g_assert_error (error, refused[i].domain, refused[i].code);
      g_assert_null (bytes);
    }
  g_assert_cmpuint (fixture->other_requests, ==, 0);
}

/* ---- all sources together -------------------------------------------------------------- */

static PortierRouterIdentity *
identify (const char  *gateway,
          const char  *upnp,
          const char  *arp_fixture,
          guint16      port,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *arp = arp_fixture != NULL
                         ? g_test_build_filename (G_TEST_DIST, "fixtures", "guide", arp_fixture,
                                                  NULL)
                         : g_strdup ("/nonexistent/arp");

  portier_router_identify_full_async (gateway, upnp, arp, port, NULL, store_result_cb, &result);
  return portier_router_identify_finish (wait_for (&result), error);
}

static void
test_identify (PageFixture   *fixture,
               gconstpointer  data)
{
  g_autofree char *fritz_xml = read_fixture ("upnp-fritzbox.xml");
  g_autofree char *debian_xml = read_fixture ("upnp-miniupnpd.xml");
  g_autoptr(GError) error = NULL;
  PortierRouterIdentity *identity;
  guint before;

  /* 1. The UPnP description wins; nothing else is asked. */
  before = fixture->requests;
  identity = identify ("127.0.0.1", fritz_xml, "arp-incomplete", fixture->port, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (portier_router_family_get_id (identity->family), ==, "fritzbox");
  g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_UPNP);
  g_assert_cmpstr (identity->admin_url, ==, "http://fritz.box");
  g_assert_cmpuint (fixture->requests, ==, before);
  portier_router_identity_free (identity);

  /* 2. Else the hardware address's maker, from the ARP table; no page fetched. */
  identity = identify ("192.168.178.1", debian_xml, "arp-fritzbox", fixture->port, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (portier_router_family_get_id (identity->family), ==, "fritzbox");
  g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS);
  g_assert_cmpuint (fixture->requests, ==, before);
  portier_router_identity_free (identity);

  /* 3. Else the gateway's web page. */
  root_goes_to (fixture, "/openwrt/");
  identity = identify ("127.0.0.1", NULL, "arp-incomplete", fixture->port, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (portier_router_family_get_id (identity->family), ==, "openwrt");
  g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_PAGE_TITLE);
  g_assert_cmpstr (identity->admin_url, ==, "http://127.0.0.1/");
  portier_router_identity_free (identity);

  /* Nothing recognized: what UPnP said, on the generic family. */
  root_goes_to (fixture, "/nothing-here");
  identity = identify ("127.0.0.1", debian_xml, NULL, fixture->port, &error);
  g_assert_no_error (error);
  g_assert_true (portier_router_family_is_generic (identity->family));
  g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_UPNP);
  g_assert_cmpstr (identity->vendor, ==, "Debian");
  portier_router_identity_free (identity);

  /* Nothing at all: the generic family. */
  identity = identify ("127.0.0.1", "not xml", "arp-random-mac", fixture->port, &error);
  g_assert_no_error (error);
  g_assert_true (portier_router_family_is_generic (identity->family));
  g_assert_cmpint (identity->source, ==, PORTIER_ROUTER_SOURCE_NONE);
  g_assert_null (identity->vendor);
  g_assert_cmpstr (identity->admin_url, ==, "http://127.0.0.1/");
  portier_router_identity_free (identity);

  /* A gateway that is not an address: an error, nothing asked. */
  identity = identify ("fritz.box", NULL, NULL, fixture->port, &error);
  g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (identity);
  g_assert_cmpuint (fixture->other_requests, ==, 0);
}

/* ---- the steps -------------------------------------------------------------------------- */

static PortierGuideFacts *
make_facts (PortierGuideProblem  problem,
            const char          *spec)
{
  g_autoptr(PortierPortSpec) port = portier_port_spec_parse (spec, NULL);
  PortierGuideFacts *facts;

  g_assert_nonnull (port);
  facts = portier_guide_facts_new (problem, port, "192.168.1.20", "192.168.1.1");
  facts->app_name = g_strdup ("Minecraft: Java Edition");
  switch (problem)
    {
    case PORTIER_GUIDE_PROBLEM_DOUBLE_NAT:
      facts->outer_address = g_strdup ("192.168.0.1");
      facts->router_wan_address = g_strdup ("192.168.0.2");
      break;
    case PORTIER_GUIDE_PROBLEM_CGNAT:
      facts->router_wan_address = g_strdup ("100.64.9.1");
      break;
    case PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS:
      facts->old_address = g_strdup ("192.168.1.17");
      break;
    case PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT:
    case PORTIER_GUIDE_PROBLEM_ROUTER_REFUSED:
    default:
      break;
    }
  return facts;
}

/* Whether @needle is in a step's text or one of its values. */
static gboolean
guide_mentions (PortierGuide *guide,
                const char   *needle)
{
  for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);

      if (strstr (step->text, needle) != NULL)
        return TRUE;
      for (guint j = 0; j < step->values->len; j++)
        {
          const PortierGuideValue *value = g_ptr_array_index (step->values, j);

          if (strstr (value->value, needle) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
guide_has_value (PortierGuide *guide,
                 const char   *field,
                 const char   *wanted)
{
  for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);

      for (guint j = 0; j < step->values->len; j++)
        {
          const PortierGuideValue *value = g_ptr_array_index (step->values, j);

          if ((field == NULL || g_str_equal (value->field, field))
              && g_str_equal (value->value, wanted))
            return TRUE;
        }
    }
  return FALSE;
}

static const PortierGuideStep *
find_step (PortierGuide         *guide,
           PortierGuideStepKind  kind)
{
  for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
    if (portier_guide_get_step (guide, i)->kind == kind)
      return portier_guide_get_step (guide, i);
  return NULL;
}

static void
assert_steps_well_formed (PortierGuide *guide)
{
  g_assert_cmpuint (portier_guide_get_n_steps (guide), >=, 2);
  for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
    {
      const PortierGuideStep *step = portier_guide_get_step (guide, i);

      g_assert_cmpuint (strlen (step->title), >, 3);
      g_assert_cmpuint (strlen (step->text), >, 20);
      g_assert_nonnull (step->check_text);
      g_assert_null (strstr (step->text, "(null)"));
      g_assert_null (strstr (step->check_text, "(null)"));
      g_assert_nonnull (portier_guide_step_kind_to_string (step->kind));
      g_assert_nonnull (portier_guide_check_to_string (step->check));
      for (guint j = 0; j < step->values->len; j++)
        {
          const PortierGuideValue *value = g_ptr_array_index (step->values, j);

          g_assert_cmpuint (strlen (value->field), >, 0);
          g_assert_cmpuint (strlen (value->value), >, 0);
        }
    }
  /* Something Portier can check on the way. */
  {
    gboolean checkable = FALSE;

    for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
      checkable |= portier_guide_get_step (guide, i)->check != PORTIER_GUIDE_CHECK_NONE;
    g_assert_true (checkable);
  }
}

static void
test_steps_every_family_and_problem (void)
{
  g_autoptr(GPtrArray) families = portier_router_families_list ();
  const char * const specs[] = { "25565/tcp", "19132/udp", "2456-2458/both" };

  for (guint f = 0; f < families->len; f++)
    for (PortierGuideProblem problem = PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT;
         problem <= PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS; problem++)
      for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
        {
          const PortierRouterFamily *family = g_ptr_array_index (families, f);
          g_autoptr(PortierGuideFacts) facts = make_facts (problem, specs[s]);
          g_autoptr(PortierRouterIdentity) router =
            portier_router_identity_new (family, PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS, NULL,
                                         NULL, "192.168.1.1");
          g_autoptr(GError) error = NULL;
          g_autoptr(PortierGuide) guide = NULL;
          g_autoptr(PortierPortSpec) port = portier_port_spec_parse (specs[s], NULL);
          const char *ports = s == 2 ? "2456-2458" : s == 1 ? "19132" : "25565";

          g_test_message ("%s, %s, %s", portier_router_family_get_id (family),
                          portier_guide_problem_to_code (problem), specs[s]);
          guide = portier_guide_new (facts, router, &error);
          g_assert_no_error (error);
          assert_steps_well_formed (guide);

          /* This computer's address, the port and the protocol are in every guide. */
          g_assert_true (guide_mentions (guide, "192.168.1.20"));
          g_assert_true (guide_mentions (guide, ports));
          if (port->protocol == PORTIER_PROTOCOL_TCP)
            g_assert_true (guide_mentions (guide, "TCP") || guide_mentions (guide, "tcp"));
          else if (port->protocol == PORTIER_PROTOCOL_UDP)
            g_assert_true (guide_mentions (guide, "UDP") || guide_mentions (guide, "udp"));
          else
            g_assert_true (guide_mentions (guide, "UDP") || guide_mentions (guide, "udp")
                           || guide_has_value (guide, NULL,
                                               portier_router_family_get_text (
                                                 family, PORTIER_ROUTER_TEXT_PROTOCOL_BOTH)));

          switch (problem)
            {
            case PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT:
            case PORTIER_GUIDE_PROBLEM_ROUTER_REFUSED:
              /* The forward under the router's own field names. */
              g_assert_true (guide_has_value (
                guide, portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_FIELD_ADDRESS),
                "192.168.1.20"));
              g_assert_true (guide_has_value (
                guide, portier_router_family_get_text (family,
                                                       PORTIER_ROUTER_TEXT_FIELD_EXTERNAL_PORT),
                ports));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_OPEN_SETTINGS));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_RESERVE_ADDRESS));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_ENABLE_UPNP));
              g_assert_cmpint (find_step (guide, PORTIER_GUIDE_STEP_FORWARD)->kind, ==,
                               PORTIER_GUIDE_STEP_FORWARD);
              break;
            case PORTIER_GUIDE_PROBLEM_DOUBLE_NAT:
              g_assert_true (guide_mentions (guide, "192.168.0.1"));
              g_assert_true (guide_has_value (guide, NULL, "192.168.0.2"));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_BRIDGE_MODE));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_FORWARD_OUTER));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_FORWARD));
              break;
            case PORTIER_GUIDE_PROBLEM_CGNAT:
              g_assert_true (guide_mentions (guide, "100.64.9.1"));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_ASK_PROVIDER));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_RELAY));
              g_assert_null (find_step (guide, PORTIER_GUIDE_STEP_FORWARD));
              break;
            case PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS:
              g_assert_true (guide_mentions (guide, "192.168.1.17"));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_FIX_FORWARD));
              g_assert_nonnull (find_step (guide, PORTIER_GUIDE_STEP_RESERVE_ADDRESS));
              break;
            default:
              g_assert_not_reached ();
            }
        }
}

static void
test_steps_fritzbox (void)
{
  g_autoptr(PortierGuideFacts) facts = make_facts (PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT,
                                                   "2456-2458/both");
  g_autoptr(PortierRouterIdentity) router =
    portier_router_identity_new (portier_router_family_lookup ("fritzbox"),
                                 PORTIER_ROUTER_SOURCE_UPNP, "AVM Berlin", "FRITZ!Box 7590",
                                 "192.168.1.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierGuide) guide = portier_guide_new (facts, router, &error);
  const PortierGuideStep *step;
  guint forwards = 0;

  g_assert_no_error (error);
  /* The settings page at fritz.box, and at the gateway's address should that fail. */
  step = portier_guide_get_step (guide, 0);
  g_assert_cmpint (step->kind, ==, PORTIER_GUIDE_STEP_OPEN_SETTINGS);
  g_assert_true (guide_has_value (guide, "Address", "http://fritz.box"));
  g_assert_true (guide_has_value (guide, NULL, "http://192.168.1.1/"));
  g_assert_nonnull (strstr (step->text, "FRITZ!Box 7590"));
  /* No word for TCP and UDP: one forward each, under the FRITZ!Box's names. */
  for (guint i = 0; i < portier_guide_get_n_steps (guide); i++)
    if (portier_guide_get_step (guide, i)->kind == PORTIER_GUIDE_STEP_FORWARD)
      forwards++;
  g_assert_cmpuint (forwards, ==, 2);
  g_assert_true (guide_has_value (guide, "Protocol", "TCP"));
  g_assert_true (guide_has_value (guide, "Protocol", "UDP"));
  g_assert_true (guide_has_value (guide, "Device", "192.168.1.20"));
  g_assert_true (guide_has_value (guide, "Port to device", "2456-2458"));
  g_assert_true (guide_has_value (guide, "Name", "Minecraft-2456"));
  step = find_step (guide, PORTIER_GUIDE_STEP_FORWARD);
  g_assert_nonnull (strstr (step->text, "Internet > Permit Access > Port Sharing"));
  g_assert_cmpint (step->check, ==, PORTIER_GUIDE_CHECK_NONE);
  step = portier_guide_get_step (guide, portier_guide_get_n_steps (guide) - 1);
  g_assert_cmpint (step->check, ==, PORTIER_GUIDE_CHECK_REACHABLE_IPV4);
  g_assert_nonnull (strstr (step->check_text, "2456-2458/both"));
}

static void
test_steps_cgnat_ipv6 (void)
{
  g_autoptr(PortierGuideFacts) facts = make_facts (PORTIER_GUIDE_PROBLEM_CGNAT, "25565/tcp");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierGuide) guide = NULL;
  g_autoptr(PortierGuide) no_pinholes = NULL;
  g_autoptr(PortierGuide) no_ipv6 = NULL;
  const PortierGuideStep *step;

  no_ipv6 = portier_guide_new (facts, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (find_step (no_ipv6, PORTIER_GUIDE_STEP_IPV6));
  g_assert_null (find_step (no_ipv6, PORTIER_GUIDE_STEP_ALLOW_IPV6));

  facts->ipv6_address = g_strdup ("2001:db8::20");
  facts->router_takes_pinholes = TRUE;
  guide = portier_guide_new (facts, NULL, &error);
  g_assert_no_error (error);
  /* The ways out in order: IPv6, the provider, a relay. */
  g_assert_cmpint (portier_guide_get_step (guide, 1)->kind, ==, PORTIER_GUIDE_STEP_IPV6);
  g_assert_cmpint (portier_guide_get_step (guide, 2)->kind, ==, PORTIER_GUIDE_STEP_ASK_PROVIDER);
  g_assert_cmpint (portier_guide_get_step (guide, 3)->kind, ==, PORTIER_GUIDE_STEP_RELAY);
  step = portier_guide_get_step (guide, 1);
  g_assert_cmpint (step->check, ==, PORTIER_GUIDE_CHECK_REACHABLE_IPV6);
  g_assert_true (guide_has_value (guide, NULL, "[2001:db8::20]:25565"));
  /* The words for the provider name the shared address. */
  step = find_step (guide, PORTIER_GUIDE_STEP_ASK_PROVIDER);
  g_assert_cmpuint (step->values->len, ==, 1);
  g_assert_nonnull (strstr (((PortierGuideValue *) g_ptr_array_index (step->values, 0))->value,
                            "100.64.9.1"));

  facts->router_takes_pinholes = FALSE;
  no_pinholes = portier_guide_new (facts, NULL, &error);
  g_assert_no_error (error);
  step = portier_guide_get_step (no_pinholes, 1);
  g_assert_cmpint (step->kind, ==, PORTIER_GUIDE_STEP_ALLOW_IPV6);
  g_assert_true (guide_has_value (no_pinholes, NULL, "2001:db8::20"));
}

static void
test_steps_double_nat_outer_vendor (void)
{
  g_autoptr(PortierGuideFacts) facts = make_facts (PORTIER_GUIDE_PROBLEM_DOUBLE_NAT, "25565/tcp");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierGuide) guide = NULL;
  const PortierGuideStep *step;

  facts->outer_vendor = g_strdup ("Sagemcom Broadband SAS");
  guide = portier_guide_new (facts, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (guide_mentions (guide, "Sagemcom"));
  /* The forward on the outer box under its maker's names, to the router's address there. */
  step = find_step (guide, PORTIER_GUIDE_STEP_FORWARD_OUTER);
  g_assert_true (guide_has_value (guide, "Internal IP address", "192.168.0.2"));
  g_assert_nonnull (strstr (step->text, "Access Control > Port Forwarding"));
}

static void
test_facts_invalid (void)
{
  g_autoptr(PortierPortSpec) port = portier_port_spec_parse ("25565", NULL);
  struct { PortierGuideProblem problem; const char *local, *gateway, *outer, *old, *ipv6; }
  cases[] = {
    { PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, NULL, "192.168.1.1", NULL, NULL, NULL },
    { PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, "my-pc", "192.168.1.1", NULL, NULL, NULL },
    { PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, "2001:db8::20", "192.168.1.1", NULL, NULL, NULL },
    { PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, "192.168.1.20", "fritz.box", NULL, NULL, NULL },
    { PORTIER_GUIDE_PROBLEM_DOUBLE_NAT, "192.168.1.20", "192.168.1.1", NULL, NULL, NULL },
    { PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS, "192.168.1.20", "192.168.1.1", NULL, NULL,
      NULL },
    { PORTIER_GUIDE_PROBLEM_CGNAT, "192.168.1.20", "192.168.1.1", NULL, NULL, "192.168.1.20" },
    { 42, "192.168.1.20", "192.168.1.1", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierGuideFacts) facts =
        portier_guide_facts_new (cases[i].problem, port, cases[i].local, cases[i].gateway);
      g_autoptr(GError) error = NULL;
      PortierGuide *guide;

      facts->outer_address = g_strdup (cases[i].outer);
      facts->old_address = g_strdup (cases[i].old);
      facts->ipv6_address = g_strdup (cases[i].ipv6);
      guide = portier_guide_new (facts, NULL, &error);
      g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
      g_assert_null (guide);
    }

  /* No port at all. */
  {
    g_autoptr(PortierGuideFacts) facts =
      portier_guide_facts_new (PORTIER_GUIDE_PROBLEM_CGNAT, NULL, "192.168.1.20", "192.168.1.1");
    g_autoptr(GError) error = NULL;

    g_assert_null (portier_guide_new (facts, NULL, &error));
    g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
  }
}

/* "Check again" for a step with nothing to check passes at once; a step the guide does not
 * have is bad input. (The other checks run the troubleshooter: tests/integration.) */
static void
test_check_bounds (void)
{
  g_autoptr(PortierGuideFacts) facts = make_facts (PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT,
                                                   "25565/tcp");
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierGuide) guide = portier_guide_new (facts, NULL, &error);
  guint n;

  g_assert_no_error (error);
  n = portier_guide_get_n_steps (guide);
  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PortierDiagnosisReport) report = NULL;
      g_autofree char *message = NULL;
      gboolean passed;

      if (i < n && portier_guide_get_step (guide, i)->check != PORTIER_GUIDE_CHECK_NONE)
        continue;
      portier_guide_check_async (guide, i, NULL, NULL, store_result_cb, &result);
      passed = portier_guide_check_finish (guide, wait_for (&result), &message, &report,
                                           &error);
      g_assert_null (report);
      if (i < n)
        {
          g_assert_no_error (error);
          g_assert_true (passed);
        }
      else
        {
          g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
          g_assert_false (passed);
          g_clear_error (&error);
        }
    }
}

static void
test_problem_codes (void)
{
  const char * const codes[] = {
    "no-router-support", "router-refused", "double-nat", "cgnat", "mapping-stale-address",
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      PortierGuideProblem problem;

      g_assert_true (portier_guide_problem_from_code (codes[i], &problem));
      g_assert_cmpstr (portier_guide_problem_to_code (problem), ==, codes[i]);
    }
  g_assert_false (portier_guide_problem_from_code ("firewall-blocks", NULL));
  g_assert_false (portier_guide_problem_from_code (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/guide/families/complete", test_families_complete);
  g_test_add_func ("/guide/identify/oui-table", test_oui_table);
  g_test_add_func ("/guide/identify/oui-lookup", test_oui_lookup);
  g_test_add_func ("/guide/identify/arp-table", test_arp_table);
  g_test_add_func ("/guide/identify/html-title", test_html_title);
  g_test_add_func ("/guide/identify/upnp-description", test_upnp_description);
  g_test_add_func ("/guide/page/bad-gateway", test_page_bad_gateway);
  g_test_add ("/guide/page/title", PageFixture, NULL, page_fixture_setup,
              test_page_title_found, page_fixture_teardown);
  g_test_add ("/guide/page/limits", PageFixture, NULL, page_fixture_setup,
              test_page_limits, page_fixture_teardown);
  g_test_add ("/guide/page/cancelled", PageFixture, NULL, page_fixture_setup,
              test_page_cancelled, page_fixture_teardown);
  g_test_add ("/guide/page/fetch", PageFixture, NULL, page_fixture_setup,
              test_page_fetch, page_fixture_teardown);
  g_test_add ("/guide/identify/all-sources", PageFixture, NULL, page_fixture_setup,
              test_identify, page_fixture_teardown);
  g_test_add_func ("/guide/steps/every-family-and-problem", test_steps_every_family_and_problem);
  g_test_add_func ("/guide/steps/fritzbox", test_steps_fritzbox);
  g_test_add_func ("/guide/steps/cgnat-ipv6", test_steps_cgnat_ipv6);
  g_test_add_func ("/guide/steps/double-nat-outer-vendor", test_steps_double_nat_outer_vendor);
  g_test_add_func ("/guide/facts/invalid", test_facts_invalid);
  g_test_add_func ("/guide/facts/problem-codes", test_problem_codes);
  g_test_add_func ("/guide/check/bounds", test_check_bounds);

  return g_test_run ();
}
