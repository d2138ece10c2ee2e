/* portier-choose-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-catalog.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_CHOOSE_FOR_OPENING,
  PORTIER_CHOOSE_FOR_TROUBLESHOOTING,
} PortierChoosePurpose;

#define PORTIER_TYPE_CHOOSE_PAGE (portier_choose_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierChoosePage, portier_choose_page, PORTIER, CHOOSE_PAGE, GtkWidget)

GtkWidget            *portier_choose_page_new         (PortierCatalog       *catalog,
                                                       PortierChoosePurpose  purpose);
PortierChoosePurpose  portier_choose_page_get_purpose (PortierChoosePage    *self);

G_END_DECLS
