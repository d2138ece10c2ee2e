/* portier-probe.c: the test from the internet, as the opener and the troubleshooter ask it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include "portier-probe.h"

G_DEFINE_INTERFACE (PortierProbe, portier_probe, G_TYPE_OBJECT)

static void
portier_probe_default_init (PortierProbeInterface *iface)
{
}

/**
 * portier_probe_check_async:
 *
 * Tests from the internet whether @spec can be reached on this computer.
 */
void
portier_probe_check_async (PortierProbe          *self,
                           const PortierPortSpec *spec,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_return_if_fail (PORTIER_IS_PROBE (self));
  PORTIER_PROBE_GET_IFACE (self)->check_async (self, spec, cancellable, callback, user_data);
}

/**
 * portier_probe_check_finish:
 *
 * Returns: (transfer full): what the test found; %NULL with an error when it could not run
 */
PortierProbeReport *
portier_probe_check_finish (PortierProbe  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (PORTIER_IS_PROBE (self), NULL);
  return PORTIER_PROBE_GET_IFACE (self)->check_finish (self, result, error);
}
