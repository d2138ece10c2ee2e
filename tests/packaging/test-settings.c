/* test-settings.c: the GSettings schema is what the rest of Portier expects
 *
 * Loads the schema compiled into the build folder (GSETTINGS_SCHEMA_DIR) with the memory
 * backend, and checks every key's type, default and allowed values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <gio/gio.h>

#define SCHEMA_ID "io.github.portier_app.Portier"

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  g_assert_nonnull (source);
  return g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE);
}

static void
test_schema_keys (void)
{
  static const struct {
    const char *name;
    const char *type;
  } expected[] = {
    { "default-duration", "s" },
    { "duration-hours", "u" },
    { "guide-steps", "a{su}" },
    { "probe-server", "s" },
    { "window-height", "i" },
    { "window-maximized", "b" },
    { "window-width", "i" },
  };
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_auto(GStrv) keys = NULL;

  g_assert_nonnull (schema);
  /* The same id and path for the Devel build: settings survive switching builds. */
  g_assert_cmpstr (g_settings_schema_get_path (schema), ==, "/io/github/portier_app/Portier/");

  keys = g_settings_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GSettingsSchemaKey) key = NULL;

      g_assert_true (g_settings_schema_has_key (schema, expected[i].name));
      key = g_settings_schema_get_key (schema, expected[i].name);
      g_assert_cmpstr (g_variant_type_peek_string (g_settings_schema_key_get_value_type (key)),
                       ==, expected[i].type);
      /* Every key explains itself in dconf-editor. */
      g_assert_nonnull (g_settings_schema_key_get_summary (key));
      g_assert_nonnull (g_settings_schema_key_get_description (key));
    }
}

static void
test_schema_defaults (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *duration = NULL;
  g_autofree char *probe_server = NULL;

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 620);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  duration = g_settings_get_string (settings, "default-duration");
  g_assert_cmpstr (duration, ==, "while-running");
  g_assert_cmpint (g_settings_get_enum (settings, "default-duration"), ==, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "duration-hours"), ==, 4);

  /* No probe server is configured out of the box. */
  probe_server = g_settings_get_string (settings, "probe-server");
  g_assert_cmpstr (probe_server, ==, "");

  /* No guide was left halfway. */
  {
    g_autoptr(GVariant) steps = g_settings_get_value (settings, "guide-steps");

    g_assert_cmpuint (g_variant_n_children (steps), ==, 0);
  }
}

static void
test_schema_duration_choices (void)
{
  static const char * const valid[] = { "while-running", "hours", "until-closed" };
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, "default-duration");
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) choices = NULL;
  const char *kind;

  g_variant_get (range, "(&sv)", &kind, &choices);
  g_assert_cmpstr (kind, ==, "enum");
  g_assert_cmpuint (g_variant_n_children (choices), ==, G_N_ELEMENTS (valid));

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *read_back = NULL;

      g_assert_true (g_settings_set_string (settings, "default-duration", valid[i]));
      read_back = g_settings_get_string (settings, "default-duration");
      g_assert_cmpstr (read_back, ==, valid[i]);
    }

  g_assert_false (g_settings_schema_key_range_check (key, g_variant_new_string ("forever")));
}

static void
test_schema_hours_range (void)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, "duration-hours");

  g_assert_false (g_settings_schema_key_range_check (key, g_variant_new_uint32 (0)));
  g_assert_true (g_settings_schema_key_range_check (key, g_variant_new_uint32 (1)));
  /* A week: the longest lease a router grants (UPnP IGD v2 caps leases at 604800 s). */
  g_assert_true (g_settings_schema_key_range_check (key, g_variant_new_uint32 (168)));
  g_assert_false (g_settings_schema_key_range_check (key, g_variant_new_uint32 (169)));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/schema/keys", test_schema_keys);
  g_test_add_func ("/settings/schema/defaults", test_schema_defaults);
  g_test_add_func ("/settings/schema/duration-choices", test_schema_duration_choices);
  g_test_add_func ("/settings/schema/hours-range", test_schema_hours_range);

  return g_test_run ();
}
