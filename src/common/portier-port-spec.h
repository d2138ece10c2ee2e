/* portier-port-spec.h: a port or a range of ports, with its protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PORTIER_PORT_SPEC_MAX_RANGE 1000
#define PORTIER_PORT_SPEC_MAX_TEXT 32

typedef enum
{
  PORTIER_PROTOCOL_TCP = 1 << 0,
  PORTIER_PROTOCOL_UDP = 1 << 1,
  PORTIER_PROTOCOL_BOTH = PORTIER_PROTOCOL_TCP | PORTIER_PROTOCOL_UDP,
} PortierProtocol;

typedef enum
{
  PORTIER_PORT_CLASS_WELL_KNOWN,
  PORTIER_PORT_CLASS_REGISTERED,
  PORTIER_PORT_CLASS_DYNAMIC,
} PortierPortClass;

typedef enum
{
  PORTIER_RISK_LOW,
  PORTIER_RISK_MEDIUM,
  PORTIER_RISK_HIGH,
} PortierRisk;

typedef struct _PortierPortSpec PortierPortSpec;

struct _PortierPortSpec
{
  guint16         first;
  guint16         last;
  PortierProtocol protocol;
};

#define PORTIER_TYPE_PORT_SPEC (portier_port_spec_get_type ())

GType             portier_port_spec_get_type      (void) G_GNUC_CONST;
PortierPortSpec  *portier_port_spec_new           (guint16                first,
                                                   guint16                last,
                                                   PortierProtocol        protocol,
                                                   GError               **error);
PortierPortSpec  *portier_port_spec_parse         (const char            *text,
                                                   GError               **error);
gboolean          portier_port_spec_validate      (guint                  first,
                                                   guint                  last,
                                                   PortierProtocol        protocol,
                                                   GError               **error);
PortierPortSpec  *portier_port_spec_copy          (const PortierPortSpec *self);
void              portier_port_spec_free          (PortierPortSpec       *self);
gboolean          portier_port_spec_equal         (const PortierPortSpec *a,
                                                   const PortierPortSpec *b);
gboolean          portier_port_spec_contains      (const PortierPortSpec *self,
                                                   guint16                port,
                                                   PortierProtocol        protocol);
gboolean          portier_port_spec_overlaps      (const PortierPortSpec *a,
                                                   const PortierPortSpec *b);
guint             portier_port_spec_get_n_ports   (const PortierPortSpec *self);
char             *portier_port_spec_to_string     (const PortierPortSpec *self);
char             *portier_port_spec_describe      (const PortierPortSpec *self);
PortierPortClass  portier_port_spec_get_class     (const PortierPortSpec *self);
PortierRisk       portier_port_spec_get_risk      (const PortierPortSpec *self,
                                                   const char           **reason);

PortierPortClass  portier_port_class_for_port     (guint16                port);
const char       *portier_port_class_to_string    (PortierPortClass       port_class);
const char       *portier_port_class_explain      (PortierPortClass       port_class);
PortierRisk       portier_port_risk               (guint16                port,
                                                   PortierProtocol        protocol,
                                                   const char           **reason);
const char       *portier_risk_to_string          (PortierRisk            risk);
gboolean          portier_risk_from_string        (const char            *text,
                                                   PortierRisk           *risk);
const char       *portier_protocol_to_string      (PortierProtocol        protocol);
gboolean          portier_protocol_from_string    (const char            *text,
                                                   PortierProtocol       *protocol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierPortSpec, portier_port_spec_free)

G_END_DECLS
