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
