/* portier-probe.h: the test from the internet, as the opener and the troubleshooter ask it
 *
 * PortierProbeClient is the one that talks to a probe server; the interface lets the unit
 * tests of the opener and the troubleshooter stand a fake in its place, the way a
 * PortierRouter is handed in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-probe-report.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_PROBE (portier_probe_get_type ())
G_DECLARE_INTERFACE (PortierProbe, portier_probe, PORTIER, PROBE, GObject)

struct _PortierProbeInterface
{
  GTypeInterface parent_iface;

  void                (*check_async)  (PortierProbe          *self,
                                       const PortierPortSpec *spec,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  PortierProbeReport *(*check_finish) (PortierProbe          *self,
                                       GAsyncResult          *result,
                                       GError               **error);
};

void                portier_probe_check_async  (PortierProbe          *self,
                                                const PortierPortSpec *spec,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
PortierProbeReport *portier_probe_check_finish (PortierProbe          *self,
                                                GAsyncResult          *result,
                                                GError               **error);

G_END_DECLS
