#!/usr/bin/python3
# A polkit authentication agent for one process — this one — that does what a person
# does who closes the password dialog: it notes what it was asked, then cancels. With it,
# the process calls the helper's OpenPort and prints one JSON document.
#
#   polkit-agent.py INTERACTIVE(true|false) MESSAGE_FLAG(allow|none) PORT
#
# Uses the real libpolkit-agent (through GObject introspection) and the real polkitd of
# the test's private system bus.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys

import gi
gi.require_version("Polkit", "1.0")
gi.require_version("PolkitAgent", "1.0")
from gi.repository import Gio, GLib, Polkit, PolkitAgent  # noqa: E402

interactive = sys.argv[1] == "true"
message_flag = sys.argv[2] == "allow"
port = int(sys.argv[3])
asked = []


class Agent(PolkitAgent.Listener):
    def do_initiate_authentication(self, action_id, message, icon_name, details, cookie,
                                   identities, cancellable, callback, *user_data):
        asked.append({"action": action_id, "message": message})
        task = Gio.Task.new(self, cancellable, lambda source, result, *rest:
                            callback(source, result))
        task.return_error(GLib.Error.new_literal(Polkit.error_quark(), "closed by the person",
                                                 Polkit.Error.CANCELLED))

    def do_initiate_authentication_finish(self, result):
        return result.propagate_boolean()


agent = Agent()
subject = Polkit.UnixProcess.new_for_owner(os.getpid(), 0, os.getuid())
PolkitAgent.register_listener(agent, subject,
                              "/org/freedesktop/PolicyKit1/AuthenticationAgent")

bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
loop = GLib.MainLoop()
answer = {}


def done(connection, result):
    try:
        connection.call_finish(result)
        answer["result"] = "ok"
    except GLib.Error as error:
        answer["result"] = Gio.DBusError.get_remote_error(error) or error.message
    loop.quit()


bus.call("io.github.portier_app.Portier.Helper1", "/io/github/portier_app/Portier/Helper1",
         "io.github.portier_app.Portier.Helper1", "OpenPort",
         GLib.Variant("(qqssubsb)", (port, port, "tcp", "", 0, False, "", interactive)), None,
         Gio.DBusCallFlags.ALLOW_INTERACTIVE_AUTHORIZATION if message_flag
         else Gio.DBusCallFlags.NONE,
         60000, None, done)
loop.run()
answer["asked"] = asked
print(json.dumps(answer))
