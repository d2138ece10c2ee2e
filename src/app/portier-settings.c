/* portier-settings.c: the app's GSettings, when the schema is installed
 *
 * Portier runs without its schema (a build tree, a broken install): every function here
 * takes a %NULL #GSettings and answers with the schema's defaults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-settings"

#include "config.h"

#include "portier-settings.h"

#define DEFAULT_HOURS 4

/**
 * portier_settings_new:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL when the schema is not
 *   installed (GSettings would abort the program)
 */
GSettings *
portier_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PORTIER_SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Schema %s is not installed; settings will not be remembered",
               PORTIER_SETTINGS_SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * portier_settings_get_default_duration:
 * @hours: (out) (optional): the hours for %PORTIER_DURATION_UNTIL
 */
PortierDuration
portier_settings_get_default_duration (GSettings *settings,
                                       guint     *hours)
{
  g_autofree char *nick = NULL;

  if (hours != NULL)
    *hours = settings != NULL ? g_settings_get_uint (settings, "duration-hours") : DEFAULT_HOURS;

  if (settings == NULL)
    return PORTIER_DURATION_WHILE_RUNNING;

  nick = g_settings_get_string (settings, "default-duration");
  if (g_strcmp0 (nick, "hours") == 0)
    return PORTIER_DURATION_UNTIL;
  if (g_strcmp0 (nick, "until-closed") == 0)
    return PORTIER_DURATION_UNTIL_CLOSED;
  return PORTIER_DURATION_WHILE_RUNNING;
}

void
portier_settings_set_default_duration (GSettings       *settings,
                                       PortierDuration  duration,
                                       guint            hours)
{
  const char *nick;

  if (settings == NULL)
    return;

  switch (duration)
    {
    case PORTIER_DURATION_UNTIL:
      nick = "hours";
      break;
    case PORTIER_DURATION_UNTIL_CLOSED:
      nick = "until-closed";
      break;
    case PORTIER_DURATION_WHILE_RUNNING:
    default:
      nick = "while-running";
      break;
    }

  g_settings_set_string (settings, "default-duration", nick);
  if (duration == PORTIER_DURATION_UNTIL && hours >= 1 && hours <= 168)
    g_settings_set_uint (settings, "duration-hours", hours);
}
