/* portier-guide-check.h: "check again" for a step of the guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-diagnosis.h"
#include "portier-guide.h"

G_BEGIN_DECLS

void     portier_guide_check_async  (PortierGuide            *guide,
                                     guint                    step,
                                     const char              *probe_server,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data);
gboolean portier_guide_check_finish (PortierGuide            *guide,
                                     GAsyncResult            *result,
                                     char                   **message,
                                     PortierDiagnosisReport **report,
                                     GError                 **error);

G_END_DECLS
