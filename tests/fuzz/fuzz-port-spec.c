/* fuzz-port-spec.c: libFuzzer target for the port-spec parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "portier-port-spec.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierPortSpec) spec = portier_port_spec_parse (text, &error);

  if (spec != NULL)
    {
      g_autofree char *canonical = portier_port_spec_to_string (spec);
      g_autofree char *description = portier_port_spec_describe (spec);
      g_autoptr(PortierPortSpec) again = portier_port_spec_parse (canonical, NULL);

      /* What parses formats back to text that parses to the same spec. */
      g_assert_nonnull (again);
      g_assert_true (portier_port_spec_equal (spec, again));
      g_assert_true (spec->first >= 1 && spec->first <= spec->last);
      g_assert_true (portier_port_spec_get_n_ports (spec) <= PORTIER_PORT_SPEC_MAX_RANGE);
      (void) portier_port_spec_get_risk (spec, NULL);
      g_assert_true (g_utf8_validate (description, -1, NULL));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  return 0;
}
