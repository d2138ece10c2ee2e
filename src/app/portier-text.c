/* portier-text.c: small helpers for the words the pages show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "portier-text.h"

/**
 * portier_text_capitalize:
 *
 * Returns: (transfer full): @text with its first letter in upper case, for phrases that
 *   start a title ("port 25565 (TCP)" → "Port 25565 (TCP)")
 */
char *
portier_text_capitalize (const char *text)
{
  char first[8] = { 0 };

  if (text == NULL || text[0] == '\0')
    return g_strdup (text);

  g_unichar_to_utf8 (g_unichar_totitle (g_utf8_get_char (text)), first);
  return g_strconcat (first, g_utf8_next_char (text), NULL);
}

/**
 * portier_text_kind_icon:
 * @category: (nullable): the catalog's category of an app
 *
 * Returns: the icon for the kind of app — games, media, files and sync, or another
 *   program — so that the kinds tell apart at a glance. Portier ships these icons (in
 *   its GResource) for icon themes that lack them.
 */
const char *
portier_text_kind_icon (const char *category)
{
  static const struct
  {
    const char *category;
    const char *icon;
  } kinds[] = {
    { "game", "applications-games-symbolic" },
    { "media", "applications-multimedia-symbolic" },
    { "voice", "applications-multimedia-symbolic" },
    { "files", "folder-remote-symbolic" },
    { "torrent", "folder-remote-symbolic" },
  };

  for (guint i = 0; category != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (category, kinds[i].category))
      return kinds[i].icon;
  return "application-x-executable-symbolic";
}
