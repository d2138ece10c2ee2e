/* portier-guide-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-diagnosis.h"
#include "portier-guide.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_GUIDE_PAGE (portier_guide_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierGuidePage, portier_guide_page, PORTIER, GUIDE_PAGE, GtkWidget)

GtkWidget    *portier_guide_page_new      (PortierGuide     *guide,
                                           GSettings        *settings);
PortierGuide *portier_guide_page_get_guide (PortierGuidePage *self);
guint         portier_guide_page_get_step  (PortierGuidePage *self);
void          portier_guide_page_set_step  (PortierGuidePage *self,
                                            guint             step);
void          portier_guide_page_check     (PortierGuidePage *self);

G_END_DECLS
