/* test-catalog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "portier-catalog.h"
#include "portier-error.h"

static PortierApp *
lookup (PortierCatalog *catalog,
        const char     *id)
{
  PortierApp *app = portier_catalog_lookup (catalog, id);

  if (app == NULL)
    g_error ("the catalog has no app “%s”", id);
  return app;
}

static gboolean
app_forwards (PortierApp *app,
              const char *spec_text)
{
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (spec_text, NULL);
  GArray *ports = portier_app_get_ports (app);

  g_assert_nonnull (spec);
  for (guint i = 0; i < ports->len; i++)
    if (portier_port_spec_equal (&g_array_index (ports, PortierAppPort, i).spec, spec))
      return TRUE;
  return FALSE;
}

static void
test_default_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierCatalog) catalog = portier_catalog_new_default (&error);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *apps;
  guint n;

  g_assert_no_error (error);
  g_assert_nonnull (catalog);

  apps = portier_catalog_get_apps (catalog);
  n = g_list_model_get_n_items (apps);
  g_assert_cmpuint (n, >=, 40);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PortierApp) app = g_list_model_get_item (apps, i);
      GArray *ports = portier_app_get_ports (app);
      GArray *lan_only = portier_app_get_lan_only (app);

      g_assert_false (g_hash_table_contains (ids, portier_app_get_id (app)));
      g_hash_table_add (ids, (gpointer) portier_app_get_id (app));
      g_assert_true (portier_catalog_lookup (catalog, portier_app_get_id (app)) == app);

      g_assert_cmpstr (portier_app_get_name (app), !=, "");
      g_assert_true (g_str_has_suffix (portier_app_get_note (app), "."));
      g_assert_true (g_str_has_suffix (portier_app_get_icon_name (app), "-symbolic"));
      g_assert_true (g_str_has_prefix (portier_app_get_source (app), "https://"));
      g_assert_cmpuint (ports->len, >, 0);

      for (guint p = 0; p < ports->len; p++)
        {
          const PortierAppPort *port = &g_array_index (ports, PortierAppPort, p);

          g_assert_true (portier_port_spec_validate (port->spec.first, port->spec.last,
                                                     port->spec.protocol, NULL));
          g_assert_cmpstr (port->purpose, !=, "");
          for (guint l = 0; l < lan_only->len; l++)
            g_assert_false (portier_port_spec_overlaps (
              &port->spec, &g_array_index (lan_only, PortierAppPort, l).spec));
        }
    }

  /* A few apps with ports everybody knows. */
  g_assert_true (app_forwards (lookup (catalog, "minecraft-java"), "25565/tcp"));
  g_assert_true (app_forwards (lookup (catalog, "minecraft-bedrock"), "19132/udp"));
  g_assert_true (app_forwards (lookup (catalog, "wireguard"), "51820/udp"));
  g_assert_true (app_forwards (lookup (catalog, "factorio"), "34197/udp"));
  g_assert_true (app_forwards (lookup (catalog, "jellyfin"), "8096/tcp"));
  g_assert_cmpint (portier_app_get_risk (lookup (catalog, "ssh")), ==, PORTIER_RISK_HIGH);
  g_assert_null (portier_catalog_lookup (catalog, "no-such-app"));
  g_assert_null (portier_catalog_lookup (catalog, NULL));

  g_assert_finalize_object (g_steal_pointer (&catalog));
}

static void
test_search (void)
{
  g_autoptr(PortierCatalog) catalog = portier_catalog_new_default (NULL);
  PortierApp *minecraft = lookup (catalog, "minecraft-java");
  PortierApp *jellyfin = lookup (catalog, "jellyfin");

  g_assert_true (portier_app_matches (minecraft, NULL));
  g_assert_true (portier_app_matches (minecraft, ""));
  g_assert_true (portier_app_matches (minecraft, "mine"));
  g_assert_true (portier_app_matches (minecraft, "MINECRAFT java"));
  g_assert_true (portier_app_matches (minecraft, "25565"));
  g_assert_true (portier_app_matches (minecraft, "game"));
  g_assert_false (portier_app_matches (minecraft, "jelly"));
  g_assert_false (portier_app_matches (minecraft, "minecraft jelly"));
  g_assert_true (portier_app_matches (jellyfin, "jelly"));
}

static void
test_invalid_data (void)
{
#define APP(id, ports, lan) \
  "{\"id\":\"" id "\",\"name\":\"N\",\"category\":\"game\",\"icon\":\"x-symbolic\"," \
  "\"risk\":\"low\",\"note\":\"N.\",\"source\":\"https://example.org\"," \
  "\"ports\":" ports ",\"lan_only\":" lan "}"
  static const char *cases[] = {
    "",
    "[]",
    "{\"apps\": 3}",
    "{\"apps\": [3]}",
    "{\"apps\": [" APP ("a", "[{\"spec\":\"0\",\"purpose\":\"p\"}]", "[]") "]}",
    "{\"apps\": [" APP ("a", "[{\"spec\":\"80-70\",\"purpose\":\"p\"}]", "[]") "]}",
    "{\"apps\": [" APP ("a", "[]", "[]") "]}",
    "{\"apps\": [" APP ("a", "[{\"spec\":\"7777/udp\"}]", "[]") "]}",
    "{\"apps\": [" APP ("Bad_Id", "[{\"spec\":\"7777\",\"purpose\":\"p\"}]", "[]") "]}",
    "{\"apps\": [" APP ("a", "[{\"spec\":\"7777/both\",\"purpose\":\"p\"}]",
                        "[{\"spec\":\"7777/udp\",\"purpose\":\"p\"}]") "]}",
    "{\"apps\": [" APP ("a", "[{\"spec\":\"7777\",\"purpose\":\"p\"}]", "[]") ","
                   APP ("a", "[{\"spec\":\"7778\",\"purpose\":\"p\"}]", "[]") "]}",
    "{\"apps\": [" APP ("a", "{}", "[]") "]}",
  };
  const char *valid = "{\"apps\": [" APP ("a", "[{\"spec\":\"7777\",\"purpose\":\"p\"}]",
                                          "[{\"spec\":\"7778\",\"purpose\":\"p\"}]") "]}";
#undef APP
  g_autoptr(PortierCatalog) good = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortierCatalog) catalog = NULL;

      g_clear_error (&error);
      g_test_message ("case %u: %s", i, cases[i]);
      catalog = portier_catalog_new_from_data (cases[i], strlen (cases[i]), &error);
      g_assert_null (catalog);
      g_assert_nonnull (error);
    }

  g_clear_error (&error);
  good = portier_catalog_new_from_data (valid, strlen (valid), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (portier_catalog_get_apps (good)), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/default", test_default_catalog);
  g_test_add_func ("/catalog/search", test_search);
  g_test_add_func ("/catalog/invalid", test_invalid_data);

  return g_test_run ();
}
