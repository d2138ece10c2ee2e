/* test-l10n.c: Portier speaks the languages of po/LINGUAS at run time
 *
 *   test-l10n --tap LANGUAGE
 *
 * With the catalogs compiled into the build folder, every note and every port purpose of
 * the app catalog (data/apps.json, translated at run time with g_dgettext) comes out in
 * LANGUAGE, not in English; so do the messages of the core and the port specs, and the
 * step-by-step guide with every router family's sentences (data/guide/routers.json).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "portier-catalog.h"
#include "portier-guide.h"

static const char *language;

static void
assert_translated (const char *english,
                   const char *shown,
                   const char *what)
{
  if (g_strcmp0 (english, shown) == 0)
    g_error ("%s is not translated into %s: “%s”", what, language, english);
}

static void
check_ports (JsonArray  *ports_json,
             GArray     *ports,
             const char *id)
{
  g_assert_cmpuint (json_array_get_length (ports_json), ==, ports->len);
  for (guint i = 0; i < ports->len; i++)
    {
      JsonObject *port = json_array_get_object_element (ports_json, i);
      g_autofree char *what = g_strdup_printf ("the purpose of %s's port %u", id, i);

      assert_translated (json_object_get_string_member (port, "purpose"),
                         g_array_index (ports, PortierAppPort, i).purpose, what);
    }
}

static void
test_catalog (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "apps.json",
                                                 NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PortierCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *apps;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  catalog = portier_catalog_new_default (&error);
  g_assert_no_error (error);

  apps = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "apps");
  g_assert_cmpuint (json_array_get_length (apps), >, 0);
  for (guint i = 0; i < json_array_get_length (apps); i++)
    {
      JsonObject *app_json = json_array_get_object_element (apps, i);
      const char *id = json_object_get_string_member (app_json, "id");
      PortierApp *app = portier_catalog_lookup (catalog, id);
      g_autofree char *what = g_strdup_printf ("the note of %s", id);

      g_assert_nonnull (app);
      /* Names are mostly product names and may stay as they are; notes never do. */
      assert_translated (json_object_get_string_member (app_json, "note"),
                         portier_app_get_note (app), what);
      check_ports (json_object_get_array_member (app_json, "ports"),
                   portier_app_get_ports (app), id);
      check_ports (json_object_get_array_member (app_json, "lan_only"),
                   portier_app_get_lan_only (app), id);
    }
}

static void
test_messages (void)
{
  static const char * const english[] = {
    "Portier cannot see which programs listen on this computer.",
    "Something went wrong. Nothing was left half-done.",
    "Type a port number, such as 25565.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    assert_translated (english[i], g_dgettext (GETTEXT_PACKAGE, english[i]), "a message");
}

static void
test_guide (void)
{
  static const struct { const char *member; PortierRouterText text; } sentences[] = {
    { "add", PORTIER_ROUTER_TEXT_ADD },
    { "upnp", PORTIER_ROUTER_TEXT_UPNP },
    { "reserve", PORTIER_ROUTER_TEXT_RESERVE },
    { "ipv6", PORTIER_ROUTER_TEXT_IPV6 },
  };
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "guide",
                                                 "routers.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierPortSpec) port = portier_port_spec_parse ("25565/tcp", NULL);
  g_autoptr(PortierGuideFacts) facts = NULL;
  g_autoptr(PortierGuide) guide = NULL;
  JsonArray *families;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  families = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "families");
  g_assert_cmpuint (json_array_get_length (families), >, 0);
  for (guint i = 0; i < json_array_get_length (families); i++)
    {
      JsonObject *family_json = json_array_get_object_element (families, i);
      const char *id = json_object_get_string_member (family_json, "id");
      const PortierRouterFamily *family = portier_router_family_lookup (id);

      g_assert_nonnull (family);
      /* Menu paths and field names may stay as the router shows them; sentences never. */
      for (guint j = 0; j < G_N_ELEMENTS (sentences); j++)
        {
          g_autofree char *what = g_strdup_printf ("the “%s” of router family %s",
                                                   sentences[j].member, id);

          assert_translated (json_object_get_string_member (family_json, sentences[j].member),
                             portier_router_family_get_text (family, sentences[j].text), what);
        }
    }

  facts = portier_guide_facts_new (PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT, port,
                                   "192.168.1.20", "192.168.1.1");
  guide = portier_guide_new (facts, NULL, &error);
  g_assert_no_error (error);
  assert_translated ("Open your router's settings", portier_guide_get_step (guide, 0)->title,
                     "the guide's first step");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    g_error ("usage: test-l10n [--tap] LANGUAGE");
  language = argv[1];

  /* LANGUAGE picks the translation even in the C.UTF-8 locale the tests run in. */
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/l10n/catalog", test_catalog);
  g_test_add_func ("/l10n/messages", test_messages);
  g_test_add_func ("/l10n/guide", test_guide);

  return g_test_run ();
}
