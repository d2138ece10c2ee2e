/* portier-diagnosis-report.c: the troubleshooter's report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-diagnosis"

#include "config.h"

#include "portier-diagnosis.h"
#include "portier-findings.h"

G_DEFINE_BOXED_TYPE (PortierDiagnosisReport, portier_diagnosis_report,
                     portier_diagnosis_report_copy, portier_diagnosis_report_free)

PortierDiagnosisReport *
portier_diagnosis_report_copy (const PortierDiagnosisReport *self)
{
  PortierDiagnosisReport *copy = g_new0 (PortierDiagnosisReport, 1);

  copy->spec = self->spec;
  copy->verdict = self->verdict;
  copy->guide = self->guide != NULL ? g_object_ref (self->guide) : NULL;
  copy->reachable_ipv4 = self->reachable_ipv4;
  copy->reachable_ipv6 = self->reachable_ipv6;
  copy->public_address = g_strdup (self->public_address);
  copy->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_finding_free);
  for (guint i = 0; i < self->findings->len; i++)
    g_ptr_array_add (copy->findings, portier_finding_copy (self->findings->pdata[i]));
  return copy;
}

void
portier_diagnosis_report_free (PortierDiagnosisReport *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_object (&self->guide);
  g_free (self->public_address);
  g_free (self);
}

/**
 * portier_diagnosis_report_get_first_problem:
 *
 * Returns: (transfer none) (nullable): the problem to fix first (see
 *   portier_findings_first_problem())
 */
const PortierFinding *
portier_diagnosis_report_get_first_problem (const PortierDiagnosisReport *self)
{
  return portier_findings_first_problem (self->findings);
}
