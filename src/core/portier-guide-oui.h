/* portier-guide-oui.h: the hardware-address prefixes of the router vendors the guide knows
 *
 * The table is made at build time by data/guide/oui-table.py from the IEEE MA-L
 * registry (Debian's ieee-data, else the copy in data/guide), sorted by prefix.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint32     prefix;           /* the first three bytes of the address */
  const char *family_id;        /* a family of data/guide/routers.json */
  const char *organization;     /* the registry's name for the maker */
} PortierGuideOui;

extern const PortierGuideOui portier_guide_oui_table[];
extern const gsize portier_guide_oui_table_length;

G_END_DECLS
