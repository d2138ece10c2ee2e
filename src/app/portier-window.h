/* portier-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-catalog.h"
#include "portier-ledger.h"
#include "portier-opener.h"

G_BEGIN_DECLS

typedef struct _PortierApplication PortierApplication;

#define PORTIER_TYPE_WINDOW (portier_window_get_type ())
G_DECLARE_FINAL_TYPE (PortierWindow, portier_window, PORTIER, WINDOW, AdwApplicationWindow)

PortierWindow  *portier_window_new        (PortierApplication *application);
GtkWidget      *portier_window_get_page   (PortierWindow      *self);
guint           portier_window_get_depth  (PortierWindow      *self);
void            portier_window_push_page  (PortierWindow      *self,
                                           GtkWidget          *page,
                                           const char         *title);
gboolean        portier_window_go_back    (PortierWindow      *self);
void            portier_window_go_home    (PortierWindow      *self);
void            portier_window_add_toast  (PortierWindow      *self,
                                           const char         *title);
PortierLedger  *portier_window_get_ledger (PortierWindow      *self);
PortierCatalog *portier_window_get_catalog (PortierWindow     *self);
PortierOpener  *portier_window_get_opener (PortierWindow      *self);

G_END_DECLS
