/* portier-after-frame.h: work that waits until a widget's first frame is on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*PortierAfterFrameFunc) (GtkWidget *widget);

void portier_after_first_frame (GtkWidget             *widget,
                                PortierAfterFrameFunc  func);

G_END_DECLS
